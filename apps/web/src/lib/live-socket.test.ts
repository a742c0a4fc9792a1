import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { FakeWebSocket } from '@/test/fake-websocket';
import {
  LiveSocket,
  type LiveSocketClose,
  type LiveSocketStatus,
  liveSocketUrl,
} from './live-socket';

const schema = z.object({ type: z.literal('hello'), n: z.number() });
type Hello = z.infer<typeof schema>;

beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function make(extra: Partial<ConstructorParameters<typeof LiveSocket<Hello>>[0]> = {}) {
  const statuses: [LiveSocketStatus, LiveSocketClose | undefined][] = [];
  const messages: Hello[] = [];
  const binary: Uint8Array[] = [];
  const socket = new LiveSocket<Hello>({
    url: () => 'ws://dom0/api/v1/test',
    label: 'test',
    schema,
    onMessage: (m) => messages.push(m),
    onBinary: (b) => binary.push(new Uint8Array(b)),
    onStatus: (s, c) => statuses.push([s, c]),
    delayMs: (attempt) => 1000 * 2 ** attempt,
    ...extra,
  });
  return { socket, statuses, messages, binary };
}

describe('liveSocketUrl', () => {
  it('puts the API path on ws: or wss: to match the page', () => {
    expect(
      liveSocketUrl('/domains/a/console/text?type=pv', { protocol: 'http:', host: 'h:8080' }),
    ).toBe('ws://h:8080/api/v1/domains/a/console/text?type=pv');
    expect(liveSocketUrl('/events', { protocol: 'https:', host: 'xen.example' })).toBe(
      'wss://xen.example/api/v1/events',
    );
  });
});

describe('LiveSocket', () => {
  it('validates JSON text frames, passes binary frames through, asks for ArrayBuffers', () => {
    const { socket, messages, binary } = make();
    socket.start();
    const ws = FakeWebSocket.last();
    expect(ws.binaryType).toBe('arraybuffer');
    ws.open();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    ws.receive({ type: 'hello', n: 1 });
    ws.receive('{not json');
    ws.receive({ type: 'hello', n: 'two' });
    ws.receive(new Uint8Array([0x1b, 0x5b, 0x41, 0xff]));
    expect(messages).toEqual([{ type: 'hello', n: 1 }]);
    expect(error).toHaveBeenCalledTimes(2);
    expect(binary).toEqual([new Uint8Array([0x1b, 0x5b, 0x41, 0xff])]);
    socket.stop();
  });

  it('reports its status and reconnects with backoff, reset once a connection opens', () => {
    const onDrop = vi.fn();
    const onOpen = vi.fn();
    const { socket, statuses } = make({ onDrop, onOpen });
    socket.start();
    expect(socket.getStatus()).toBe('connecting');
    FakeWebSocket.last().open();
    expect(onOpen).toHaveBeenLastCalledWith(expect.anything(), { reconnected: false });
    FakeWebSocket.last().drop(1006);
    expect(onDrop).toHaveBeenCalledWith({ code: 1006, reason: '', wasOpen: true });
    expect(socket.getStatus()).toBe('reconnecting');
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last().drop(); // never opened: the wait doubles
    vi.advanceTimersByTime(1999);
    expect(FakeWebSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.all).toHaveLength(3);
    FakeWebSocket.last().open();
    expect(onOpen).toHaveBeenLastCalledWith(expect.anything(), { reconnected: true });
    FakeWebSocket.last().drop(); // opened: back to the first delay
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.all).toHaveLength(4);
    expect(statuses.map(([s]) => s)).toEqual([
      'connecting',
      'open',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'open',
      'reconnecting',
      'reconnecting',
    ]);
    socket.stop();
    expect(FakeWebSocket.last().closed).toBe(true);
    expect(socket.getStatus()).toBe('closed');
  });

  it('gives up when the session ended (1008) and says why', () => {
    const { socket, statuses } = make();
    socket.start();
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop(1008, 'logged out');
    expect(statuses.at(-1)).toEqual([
      'closed',
      { code: 1008, reason: 'logged out', wasOpen: true },
    ]);
    vi.advanceTimersByTime(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it('shouldReconnect decides, and reconnectNow skips the wait', () => {
    const { socket } = make({ shouldReconnect: (c) => c.code !== 1013 });
    socket.start();
    FakeWebSocket.last().drop(1013, 'too many connections');
    expect(socket.getStatus()).toBe('closed');
    socket.reconnectNow();
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last().open();
    socket.reconnectNow(); // connected: nothing to do
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last().drop(4410);
    expect(socket.getStatus()).toBe('reconnecting');
    socket.reconnectNow();
    expect(FakeWebSocket.all).toHaveLength(3);
    vi.advanceTimersByTime(60_000); // the pending backoff timer was cancelled
    expect(FakeWebSocket.all).toHaveLength(3);
    socket.stop();
  });

  it('send only writes to an open socket', () => {
    const { socket } = make();
    socket.start();
    expect(socket.send('x')).toBe(false);
    FakeWebSocket.last().open();
    expect(socket.send(new Uint8Array([1, 2]))).toBe(true);
    expect(FakeWebSocket.last().sentBytes()).toEqual([new Uint8Array([1, 2])]);
    socket.stop();
  });

  it('pauses while the document is hidden when asked to', () => {
    let visibility: DocumentVisibilityState = 'visible';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
    const { socket } = make({ pauseWhenHidden: document });
    socket.start();
    FakeWebSocket.last().open();
    visibility = 'hidden';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(FakeWebSocket.last().closed).toBe(true);
    expect(socket.getStatus()).toBe('paused');
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    visibility = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(FakeWebSocket.all).toHaveLength(2);
    socket.stop();
    document.dispatchEvent(new Event('visibilitychange'));
    expect(FakeWebSocket.all).toHaveLength(2);
  });
});
