/**
 * The guest's screen: noVNC's RFB over `WS /api/v1/domains/:name/console/vnc` (binary RFB; the
 * server answers QEMU's VNC password itself and offers security None, so no credentials live in
 * the browser; `shared: true` so other viewers stay connected). The component owns the RFB in an
 * effect (created on mount and on each reconnect, listeners removed and `disconnect()` on
 * cleanup). RFB is given a WebSocket made here so the close code and reason reach the status
 * line. On a close it reconnects by creating a new RFB after the live socket's backoff
 * (`reconnectDelayMs`, reset on connect), and at once when the domain comes back (its domid
 * changes) or its VNC appears; 1008 (session ended) and 1013 (too many connections) give up.
 * Resolution changes: noVNC re-applies the scaling itself on a desktop resize and observes its
 * own size (ResizeObserver in RFB), so the canvas keeps fitting.
 */
import type RFB from '@novnc/novnc';
import { useQueryClient } from '@tanstack/react-query';
import type { Domain } from '@xendeck/api';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/button';
import { DomainActions } from '@/features/domains';
import { liveSocketUrl, recheckSession } from '@/lib/live-socket';
import { reconnectDelayMs } from '@/lib/reconnect';
import { afterClose, type ConsoleConnection } from '../lib/console-state';
import {
  comboEvents,
  KEYS,
  type KeyCombo,
  type SendKey,
  type StickyModifier,
} from '../lib/keysyms';
import { loadRfb } from '../lib/load-viewers';
import { CdromMenu } from './cdrom/cdrom-menu';
import { SendKeysMenu } from './send-keys-menu';
import { ConsoleStatusLine } from './status-line';
import { TypeTextDialog } from './type-text-dialog';

/** How the screen is scaled: `fit` = noVNC's scaleViewport, `1:1` = real pixels with scroll bars. */
export type ScaleMode = 'fit' | '1:1';

/** Where the chosen scaling is remembered (localStorage), for every domain. */
export const SCALE_STORAGE_KEY = 'xendeck.console.scale';

export function readScaleMode(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): ScaleMode {
  try {
    return storage?.getItem(SCALE_STORAGE_KEY) === '1:1' ? '1:1' : 'fit';
  } catch {
    return 'fit';
  }
}

/** The VNC websocket's path under `/api/v1`. */
export function vncPath(name: string): string {
  return `/domains/${encodeURIComponent(name)}/console/vnc`;
}

/** `/console/:name?console=vnc`: the bare full-window console (the session cookie goes along). */
export function consoleWindowUrl(name: string, kind: string): string {
  return `/console/${encodeURIComponent(name)}?console=${kind}`;
}

