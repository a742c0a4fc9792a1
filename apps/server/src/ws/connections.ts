/**
 * Every open websocket of the server (events, metrics, consoles), by the session it belongs to:
 * the cookie's session, or for a console opened with a one-time ticket the session that asked for
 * the ticket. This module owns two rules:
 *
 * - **A socket lives no longer than its session.** Logout (`DELETE /api/v1/session`) closes the
 *   session's sockets at once; a timer (every 30 s) re-checks each session that holds sockets and
 *   closes them when the session expired, the user was removed, or the user's role or grants no
 *   longer allow the route (`auth/authorize.ts`). Close code 1008 (policy violation), reason
 *   `logged out`, `session expired`, `user removed` or `access revoked`.
 * - **Caps**: at most `maxPerSession` sockets per session (XENDECK_WS_MAX_PER_SESSION) and
 *   `maxTotal` in the server (XENDECK_WS_MAX_TOTAL). The router asks for a slot after
 *   authentication and before the route's `authorize`; a refused one is still upgraded, then closed
 *   at once with 1013 (try again later) and a reason a browser can show (it cannot read the status
 *   line of a refused handshake).
 *
 * Close codes are listed with the console ones in @xendeck/api (`CONSOLE_CLOSE_CODES`).
 */
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { Sessions } from '../auth/sessions.js';
import type { User, Users } from '../auth/users.js';

/** RFC 6455 1001: the server is shutting down. */
export const WS_CLOSE_GOING_AWAY = 1001;
/** RFC 6455 1008 (policy violation): the socket's session ended (logout, expiry, user removed). */
export const WS_CLOSE_SESSION_ENDED = 1008;
/** RFC 6455 1013 (try again later): too many websockets for this session or this server. */
export const WS_CLOSE_TOO_MANY = 1013;

/** Default period of the session re-check, ms. */
export const WS_SESSION_CHECK_MS = 30_000;

/** Whom a websocket belongs to. */
export interface WsOwner {
  /** SHA-256 (hex) of the session token (`hashToken`); for a ticket, the issuing session's. */
  sessionHash: string;
  /** `users.id` of the user (from the session row). */
  userId: number;
  /**
   * Whether the user (as read again at each check: role changes count) may still use the
   * socket's route: the router passes its access check (role, and a customer's grant on the
   * domain). The socket is closed with `access revoked` when it answers false.
   */
  allowed: (user: User) => boolean;
}

export interface WsConnectionsOptions {
  sessions: Sessions;
  users: Users;
  logger: Logger;
  /** Sockets per session (XENDECK_WS_MAX_PER_SESSION). */
  maxPerSession: number;
  /** Sockets in the whole server (XENDECK_WS_MAX_TOTAL). */
  maxTotal: number;
  /** Period of the session re-check in ms (default {@link WS_SESSION_CHECK_MS}); tests shorten it. */
  checkEveryMs?: number;
}

interface Entry {
  owner: WsOwner;
  /** Undefined while the slot is reserved and the upgrade not done yet. */
  ws: WebSocket | undefined;
  /** Set when the session ended before the socket was attached: attach closes it at once. */
  ended: string | undefined;
}

/** A reserved place for one websocket; see {@link WsConnections.admit}. */
export interface WsSlot {
  /**
   * Gives the slot its upgraded socket; it counts until the socket closes. Returns false, and
   * closes the socket with 1008, when its session ended while the upgrade was being authorized.
   */
  attach(ws: WebSocket): boolean;
  /** Gives the slot back when no socket came of it (refused upgrade). Idempotent. */
  release(): void;
}

/** The answer of {@link WsConnections.admit}: a slot, or why not (a close reason, ≤ 123 bytes). */
export type WsAdmission = { ok: true; slot: WsSlot } | { ok: false; reason: string };

/**
 * The registry of open websockets by session (see the module header). One per app
 * (`AppContext.connections`); the router admits and attaches sockets, `DELETE /session` calls
 * {@link closeSession}, the timer calls {@link check}.
 */
