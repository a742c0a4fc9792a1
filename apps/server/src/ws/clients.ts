/**
 * The connected sockets of one websocket route, shared by `/api/v1/events` and
 * `/api/v1/metrics`: keepalive (a ping every `pingMs`; a client that did not answer the previous
 * one is dropped) and slow-client protection (a client whose unsent data exceeds
 * `maxBufferedBytes` is dropped instead of being sent more).
 */
import type { Logger } from 'pino';
import { type RawData, WebSocket } from 'ws';

export interface SocketSetOptions {
  /** Ping period in ms; default 30 000. */
  pingMs?: number;
  /** A client whose unsent data exceeds this many bytes is dropped; default 1 MiB. */
  maxBufferedBytes?: number;
}

/** One connected socket and the route's own per-client state. */
export interface SocketClient<S> {
  ws: WebSocket;
  alive: boolean;
  state: S;
}

export class SocketSet<S> {
  private readonly clients = new Set<SocketClient<S>>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly maxBuffered: number;
  private readonly emptyListeners = new Set<() => void>();

  constructor(
    private readonly logger: Logger,
    /** Route name for log lines (`events`, `metrics`). */
    private readonly name: string,
    opts: SocketSetOptions = {},
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingMs ?? 30_000);
    this.pingTimer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  [Symbol.iterator](): IterableIterator<SocketClient<S>> {
    return this.clients.values();
  }

  /** Calls `fn` whenever the last client went away. */
  onEmpty(fn: () => void): void {
    this.emptyListeners.add(fn);
  }

  /** Tracks `ws` (pong, error and close handlers) and returns its client record. */
  add(ws: WebSocket, state: S): SocketClient<S> {
    const client: SocketClient<S> = { ws, alive: true, state };
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('error', (err) => this.logger.debug({ err }, `${this.name} socket error`));
    ws.on('close', () => this.remove(client));
    return client;
  }

  remove(client: SocketClient<S>): void {
    if (!this.clients.delete(client)) return;
    if (this.clients.size === 0) for (const fn of this.emptyListeners) fn();
  }

  /**
   * Sends one text frame (a string, or its UTF-8 bytes when the same message goes to many
   * clients: ws then does not re-encode it for each). Returns false when the socket is not open
   * or was dropped for a full send buffer.
   */
  send(client: SocketClient<S>, data: string | Buffer): boolean {
    const ws = client.ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.maxBuffered) {
      this.logger.warn(
        { bufferedAmount: ws.bufferedAmount },
        `${this.name}: dropping a client that does not read`,
      );
      ws.terminate();
      this.remove(client);
      return false;
    }
    ws.send(data, { binary: false });
    return true;
  }

  private pingAll(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        this.remove(c);
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  /** Stops pinging and closes every client with 1001 (going away). */
  close(): void {
    clearInterval(this.pingTimer);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.clients.clear();
  }
}

/** A received message as one Buffer (ws hands over a Buffer, an array of fragments or an ArrayBuffer). */
export function rawDataToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
