/**
 * Websocket upgrades, routed by path like REST routes (path-to-regexp patterns with parameters:
 * `/api/v1/domains/:name/console/vnc`). Everything is decided **before** `handleUpgrade`, in this
 * order, and a refusal is a plain HTTP status line (the socket is then closed, nothing is opened
 * behind it — no QEMU connection, no pty):
 *
 * 1. the path: 404 when no route matches, 400 for a malformed %-escape;
 * 2. the `Origin` header, when present, must name the host the request was sent to: else 403
 *    (tickets too);
 * 3. who: the session cookie, or on a console route a one-time `?ticket=` (`consoles/tickets.ts`,
 *    bound to user, domain `params.name` and the route's `ticketKind`; a request with a ticket is
 *    judged by it alone): else 401 (UNAUTHENTICATED, TICKET_INVALID); then the route's `access`
 *    (`auth/authorize.ts`: the role, and for a customer the grant on the domain `params.name`):
 *    else 403, or 404 DOMAIN_NOT_FOUND for a customer without any grant on that domain;
 * 4. a place under the connection caps (`ws/connections.ts`): when there is none the upgrade is
 *    accepted and closed at once with 1013 and the reason (a browser reads a close reason, not a
 *    refused status line); the route's `authorize` does not run;
 * 5. the route's `authorize` hook (domain exists → else 404, has that console → else 409): an
 *    ApiError or HypervisorError it throws is answered with its status.
 *
 * Then the socket is upgraded (one `WebSocketServer` per distinct `maxPayloadBytes`, no
 * per-message compression), registered with its session in `ws/connections.ts`, and handed to the
 * route's `onConnection`. `ws.open` (every outcome) and `ws.close` are audited with the path, its
 * parameters and the console kind; a ticket never appears in a log line.
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConsoleKind } from '@xendeck/api';
import { type MatchFunction, match } from 'path-to-regexp';
import { type WebSocket, WebSocketServer } from 'ws';
import { type AuthenticatedSession, authenticateSession, remoteAddress } from '../auth/access.js';
import { checkAccess } from '../auth/authorize.js';
import type { User } from '../auth/users.js';
import type { ConsoleTickets } from '../consoles/tickets.js';
import type { AppContext } from '../context.js';
import { ApiError, toApiError } from '../errors.js';
import type { RouteAccess } from '../routes/types.js';
import { WS_CLOSE_TOO_MANY, type WsSlot } from './connections.js';

/** Largest message accepted from a client when the route does not say: 64 KiB. */
export const DEFAULT_WS_MAX_PAYLOAD_BYTES = 64 * 1024;

/** What a route's `onConnection` learns about an accepted websocket. */
export interface WsConnectionInfo<P> {
  user: User;
  /** Path parameters, decoded (e.g. { name: 'web1' }). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** What `authorize` returned (undefined without one). */
  prepared: P;
  remoteAddr: string | undefined;
}

/** One websocket endpoint. */
export interface WsRoute<P = undefined> {
  /** Path pattern, path-to-regexp syntax: '/api/v1/events', '/api/v1/domains/:name/console/vnc'. */
  path: string;
  /**
   * Who may open it, as for REST routes (`RouteAccess`, applied by `auth/authorize.ts` with the
   * path parameters): `{ domain: 'console' }` on the consoles (a customer without any grant on the
   * domain gets 404, with a grant lacking `console` 403), `user` on the events and metrics
   * streams, which filter what they send to the user's domains.
   */
  access: RouteAccess;
  summary: string;
  /** Largest message accepted from the client, bytes (default 64 KiB). */
  maxPayloadBytes?: number;
  /**
   * Console routes: the ticket kind this request needs when it carries `?ticket=` instead of the
   * cookie (the router then consumes the ticket, bound to user, domain `params.name` and kind).
   */
  ticketKind?: (params: Record<string, string>, query: URLSearchParams) => ConsoleKind;
  /**
   * Runs after authentication (cookie or ticket) and the Origin check, BEFORE handleUpgrade.
   * Throw an ApiError or HypervisorError to refuse: the upgrade is answered with its HTTP status
   * (404 DOMAIN_NOT_FOUND, 409 CONSOLE_UNAVAILABLE …) as a plain status line, nothing is opened.
   * Per-domain grants were checked before (`access`).
   */
  authorize?: (
    req: IncomingMessage,
    info: Omit<WsConnectionInfo<never>, 'prepared'>,
  ) => Promise<P> | P;
  onConnection: (ws: WebSocket, req: IncomingMessage, info: WsConnectionInfo<P>) => void;
}

/**
 * A route whatever its `prepared` type: the type of route tables (`WsRoute<P>` is invariant in
 * `P`, so a table of different routes needs `any` here).
 */
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous route table, see above
export type AnyWsRoute = WsRoute<any>;

/**
 * Answers an upgrade request with a plain HTTP status line (`status` and its standard reason,
 * `message` as a text body) and closes the socket.
 */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
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