export class WsConnections {
  private readonly bySession = new Map<string, Set<Entry>>();
  private total = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: WsConnectionsOptions) {
    this.timer = setInterval(() => this.check(), opts.checkEveryMs ?? WS_SESSION_CHECK_MS);
    this.timer.unref();
  }

  /** Sockets open or reserved, server-wide. */
  get size(): number {
    return this.total;
  }

  /** Sockets open or reserved by one session. */
  countFor(sessionHash: string): number {
    return this.bySession.get(sessionHash)?.size ?? 0;
  }

  /**
   * Reserves a place for a websocket of `owner`, or says why not: the session holds
   * `maxPerSession` sockets, or the server `maxTotal`. Reservations count against the caps, so
   * upgrades being authorized at the same time cannot overshoot them.
   */
  admit(owner: WsOwner): WsAdmission {
    const { maxPerSession, maxTotal } = this.opts;
    if (this.countFor(owner.sessionHash) >= maxPerSession) {
      return {
        ok: false,
        reason: `too many websocket connections for this session (${maxPerSession})`,
      };
    }
    if (this.total >= maxTotal) {
      return { ok: false, reason: `too many websocket connections on this server (${maxTotal})` };
    }
    const entry: Entry = { owner, ws: undefined, ended: undefined };
    let set = this.bySession.get(owner.sessionHash);
    if (!set) {
      set = new Set();
      this.bySession.set(owner.sessionHash, set);
    }
    set.add(entry);
    this.total++;
    return {
      ok: true,
      slot: {
        attach: (ws) => {
          entry.ws = ws;
          ws.once('close', () => this.remove(entry));
          if (entry.ended !== undefined) {
            ws.close(WS_CLOSE_SESSION_ENDED, entry.ended);
            return false;
          }
          return true;
        },
        release: () => {
          if (!entry.ws) this.remove(entry);
        },
      },
    };
  }

  private remove(entry: Entry): void {
    const set = this.bySession.get(entry.owner.sessionHash);
    if (!set?.delete(entry)) return;
    this.total--;
    if (set.size === 0) this.bySession.delete(entry.owner.sessionHash);
  }

  /**
   * Closes every socket of a session with 1008 and `reason` (`logged out` at logout); sockets still
   * being upgraded are closed as soon as they open. Returns how many were open or pending.
   */
  closeSession(sessionHash: string, reason: string): number {
    const set = this.bySession.get(sessionHash);
    if (!set) return 0;
    for (const entry of set) this.end(entry, reason);
    return set.size;
  }

  private end(entry: Entry, reason: string): void {
    entry.ended ??= reason;
    const ws = entry.ws;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      ws.close(WS_CLOSE_SESSION_ENDED, reason);
    }
  }

  /**
   * The periodic check (also callable by tests): for every session holding sockets, reads the user
   * (`users.id`) and the session row (`Sessions.check`, which does not refresh `last_seen_at`),
   * and closes with 1008 the sockets of a removed user (`user removed`), of an ended session
   * (`session expired`: idle or absolute expiry, or the row purged) and of a user whose role or
   * grants no longer allow the route (`access revoked`). Returns how many sockets it closed.
   */
  check(): number {
    let closed = 0;
    for (const [sessionHash, set] of [...this.bySession]) {
      const first = set.values().next().value;
      if (!first) continue;
      let reason: string | undefined;
      let user: User | undefined;
      try {
        if (!this.opts.users.byId(first.owner.userId)) reason = 'user removed';
        else {
          user = this.opts.sessions.check(sessionHash);
          if (!user) reason = 'session expired';
        }
      } catch (err) {
        this.opts.logger.warn({ err }, 'websocket session check failed; will retry');
        continue;
      }
      for (const entry of [...set]) {
        const why = reason ?? (user && !entry.owner.allowed(user) ? 'access revoked' : undefined);
        if (why === undefined || entry.ended !== undefined) continue;
        this.end(entry, why);
        closed++;
      }
    }
    if (closed > 0) this.opts.logger.info({ closed }, 'closed websockets of ended sessions');
    return closed;
  }

  /** Stops the timer and closes every open socket with 1001 (server shutting down). */
  close(): void {
    clearInterval(this.timer);
    for (const set of this.bySession.values()) {
      for (const entry of set) {
        entry.ended ??= 'server shutting down';
        const ws = entry.ws;
        if (ws?.readyState === WebSocket.OPEN)
          ws.close(WS_CLOSE_GOING_AWAY, 'server shutting down');
      }
    }
  }
}
