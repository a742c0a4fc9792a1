import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ConsoleStatus } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '@/test/fake-websocket';
import { FakeSearchAddon, FakeTerminal } from '@/test/fake-xterm';
import { consoleStatus } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { connectionFromStatus, TextConsole } from './text-console';

vi.mock('@xterm/xterm');
vi.mock('@xterm/addon-fit');
vi.mock('@xterm/addon-search');
vi.mock('@xterm/addon-web-links');

beforeEach(() => {
  FakeWebSocket.reset();
  FakeTerminal.instances = [];
  FakeSearchAddon.queries = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response('{}', { status: 200 })),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const bytes = (s: string) => new TextEncoder().encode(s);

async function mount(type: 'pv' | 'serial' = 'pv') {
  const r = renderWithProviders(<TextConsole name="web 1" type={type} viewers={undefined} />);
  await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
  const term = FakeTerminal.instances[0];
  if (!term) throw new Error('no terminal');
  return { ...r, term, ws: FakeWebSocket.last() };
}

describe('<TextConsole>', () => {
  it('connects to the console websocket of that domain and type, in the text-console container', async () => {
    const { ws, term } = await mount('serial');
    expect(ws.url).toMatch(/^ws:\/\/[^/]+\/api\/v1\/domains\/web%201\/console\/text\?type=serial$/);
    expect(screen.getByTestId('text-console')).toContainElement(term.element ?? null);
    expect(screen.getByTestId('console-status')).toHaveTextContent('Connecting…');
  });

  it('writes output, follows status frames in the status line, and patches the viewer count', async () => {
    const { ws, term, queryClient } = await mount();
    queryClient.setQueryData<ConsoleStatus>(['consoles', 'status', 'web 1'], consoleStatus());
    ws.open();
    ws.receive({ type: 'status', state: 'waiting', reason: 'domain is not running', viewers: 1 });
    expect(screen.getByTestId('console-status')).toHaveTextContent(
      'Waiting: domain is not running',
    );
    ws.receive({ type: 'status', state: 'attached', domid: 7, viewers: 2 });
    expect(screen.getByTestId('console-status')).toHaveTextContent(/^Connected$/);
    expect(
      queryClient.getQueryData<ConsoleStatus>(['consoles', 'status', 'web 1'])?.pv.viewers,
    ).toBe(2);
    ws.receive(bytes('login: '));
    expect(term.text).toBe('login: ');
    expect(screen.getByTestId('text-console').querySelector('.xterm-rows')).toHaveTextContent(
      'login:',
    );
  });

  it('sends keystrokes as binary UTF-8 frames, Ctrl-] included (the server filters it)', async () => {
    const { ws, term } = await mount();
    ws.open();
    ws.receive({ type: 'status', state: 'attached', domid: 3, viewers: 1 });
    act(() => {
      term.type('ls -l\r');
      term.type('\x1d');
      term.type('é');
    });
    expect(ws.sent.every((f) => typeof f !== 'string')).toBe(true);
    expect(ws.sentBytes().map((b) => Array.from(b))).toEqual([
      Array.from(bytes('ls -l\r')),
      [0x1d],
      Array.from(bytes('é')),
    ]);
  });

  it('sends no terminal answers while the scrollback replays (the guest asked long ago), then keystrokes again', async () => {
    const { ws, term } = await mount();
    ws.open();
    // The scrollback holds an old prompt's cursor position query; xterm answers it as it parses.
    ws.receive(bytes('$ \x1b[6n'));
    act(() => term.type('\x1b[1;3R'));
    expect(ws.sentBytes()).toEqual([]);
    // The first status frame ends the replay.
    ws.receive({ type: 'status', state: 'attached', domid: 3, viewers: 1 });
    act(() => term.type('x'));
    expect(ws.sentBytes().map((b) => Array.from(b))).toEqual([Array.from(bytes('x'))]);
  });

  it('clears the terminal at each (re)connect so the scrollback is not shown twice', async () => {
    const { ws, term } = await mount();
    vi.useFakeTimers();
    try {
      ws.open();
      ws.receive(bytes('boot\r\n'));
      ws.drop(1006);
      expect(screen.getByTestId('console-status')).toHaveTextContent('Reconnecting…');
      act(() => {
        vi.advanceTimersByTime(1300);
      });
      const again = FakeWebSocket.last();
      expect(again).not.toBe(ws);
      again.open();
      again.receive(bytes('boot\r\n'));
      expect(term.text).toBe('boot\r\n');
      expect(term.resets).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up with the reason on 1013 (too many connections) and offers Reconnect', async () => {
    const user = userEvent.setup();
    const { ws } = await mount();
    ws.drop(1013, '');
    expect(screen.getByTestId('console-status')).toHaveTextContent(
      'Disconnected: too many connections',
    );
    await user.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('copies a selection to the clipboard when there is one', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { term } = await mount();
    act(() => term.select('uname -a'));
    expect(writeText).toHaveBeenCalledWith('uname -a');
  });

  it('searches the scrollback, and links the full and downloadable log', async () => {
    const user = userEvent.setup();
    await mount();
    await user.type(screen.getByRole('searchbox', { name: 'Search the console' }), 'panic{Enter}');
    expect(FakeSearchAddon.queries).toEqual(['next:panic']);
    expect(screen.getByRole('link', { name: 'Download log' })).toHaveAttribute(
      'href',
      '/api/v1/domains/web%201/console/log?download=1',
    );
    expect(screen.getByRole('link', { name: 'Full log' })).toHaveAttribute(
      'href',
      '/api/v1/domains/web%201/console/log',
    );
  });

  it('unmounting closes the socket and disposes the terminal', async () => {
    const { ws, term, unmount } = await mount();
    ws.open();
    unmount();
    expect(ws.closed).toBe(true);
    expect(term.disposed).toBe(true);
  });
});

describe('connectionFromStatus', () => {
  it('maps the server status frames', () => {
    expect(
      connectionFromStatus({ type: 'status', state: 'attached', domid: 4, viewers: 1 }),
    ).toEqual({
      state: 'connected',
      domid: 4,
    });
    expect(
      connectionFromStatus({
        type: 'status',
        state: 'detached',
        reason: 'domain gone',
        viewers: 0,
      }),
    ).toEqual({ state: 'disconnected', reason: 'domain gone', sessionEnded: false });
  });
});
