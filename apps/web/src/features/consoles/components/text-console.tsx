/**
 * A domain's text console (PV console or HVM emulated serial) in xterm.js, over
 * `WS /api/v1/domains/:name/console/text?type=pv|serial` on the app's {@link LiveSocket}: server
 * binary frames are written to the terminal (the server's scrollback first, so the terminal is
 * reset at each (re)connect before writing), keystrokes (`term.onData`) go back as binary frames
 * of UTF-8 (Ctrl-] too: the server filters it, the client sends what was typed), JSON status frames
 * drive the status line and the viewer count. Fit (refit on container resize), search, web links,
 * copy on select. The terminal is xterm's DOM renderer (no canvas/WebGL addon): e2e reads the
 * visible text from `[data-testid="text-console"] .xterm-rows`.
 */
import { useQueryClient } from '@tanstack/react-query';
import {
  type ConsoleStatus,
  type Domain,
  type TextConsoleServerMessage,
  type TextConsoleType,
  textConsoleServerMessageSchema,
} from '@xendeck/api';
import type { ITheme, Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/button';
import { DomainActions } from '@/features/domains';
import { API_BASE } from '@/lib/api-client';
import { LiveSocket, liveSocketUrl, recheckSession } from '@/lib/live-socket';
import { useColorScheme } from '@/lib/use-color-scheme';
import { consoleStatusQueryKey, withViewers } from '../api/get-console-status';
import { afterClose, type ConsoleConnection } from '../lib/console-state';
import { loadXterm } from '../lib/load-viewers';
import { ConsoleStatusLine } from './status-line';

const themes: Record<'light' | 'dark', ITheme> = {
  light: {
    background: '#fafafa',
    foreground: '#18181b',
    cursor: '#0369a1',
    selectionBackground: '#bae6fd',
  },
  dark: {
    background: '#09090b',
    foreground: '#e4e4e7',
    cursor: '#38bdf8',
    selectionBackground: '#075985',
  },
};

/** `/api/v1/domains/:name/console/log` (`download` adds `?download=1`: saved as a file). */
export function consoleLogUrl(name: string, download = false): string {
  return `${API_BASE}/domains/${encodeURIComponent(name)}/console/log${download ? '?download=1' : ''}`;
}

/** The text console's websocket path under `/api/v1`. */
export function textConsolePath(name: string, type: TextConsoleType): string {
  return `/domains/${encodeURIComponent(name)}/console/text?type=${type}`;
}

/** The connection state a status frame means. */
export function connectionFromStatus(m: TextConsoleServerMessage): ConsoleConnection {
  switch (m.state) {
    case 'attached':
      return m.domid !== undefined
        ? { state: 'connected', domid: m.domid }
        : { state: 'connected' };
    case 'waiting':
      return { state: 'waiting', reason: m.reason ?? 'for the domain' };
    case 'detached':
      return { state: 'disconnected', reason: m.reason ?? 'detached', sessionEnded: false };
  }
}

export function TextConsole({
  name,
  type,
  domain,
  viewers,
  log,
  fill = false,
}: {
  name: string;
  type: TextConsoleType;
  /** The domain as the list shows it now, for the power actions (absent while it is not running). */
  domain?: Domain;
  /** Viewer count from the console status (kept fresh by the events stream and status frames). */
  viewers: number | undefined;
  /** Where the full log comes from (console status `log`), when known. */
  log?: ConsoleStatus['log'];
  /** Take the whole height of the parent (the full-window console) instead of a fixed height. */
  fill?: boolean;
}) {
  const queryClient = useQueryClient();
  const scheme = useColorScheme();
  const containerRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const searchRef = useRef<{ findNext(q: string): boolean; findPrevious(q: string): boolean }>(
    null,
  );
  const socketRef = useRef<LiveSocket<TextConsoleServerMessage> | null>(null);
  const schemeRef = useRef(scheme);
  schemeRef.current = scheme;
  const [connection, setConnection] = useState<ConsoleConnection>({ state: 'connecting' });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let cancelled = false;
    let cleanup: (() => void) | undefined;
    setConnection({ state: 'connecting' });

    loadXterm().then(
      ({ Terminal, FitAddon, SearchAddon, WebLinksAddon }) => {
        if (cancelled) return;
        const term = new Terminal({
          cursorBlink: true,
          scrollback: 10_000,
          fontSize: 13,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
          theme: themes[schemeRef.current],
        });
        const fit = new FitAddon();
        const search = new SearchAddon();
        term.loadAddon(fit);
        term.loadAddon(search);
        term.loadAddon(new WebLinksAddon());
        term.open(container);
        termRef.current = term;
        searchRef.current = search;
        const refit = () => {
          try {
            fit.fit();
          } catch {
            // Not laid out yet (display: none): the next resize fits it.
          }
        };
        refit();
        const observer =
          typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(refit);
        observer?.observe(container);

        const encoder = new TextEncoder();
        let replaying = false;
        const socket = new LiveSocket<TextConsoleServerMessage>({
          url: () => liveSocketUrl(textConsolePath(name, type)),
          label: 'text console',
          schema: textConsoleServerMessageSchema,
          // The server sends its scrollback first on every connection: start from a clean screen.
          // While the scrollback replays, the terminal's automatic answers to queries in it (a
          // cursor position request from an old prompt) are not sent: the guest did not ask now.
          onOpen: () => {
            replaying = true;
            term.reset();
          },
          onBinary: (data) => term.write(new Uint8Array(data)),
          onMessage: (m) => {
            // The first status frame follows the scrollback: once xterm has parsed what came
            // before it (the write callback), answers are live again.
            if (replaying)
              term.write('', () => {
                replaying = false;
              });
            setConnection(connectionFromStatus(m));
            queryClient.setQueryData<ConsoleStatus>(consoleStatusQueryKey(name), (s) =>
              withViewers(s, type, m.viewers),
            );
          },
          onStatus: (status, close) => {
            if (status === 'connecting') setConnection({ state: 'connecting' });
            // A status frame follows at once and says attached or waiting.
            else if (status === 'open') setConnection({ state: 'connected' });
            else if ((status === 'reconnecting' || status === 'closed') && close) {
              setConnection(afterClose(close.code, close.reason, close.wasOpen));
            }
          },
          onDrop: recheckSession(queryClient),
          shouldReconnect: (close) =>
            afterClose(close.code, close.reason, close.wasOpen).state === 'reconnecting',
        });
        socketRef.current = socket;
        const input = term.onData((data) => {
          if (!replaying) socket.send(encoder.encode(data));
        });
        const selection = term.onSelectionChange(() => {
          if (!term.hasSelection()) return;
          const text = term.getSelection();
          if (text) navigator.clipboard?.writeText(text).catch(() => {});
        });
        socket.start();

        cleanup = () => {
          socket.stop();
          socketRef.current = null;
          input.dispose();
          selection.dispose();
          observer?.disconnect();
          term.dispose();
          termRef.current = null;
          searchRef.current = null;
        };
      },
      (error: unknown) => {
        if (!cancelled) setLoadError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
      cleanup?.();
    };
  }, [name, type, queryClient]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = themes[scheme];
  }, [scheme]);

  const find = (backwards: boolean) => {
    if (!query) return;
    if (backwards) searchRef.current?.findPrevious(query);
    else searchRef.current?.findNext(query);
  };

  return (
    <div className={`flex min-h-0 flex-col gap-2 ${fill ? 'h-full' : ''}`}>
      <div className="flex flex-wrap items-center gap-2">
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            find(false);
          }}
        >
          <input
            type="search"
            aria-label="Search the console"
            placeholder="Search…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && e.shiftKey) {
                e.preventDefault();
                find(true);
              }
            }}
            className="h-7 w-48 rounded-md border border-zinc-300 bg-white px-2 text-xs dark:border-zinc-700 dark:bg-zinc-900"
          />
          <Button size="sm" onClick={() => find(true)} disabled={!query} title="Previous match">
            ↑
          </Button>
          <Button size="sm" type="submit" disabled={!query} title="Next match">
            ↓
          </Button>
        </form>
        <span className="ml-auto flex items-center gap-3 text-xs">
          <a
            href={consoleLogUrl(name)}
            target="_blank"
            rel="noopener"
            className="text-sky-700 hover:underline dark:text-sky-400"
            title={
              log?.source === 'xenconsoled'
                ? "xenconsoled's log of this guest since boot"
                : 'What the server kept of this console (xenconsoled does not log this guest)'
            }
          >
            Full log
          </a>
          <a
            href={consoleLogUrl(name, true)}
            download
            className="text-sky-700 hover:underline dark:text-sky-400"
          >
            Download log
          </a>
          {domain ? <DomainActions domain={domain} /> : null}
        </span>
      </div>
      {loadError ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          The terminal could not be loaded: {loadError}
        </p>
      ) : null}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: keys typed into the console stay in it (no app-wide handler sees them) */}
      <div
        ref={containerRef}
        data-testid="text-console"
        onKeyDown={(e) => e.stopPropagation()}
        className={`min-h-0 overflow-hidden rounded-md border border-zinc-300 p-1 dark:border-zinc-700 ${
          fill ? 'flex-1' : 'h-[calc(100vh-22rem)] min-h-80'
        }`}
        style={{ background: themes[scheme].background }}
      />
      <ConsoleStatusLine connection={connection} viewers={viewers}>
        {connection.state === 'disconnected' && !connection.sessionEnded ? (
          <Button size="sm" onClick={() => socketRef.current?.reconnectNow()}>
            Reconnect
          </Button>
        ) : null}
        {log?.source === 'xenconsoled' ? (
          <span className="text-zinc-500 dark:text-zinc-400">
            full log since boot by xenconsoled
          </span>
        ) : null}
      </ConsoleStatusLine>
    </div>
  );
}
