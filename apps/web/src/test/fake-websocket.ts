/**
 * The tests' one WebSocket stand-in, driven by hand: `vi.stubGlobal('WebSocket', FakeWebSocket)`,
 * then `FakeWebSocket.last()` is what the code under test opened. The server's side is `open()`,
 * `receive()`, `drop()`; what the client sent is in `sent`. Both `onX` handlers and
 * `addEventListener` listeners hear them, inside React's `act`, so components re-render before the
 * next assertion.
 */
import { act } from '@testing-library/react';

export class FakeWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** Every socket opened since the last {@link FakeWebSocket.reset}, oldest first. */
  static all: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.all = [];
  }

  /** The newest socket; throws when none was opened. */
  static last(): FakeWebSocket {
    const ws = FakeWebSocket.all.at(-1);
    if (!ws) throw new Error('no WebSocket was opened');
    return ws;
  }

  readyState = FakeWebSocket.CONNECTING;
  binaryType: BinaryType = 'blob';
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  /** Frames the client sent, as given to `send`. */
  sent: (string | ArrayBufferLike | ArrayBufferView)[] = [];
  /** The client called `close()`; with which code. */
  closed = false;
  closeCode: number | undefined;

  constructor(readonly url: string) {
    super();
    FakeWebSocket.all.push(this);
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.readyState !== FakeWebSocket.OPEN)
      throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closed = true;
    this.closeCode = code;
    this.readyState = FakeWebSocket.CLOSED;
  }

  /** The text frames the client sent, parsed as JSON. */
  sentJson(): unknown[] {
    return this.sent.filter((d): d is string => typeof d === 'string').map((d) => JSON.parse(d));
  }

  /** The binary frames the client sent, as bytes. */
  sentBytes(): Uint8Array[] {
    return this.sent
      .filter((d) => typeof d !== 'string')
      .map((d) =>
        ArrayBuffer.isView(d)
          ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
          : new Uint8Array(d as ArrayBufferLike),
      );
  }

  /** The server accepts the connection. */
  open(): void {
    this.readyState = FakeWebSocket.OPEN;
    act(() => {
      const e = new Event('open');
      this.dispatchEvent(e);
      this.onopen?.(e);
    });
  }

  /**
   * The server sends a frame: a string as a text frame, an ArrayBuffer or Uint8Array as a binary
   * frame (an ArrayBuffer, as with binaryType `arraybuffer`), anything else as JSON text.
   */
  receive(message: unknown): void {
    let data: unknown;
    // Realm-proof checks: jsdom's and Node's typed arrays are different classes.
    if (typeof message === 'string') data = message;
    else if (ArrayBuffer.isView(message)) {
      data = Uint8Array.from(
        new Uint8Array(message.buffer, message.byteOffset, message.byteLength),
      ).buffer;
    } else if (Object.prototype.toString.call(message) === '[object ArrayBuffer]') data = message;
    else data = JSON.stringify(message);
    act(() => {
      const e = new MessageEvent('message', { data });
      this.dispatchEvent(e);
      this.onmessage?.(e);
    });
  }

  /** The connection ends from the server's side (or the network): code 1006 unless given. */
  drop(code = 1006, reason = ''): void {
    this.readyState = FakeWebSocket.CLOSED;
    act(() => {
      const e = new CloseEvent('close', { code, reason });
      this.dispatchEvent(e);
      this.onclose?.(e);
    });
  }
}