export interface WsRouterDeps {
  ctx: AppContext;
  /** Redeems `?ticket=` on routes with a `ticketKind`. */
  tickets: ConsoleTickets;
  routes: readonly AnyWsRoute[];
}

interface CompiledRoute {
  route: AnyWsRoute;
  match: MatchFunction<Partial<Record<string, string | string[]>>>;
  wss: WebSocketServer;
}

/** Why the path of an upgrade matched nothing usable. */
type Resolved =
  | { route: CompiledRoute; params: Record<string, string> }
  | { status: 400 | 404; message: string };

/**
 * The upgrade router of the app: `attach(httpServer)` (through `app.attachWebsockets`) makes it
 * handle every `upgrade` of that server.
 */
export class WsRouter {
  private readonly compiled: CompiledRoute[];
  /** One server per distinct `maxPayloadBytes` (ws applies it per server). */
  private readonly servers = new Map<number, WebSocketServer>();

  constructor(private readonly deps: WsRouterDeps) {
    this.compiled = deps.routes.map((route) => {
      const maxPayload = route.maxPayloadBytes ?? DEFAULT_WS_MAX_PAYLOAD_BYTES;
      let wss = this.servers.get(maxPayload);
      if (!wss) {
        wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload });
        this.servers.set(maxPayload, wss);
      }
      return { route, match: match(route.path, { decode: decodeURIComponent }), wss };
    });
  }

  /** The `upgrade` listener (bound; never throws, never rejects). */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    this.upgrade(req, socket, head).catch((err: unknown) => {
      this.deps.ctx.logger.error({ err, path: pathOf(req) }, 'websocket upgrade failed');
      if (!socket.destroyed) refuseUpgrade(socket, 500, 'Internal server error');
    });
  };

  private resolve(pathname: string): Resolved {
    for (const c of this.compiled) {
      let m: ReturnType<CompiledRoute['match']>;
      try {
        m = c.match(pathname);
      } catch {
        // decodeURIComponent throws URIError on a malformed %-escape in a parameter.
        return { status: 400, message: `Malformed %-escape in the path ${pathname}` };
      }
      if (!m) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.params)) {
        if (v !== undefined) params[k] = Array.isArray(v) ? v.join('/') : v;
      }
      return { route: c, params };
    }
    return { status: 404, message: `No websocket endpoint at ${pathname}` };
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, headIn: Buffer): Promise<void> {
    let head = headIn;
    const { ctx, tickets } = this.deps;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      refuseUpgrade(socket, 400, 'Bad request URL');
      return;
    }
    const pathname = url.pathname;
    const remoteAddr = remoteAddress(req);
    const resolved = this.resolve(pathname);
    if ('status' in resolved) {
      refuseUpgrade(socket, resolved.status, resolved.message);
      return;
    }
    const { route, wss } = resolved.route;
    const params = resolved.params;
    const query = url.searchParams;
    const ticket = route.ticketKind ? query.get('ticket') : null;
    // A bad `?type=` (say) makes ticketKind throw: that refuses a ticket request once its Origin
    // was checked; a cookie request goes on and meets the same check in the route's authorize,
    // after authentication.
    let kind: ConsoleKind | undefined;
    let kindError: unknown;
    try {
      kind = route.ticketKind?.(params, query);
    } catch (err) {
      kindError = err ?? new Error('ticketKind threw');
    }
    /**
     * Audit fields of this upgrade (never the ticket). Rows are stored for what concerns a domain
     * (consoles) and for refusals of a known user; the rest (the events and metrics streams every
     * page opens, anonymous probes) is logged only (`logOnly`).
     */
    const where = {
      target: pathname,
      ...(params.name ? { domain: params.name } : {}),
      ...(Object.keys(params).length ? { params } : {}),
      ...(kind ? { kind } : {}),
      auth: ticket !== null ? 'ticket' : 'cookie',
    };
    const refuse = (
      user: string | undefined,
      err: unknown,
      extra: Record<string, unknown> = {},
    ) => {
      const e = toApiError(err);
      if (e.status >= 500) ctx.logger.error({ err, path: pathname }, 'websocket refused');
      ctx.audit({
        user,
        remoteAddr,
        action: 'ws.open',
        ...where,
        result: e.code,
        ...extra,
        logOnly: user === undefined,
      });
      refuseUpgrade(socket, e.status, e.message);
    };

    if (!originMatchesHost(req)) {
      refuse(
        undefined,
        new ApiError(
          'FORBIDDEN',
          `Origin ${req.headers.origin} does not match host ${req.headers.host}`,
        ),
        { origin: req.headers.origin },
      );
      return;
    }

    if (ticket !== null && kindError !== undefined) {
      refuse(undefined, kindError);
      return;
    }

    let session: AuthenticatedSession;
    try {
      const s =
        ticket !== null && kind !== undefined
          ? tickets.redeem(ticket, params.name ?? '', kind)
          : authenticateSession(req, ctx.sessions);
      // 401 without a session; 403 for another role or a grant without the permission; 404 for a
      // customer without any grant on the domain.
      checkAccess(ctx.grants, s?.user, route.access, params);
      session = s as AuthenticatedSession;
    } catch (err) {
      refuse(undefined, err);
      return;
    }
    const user = session.user;

    const admission = ctx.connections.admit({
      sessionHash: session.sessionHash,
      userId: user.id,
      // Re-checked by the periodic and on-change checks: a refusal (ApiError) closes the socket;
      // any other failure (the database busy…) keeps it until the next check.
      allowed: (u) => {
        try {
          checkAccess(ctx.grants, u, route.access, params);
          return true;
        } catch (err) {
          return !(err instanceof ApiError);
        }
      },
    });
    if (!admission.ok) {
      // Accepted then closed: a browser can read a close reason, not a refused status line.
      wss.handleUpgrade(req, socket, head, (ws) => {
        ctx.audit({
          user: user.username,
          remoteAddr,
          action: 'ws.open',
          ...where,
          result: 'TOO_MANY_CONNECTIONS',
          reason: admission.reason,
          logOnly: !params.name,
        });
        ws.close(WS_CLOSE_TOO_MANY, admission.reason);
      });
      return;
    }
    const slot: WsSlot = admission.slot;

    let prepared: unknown;
    if (route.authorize) {
      const watch = watchWhileWaiting(socket);
      try {
        prepared = await route.authorize(req, { user, params, query, remoteAddr });
      } catch (err) {
        watch.stop();
        slot.release();
        refuse(user.username, err);
        return;
      }
      const early = watch.stop();
      if (early === undefined) {
        // The client left (or sent more than a handshake should) while authorize ran.
        slot.release();
        socket.destroy();
        return;
      }
      head = Buffer.concat([head, early]);
    }
    // ws answers a malformed handshake (no Sec-WebSocket-Key, another version …) with 400 itself
    // and never calls back: the place is given back when the socket closes (no-op once attached).
    socket.once('close', () => slot.release());

    wss.handleUpgrade(req, socket, head, (ws) => {
      // A route that forgets its own error listener must not crash the server (ws emits 'error'
      // for protocol faults such as a message over maxPayload, then closes with 1002/1009).
      ws.on('error', (err) => ctx.logger.debug({ err, path: pathname }, 'websocket error'));
      const logOnly = !params.name;
      ctx.audit({
        user: user.username,
        remoteAddr,
        action: 'ws.open',
        ...where,
        result: 'ok',
        logOnly,
      });
      ws.once('close', (code, reason) => {
        ctx.audit({
          user: user.username,
          remoteAddr,
          action: 'ws.close',
          ...where,
          result: 'ok',
          closeCode: code,
          ...(reason.length ? { closeReason: reason.toString() } : {}),
          logOnly,
        });
      });
      if (!slot.attach(ws)) return;
      route.onConnection(ws, req, { user, params, query, prepared, remoteAddr });
    });
  }

  /** Every websocket open through this router, all routes. */
  get clients(): WebSocket[] {
    return [...this.servers.values()].flatMap((wss) => [...wss.clients]);
  }

  /** Terminates every socket still open and closes the servers (not the HTTP servers). */
  async close(): Promise<void> {
    for (const wss of this.servers.values()) {
      for (const ws of wss.clients) ws.terminate();
    }
    await Promise.all(
      [...this.servers.values()].map(
        (wss) => new Promise<void>((resolve) => wss.close(() => resolve())),
      ),
    );
  }
}

