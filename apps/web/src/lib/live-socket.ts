/**
 * The app's one reconnecting websocket client. Owns: the `ws(s)://` URL of an API path, the
 * reconnect loop (backoff from `reconnect.ts`, reset when a connection opens), the session re-check
 * after a drop, the optional pause while the tab is hidden, JSON parsing + zod validation of text
 * frames, and binary frames passed through as `ArrayBuffer`. The events stream, the metrics stream
 * and the text console are built on it (the VNC console is not: noVNC's RFB owns its socket).
 */
import type { QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { API_BASE } from './api-client';
import { sessionQueryKey } from './query-client';
import { reconnectDelayMs } from './reconnect';

/**
 * `ws(s)://<this host>/api/v1<path>`, same origin as the page so the session cookie goes along.
 * `path` starts with `/` and may carry a query (`/domains/web1/console/text?type=pv`); the
 * caller encodes path segments.
 */
export function liveSocketUrl(
  path: string,
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${API_BASE}${path}`;
}

/**
 * Close codes every Xendeck websocket shares (RFC 6455; see `@xendeck/api` CONSOLE_CLOSE_CODES for
 * the console-specific ones): 1008 the session ended (logout, expiry, user removed), 1013 too many
 * connections (per session or in total).
 */
export const SESSION_ENDED_CLOSE_CODE = 1008;
export const TOO_MANY_CONNECTIONS_CLOSE_CODE = 1013;

/**
 * - `connecting`: first attempt under way; `open`: connected;
 * - `reconnecting`: dropped, next attempt after the backoff (or under way);
 * - `paused`: closed on purpose while the tab is hidden; `closed`: stopped, or given up (see
 *   {@link LiveSocketOptions.shouldReconnect}).
 */
export type LiveSocketStatus = 'connecting' | 'open' | 'reconnecting' | 'paused' | 'closed';

/** How the last connection ended (from the CloseEvent; code 1006 when the socket never opened). */
export interface LiveSocketClose {
  code: number;
  reason: string;
  /** The connection had opened before it closed. */
  wasOpen: boolean;
}

export interface LiveSocketOptions<T> {
  /** The URL, built at each attempt (use {@link liveSocketUrl}). */
  url: () => string;
  /** Name in console error messages (`events`, `metrics`, `text console`). */
  label: string;
  /** Validates JSON text frames; a frame that is not JSON or fails it is logged and skipped. */
  schema?: z.ZodType<T>;
  /** Each valid JSON text frame. */
  onMessage?: (message: T, socket: WebSocket) => void;
  /** Each binary frame, as received (binaryType `arraybuffer`). */
  onBinary?: (data: ArrayBuffer) => void;
  /** Each time a connection opens; `reconnected` is false for the first one. */
  onOpen?: (socket: WebSocket, info: { reconnected: boolean }) => void;
  /** Every status change, with how the last connection ended when it has. */
  onStatus?: (status: LiveSocketStatus, close?: LiveSocketClose) => void;
  /**
   * After each unexpected close. Pass {@link recheckSession} so a refused upgrade (how an expired
   * session shows on a websocket) sends the person to login.
   */
  onDrop?: (close: LiveSocketClose) => void;
  /** Whether to try again after this close (default: all but 1008, session ended). */
  shouldReconnect?: (close: LiveSocketClose) => boolean;
  /** Close while this document is hidden, reconnect at once when visible (default: never pause). */
  pauseWhenHidden?: Document;
  /** Delay before attempt `n` (0-based), ms. Default `reconnectDelayMs` (1 s doubling to 30 s). */
  delayMs?: (attempt: number) => number;
}

/** Default {@link LiveSocketOptions.shouldReconnect}: give up only when the session ended. */
export function reconnectUnlessSessionEnded(close: LiveSocketClose): boolean {
  return close.code !== SESSION_ENDED_CLOSE_CODE;
}

/**
 * The drop callback of every app socket: refetch `GET /api/v1/session`; a 401 there clears the
 * session and the app goes to the login page (see `RequireSession`).
 */
export function recheckSession(queryClient: QueryClient): () => void {
  return () => void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
}

/**
 * One reconnecting websocket. {@link LiveSocket.start} connects; {@link LiveSocket.stop} closes
 * it and stops reconnecting. Errors in the JSON or the contract are reported with `console.error`
 * and the frame is skipped; nothing here throws.
 */
export class LiveSocket<T = unknown> {
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private everOpened = false;
  private running = false;
  private status: LiveSocketStatus = 'closed';

  constructor(private readonly options: LiveSocketOptions<T>) {}

  /** The status now. */
  getStatus(): LiveSocketStatus {
    return this.status;
  }

  /** Connects (or waits for the tab to be visible when paused on hidden). Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const doc = this.options.pauseWhenHidden;
    if (doc) {
      doc.addEventListener('visibilitychange', this.onVisibility);
      if (doc.visibilityState === 'hidden') {
        this.setStatus('paused');
        return;
      }
    }
    this.connect();
  }

  /** Closes the socket (code 1000) and stops reconnecting. Idempotent. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.options.pauseWhenHidden?.removeEventListener('visibilitychange', this.onVisibility);
    this.disconnect();
    this.setStatus('closed');
  }

  /**
   * Skips the backoff: connects now when waiting to reconnect or given up (for example when the
   * domain came back). Does nothing while connected, connecting or paused.
   */
  reconnectNow(): void {
    if (!this.running || this.socket || this.status === 'paused') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.attempt = 0;
    this.connect();
  }

  /** Sends on the open socket; returns false (and sends nothing) when it is not open. */
  send(data: string | ArrayBufferView<ArrayBuffer> | ArrayBuffer): boolean {
    const ws = this.socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(data);
    return true;
  }

  private readonly onVisibility = () => {
    const doc = this.options.pauseWhenHidden;
    if (!this.running || !doc) return;
    if (doc.visibilityState === 'hidden') {
      this.disconnect();
      this.setStatus('paused');
    } else if (!this.socket) {
      this.attempt = 0;
      clearTimeout(this.timer);
      this.connect();
    }
  };

  private setStatus(status: LiveSocketStatus, close?: LiveSocketClose): void {
    this.status = status;
    this.options.onStatus?.(status, close);
  }

  /** Closes the current socket without treating it as a drop. */
  private disconnect(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.socket;
    this.socket = undefined;
    if (ws) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onclose = null;
      ws.close(1000);
    }
  }

  private connect(): void {
    const { options } = this;
    this.setStatus(this.attempt > 0 ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(options.url());
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    let opened = false;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      opened = true;
      const reconnected = this.everOpened || this.attempt > 0;
      this.everOpened = true;
      this.attempt = 0;
      this.setStatus('open');
      options.onOpen?.(ws, { reconnected });
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.socket !== ws) return;
      if (typeof event.data !== 'string') {
        // binaryType is 'arraybuffer': every binary frame is an ArrayBuffer.
        options.onBinary?.(event.data as ArrayBuffer);
        return;
      }
      if (!options.schema) return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        console.error(`xendeck: ${options.label} message is not JSON`, event.data);
        return;
      }
      const parsed = options.schema.safeParse(json);
      if (!parsed.success) {
        console.error(
          `xendeck: ${options.label} message does not match the contract`,
          parsed.error,
          json,
        );
        return;
      }
      options.onMessage?.(parsed.data, ws);
    };
    ws.onclose = (event?: CloseEvent) => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      const close: LiveSocketClose = {
        code: event?.code ?? 1006,
        reason: event?.reason ?? '',
        wasOpen: opened,
      };
      options.onDrop?.(close);
      if (!this.running) return;
      if (!(options.shouldReconnect ?? reconnectUnlessSessionEnded)(close)) {
        this.setStatus('closed', close);
        return;
      }
      this.setStatus('reconnecting', close);
      this.timer = setTimeout(
        () => this.connect(),
        (options.delayMs ?? reconnectDelayMs)(this.attempt),
      );
      this.attempt += 1;
    };
  }
}