export function VncConsole({
  name,
  domain,
  available,
  viewers,
  fill = false,
}: {
  name: string;
  /** The domain as the list shows it now (power actions; a new domid reconnects at once). */
  domain: Domain | undefined;
  /** The console status says the domain has a VNC server now. */
  available: boolean;
  viewers: number | undefined;
  /** The full-window console: take the whole height, no "Open in new window". */
  fill?: boolean;
}) {
  const queryClient = useQueryClient();
  const frameRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<HTMLDivElement>(null);
  const rfbRef = useRef<RFB | null>(null);
  const timerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const attemptRef = useRef(0);
  const [generation, setGeneration] = useState(0);
  const [connection, setConnection] = useState<ConsoleConnection>({ state: 'connecting' });
  const [scale, setScale] = useState<ScaleMode>(() => readScaleMode());
  const [viewOnly, setViewOnly] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [held, setHeld] = useState<ReadonlySet<StickyModifier>>(new Set());
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  const viewOnlyRef = useRef(viewOnly);
  viewOnlyRef.current = viewOnly;
  const domidRef = useRef(domain?.domid);
  domidRef.current = domain?.domid;
  const connectionRef = useRef(connection);
  connectionRef.current = connection;
  const heldRef = useRef(held);
  heldRef.current = held;

  /** Skip the backoff wait (domain back, VNC appeared, Reconnect clicked). */
  const reconnectNow = useCallback(() => {
    if (rfbRef.current) return;
    clearTimeout(timerRef.current);
    attemptRef.current = 0;
    setGeneration((g) => g + 1);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation is a reconnect
  useEffect(() => {
    const target = screenRef.current;
    if (!target) return;
    let cancelled = false;
    let rfb: RFB | undefined;
    /** The RFB said it disconnected (noVNC logs an error when told to disconnect again). */
    let ended = false;
    let detach = () => {};
    // A reconnect asked for by hand (or by the domain coming back) shows as reconnecting.
    setConnection((c) =>
      c.state === 'disconnected'
        ? { state: 'reconnecting', reason: c.reason, rebooting: false }
        : c,
    );

    loadRfb().then(
      (RFBClass) => {
        if (cancelled) return;
        const ws = new WebSocket(liveSocketUrl(vncPath(name)));
        let opened = false;
        let closed = { code: 1006, reason: '' };
        let failure = '';
        // Registered before RFB sets ws.onclose, so the code is known when 'disconnect' fires.
        ws.addEventListener('open', () => {
          opened = true;
        });
        ws.addEventListener('close', (e) => {
          closed = { code: e.code, reason: e.reason };
        });
        const r = new RFBClass(target, ws, { shared: true });
        rfb = r;
        r.scaleViewport = scaleRef.current === 'fit';
        r.clipViewport = false;
        r.resizeSession = false;
        r.viewOnly = viewOnlyRef.current;
        r.background = '#18181b';

        const onConnect = () => {
          rfbRef.current = r;
          attemptRef.current = 0;
          setHeld(new Set());
          const id = domidRef.current;
          setConnection(
            id !== undefined ? { state: 'connected', domid: id } : { state: 'connected' },
          );
        };
        const onDisconnect = () => {
          ended = true;
          rfbRef.current = null;
          recheckSession(queryClient)();
          const next = afterClose(closed.code, failure || closed.reason, opened);
          setConnection(next);
          if (next.state === 'reconnecting') {
            clearTimeout(timerRef.current);
            timerRef.current = setTimeout(
              () => setGeneration((g) => g + 1),
              reconnectDelayMs(attemptRef.current),
            );
            attemptRef.current += 1;
          }
        };
        const onSecurityFailure = (e: Event) => {
          const detail = (e as CustomEvent<{ status?: number; reason?: string }>).detail;
          failure = `VNC security failure${detail?.reason ? `: ${detail.reason}` : ''}`;
        };
        // The server offers security None; a password prompt means something is wrong there.
        const onCredentials = () => {
          failure = 'the VNC server asked for credentials (the proxy should have answered them)';
          r.disconnect();
        };
        r.addEventListener('connect', onConnect);
        r.addEventListener('disconnect', onDisconnect);
        r.addEventListener('securityfailure', onSecurityFailure);
        r.addEventListener('credentialsrequired', onCredentials);
        detach = () => {
          r.removeEventListener('connect', onConnect);
          r.removeEventListener('disconnect', onDisconnect);
          r.removeEventListener('securityfailure', onSecurityFailure);
          r.removeEventListener('credentialsrequired', onCredentials);
        };
      },
      (error: unknown) => {
        if (cancelled) return;
        setConnection({
          state: 'disconnected',
          reason: `noVNC could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
          sessionEnded: false,
        });
      },
    );
    return () => {
      cancelled = true;
      detach();
      if (!ended && rfb) {
        // Sticky modifiers are let go before leaving, or the guest would keep them pressed.
        for (const m of heldRef.current) rfb.sendKey(KEYS[m].keysym, KEYS[m].code, false);
        rfb.disconnect();
      }
      rfbRef.current = null;
    };
  }, [name, generation, queryClient]);

  useEffect(() => () => clearTimeout(timerRef.current), []);

  // The domain came back (domain.added: a new domid) or its VNC appeared: reconnect now rather
  // than at the end of the backoff.
  const domid = domain?.domid;
  const previous = useRef({ domid, available });
  useEffect(() => {
    const before = previous.current;
    previous.current = { domid, available };
    const back =
      (domid !== undefined && domid !== before.domid) || (available && !before.available);
    const c = connectionRef.current;
    const waiting = c.state === 'reconnecting' || (c.state === 'disconnected' && !c.sessionEnded);
    if (back && waiting) reconnectNow();
  }, [domid, available, reconnectNow]);

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.scaleViewport = scale === 'fit';
    try {
      localStorage.setItem(SCALE_STORAGE_KEY, scale);
    } catch {
      // Private mode or storage full: the choice lasts for this page only.
    }
  }, [scale]);

  useEffect(() => {
    if (rfbRef.current) rfbRef.current.viewOnly = viewOnly;
  }, [viewOnly]);

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === frameRef.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const send: SendKey = useCallback((keysym, code, down) => {
    rfbRef.current?.sendKey(keysym, code, down);
  }, []);
  const focusScreen = () => rfbRef.current?.focus({ preventScroll: true });
  const sendCombo = (combo: KeyCombo) => {
    for (const e of comboEvents(combo.keys)) send(e.keysym, e.code, e.down);
    focusScreen();
  };
  const toggleSticky = (m: StickyModifier) => {
    const key = KEYS[m];
    const down = !held.has(m);
    send(key.keysym, key.code, down);
    setHeld((prev) => {
      const next = new Set(prev);
      if (down) next.add(m);
      else next.delete(m);
      return next;
    });
  };

  const connected = connection.state === 'connected';
  const keysDisabled = !connected || viewOnly;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: keys typed into the console stay in it (no app-wide handler sees them)
    <div
      ref={frameRef}
      className={`flex min-h-0 flex-col gap-2 ${fill ? 'h-full' : ''} ${
        fullscreen ? 'h-full bg-zinc-50 p-2 dark:bg-zinc-950' : ''
      }`}
      onKeyDown={(e) => e.stopPropagation()}
    >
      <div role="toolbar" aria-label="Console" className="flex flex-wrap items-center gap-1.5">
        <Button
          size="sm"
          disabled={keysDisabled}
          title="Send Ctrl-Alt-Del to the guest"
          onClick={() => {
            rfbRef.current?.sendCtrlAltDel();
            focusScreen();
          }}
        >
          Ctrl-Alt-Del
        </Button>
        <SendKeysMenu
          disabled={keysDisabled}
          held={held}
          onCombo={sendCombo}
          onToggleSticky={toggleSticky}
        />
        <TypeTextDialog send={send} disabled={keysDisabled} onDone={focusScreen} />
        {domain?.type === 'hvm' || !domain ? <CdromMenu name={name} domain={domain} /> : null}
        <span
          className="mx-1 h-5 border-l border-zinc-300 dark:border-zinc-700"
          aria-hidden="true"
        />
        <Button
          size="sm"
          aria-pressed={scale === 'fit'}
          title={
            scale === 'fit'
              ? 'Scaled to fit the window; click for real size (1:1, with scroll bars)'
              : 'Real size (1:1); click to scale the screen to fit the window'
          }
          onClick={() => setScale((s) => (s === 'fit' ? '1:1' : 'fit'))}
        >
          Scale
        </Button>
        <Button
          size="sm"
          aria-pressed={fullscreen}
          title="Full screen (Esc leaves it)"
          onClick={() => {
            if (document.fullscreenElement) void document.exitFullscreen();
            else void frameRef.current?.requestFullscreen?.().then(focusScreen, () => {});
          }}
        >
          Full screen
        </Button>
        {!fill ? (
          <Button
            size="sm"
            title="Open this console in its own window"
            onClick={() =>
              window.open(
                consoleWindowUrl(name, 'vnc'),
                `xendeck-console-${name}`,
                'popup,width=1100,height=820',
              )
            }
          >
            Open in new window
          </Button>
        ) : null}
        <Button
          size="sm"
          aria-pressed={viewOnly}
          title="View only: keyboard and mouse are not sent to the guest"
          onClick={() => setViewOnly((v) => !v)}
        >
          View only
        </Button>
        {domain ? (
          <span className="ml-auto">
            <DomainActions domain={domain} />
          </span>
        ) : null}
      </div>
      <div
        ref={screenRef}
        data-testid="vnc-screen"
        data-scale={scale}
        className={`relative min-h-0 overflow-hidden rounded-md bg-zinc-900 ${
          fill || fullscreen ? 'flex-1' : 'h-[calc(100vh-22rem)] min-h-80'
        }`}
      />
      <ConsoleStatusLine connection={connection} viewers={viewers}>
        {connection.state === 'disconnected' && !connection.sessionEnded ? (
          <Button size="sm" onClick={reconnectNow}>
            Reconnect
          </Button>
        ) : null}
        {!available && connection.state !== 'connected' ? (
          <span className="text-zinc-500 dark:text-zinc-400">
            the domain has no VNC server now (not running, or no <code>vnc=1</code>)
          </span>
        ) : null}
      </ConsoleStatusLine>
    </div>
  );
}