/** Bytes a client may send after its handshake and before the answer: 64 KiB. */
const MAX_EARLY_BYTES = 64 * 1024;

/**
 * While an async `authorize` runs, reads the upgrade socket (an upgraded socket is not read by the
 * HTTP server any more, so otherwise a client that left would go unnoticed until the upgrade).
 * `stop()` — called synchronously right before `handleUpgrade`, so no byte is emitted unheard —
 * returns the bytes received meanwhile (to put back in front, as `head`), or undefined when the
 * client closed its side, the socket failed, or it sent more than {@link MAX_EARLY_BYTES}.
 */
function watchWhileWaiting(socket: Duplex): { stop: () => Buffer | undefined } {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let gone = false;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes > MAX_EARLY_BYTES) gone = true;
  };
  const onGone = () => {
    gone = true;
  };
  socket.on('data', onData);
  socket.once('end', onGone);
  socket.once('close', onGone);
  // The HTTP server paused the socket when it handed it over; 'data' listeners alone would not
  // resume it. It stays flowing: ws adds its own 'data' listener in the same tick as stop().
  socket.resume();
  return {
    stop: () => {
      socket.off('data', onData);
      socket.off('end', onGone);
      socket.off('close', onGone);
      if (gone || socket.destroyed || !socket.writable) return undefined;
      return Buffer.concat(chunks);
    },
  };
}

/** The path of a request for a log line (never its query: it may carry a ticket). */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}
