/**
 * Websocket upgrades, routed by path like REST routes. Authentication (session cookie), the Origin
 * check and authorization all happen **before** `handleUpgrade`; a refused upgrade gets a plain
 * HTTP status line (401, 403; 404 for a path no route handles) and the socket is closed without
 * touching the backend.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { authenticate, remoteAddress, requireRole } from '../auth/access.js';
import type { Role, User } from '../auth/users.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';

export interface WsRoute {
  /** Exact path, for example `/api/v1/events`. */
  path: string;
  /** Roles allowed. */
  access: readonly Role[];
  summary: string;
  /** Takes over an upgraded socket of an authorized user. */
  onConnection: (ws: WebSocket, req: IncomingMessage, user: User) => void;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Whether the `Origin` header, when present, names the host the request was sent to (`Host`).
 * Browsers always send Origin on websocket handshakes; a page on another site cannot fake it.
 */
export function originMatchesHost(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Builds the `upgrade` listener for an HTTP server. */
export function createUpgradeHandler(
  ctx: AppContext,
  wss: WebSocketServer,
  routes: readonly WsRoute[],
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      refuseUpgrade(socket, 400, 'Bad request URL');
      return;
    }
    const route = routes.find((r) => r.path === pathname);
    if (!route) {
      refuseUpgrade(socket, 404, `No websocket endpoint at ${pathname}`);
      return;
    }
    const addr = remoteAddress(req);
    if (!originMatchesHost(req)) {
      ctx.audit({
        user: undefined,
        remoteAddr: addr,
        action: 'ws.open',
        target: pathname,
        result: 'FORBIDDEN',
        origin: req.headers.origin,
      });
      refuseUpgrade(
        socket,
        403,
        `Origin ${req.headers.origin} does not match host ${req.headers.host}`,
      );
      return;
    }
    let user: User;
    try {
      user = requireRole(authenticate(req, ctx.sessions), route.access);
    } catch (err) {
      const e =
        err instanceof ApiError ? err : new ApiError('UNAUTHENTICATED', 'Not authenticated');
      ctx.audit({
        user: undefined,
        remoteAddr: addr,
        action: `ws.open`,
        target: pathname,
        result: e.code,
      });
      refuseUpgrade(socket, e.status, e.message);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.audit({
        user: user.username,
        remoteAddr: addr,
        action: 'ws.open',
        target: pathname,
        result: 'ok',
      });
      ws.once('close', (code) => {
        ctx.audit({
          user: user.username,
          remoteAddr: addr,
          action: 'ws.close',
          target: pathname,
          result: 'ok',
          closeCode: code,
        });
      });
      route.onConnection(ws, req, user);
    });
  };
}
