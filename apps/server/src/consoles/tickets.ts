/**
 * One-time console tickets: how a console opens in a new window, or from a client that cannot
 * send the session cookie, without ever putting the session token in a URL.
 *
 * `POST /api/v1/domains/:name/console/tickets` (route in `consoles/routes.ts`) issues one; the
 * console websocket accepts it as `?ticket=` instead of the cookie (`ws/router.ts` redeems it
 * before the upgrade). A ticket is 32 random bytes (base64url, 43 characters); the server keeps
 * only its SHA-256, in memory (a restart forgets every ticket). It is:
 * - single use: redeeming consumes it, whether it matched or not;
 * - valid {@link TICKET_TTL_MS} (30 s) from issue, by the injected clock;
 * - bound to the user and session that asked for it, the domain name and the console kind.
 *   The session must still be valid when the ticket is redeemed (logout voids its tickets), and
 *   the websocket it opens belongs to that session (closed at its logout, counted in its cap).
 *
 * Any failure — unknown, used, expired, other domain or kind, session ended — is the same
 * 401 TICKET_INVALID with the same message, so a refusal tells nothing about why.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleKind, ConsoleTicket } from '@xendeck/api';
import type { AuthenticatedSession } from '../auth/access.js';
import type { Sessions } from '../auth/sessions.js';
import { ApiError } from '../errors.js';

/** How long a ticket is valid after issue: 30 s. */
export const TICKET_TTL_MS = 30_000;

/** Tickets one session may hold unredeemed at once; one more is 429 TOO_MANY_REQUESTS. */
export const MAX_TICKETS_PER_SESSION = 64;

/** The one message of every refused ticket. */
export const TICKET_INVALID_MESSAGE =
  'Console ticket invalid: unknown, already used, expired, or for another domain or console';

/** A ticket is 43 base64url characters (32 bytes); anything else is refused without a lookup. */
const TICKET_RE = /^[A-Za-z0-9_-]{43}$/;

interface StoredTicket {
  userId: number;
  sessionHash: string;
  domain: string;
  kind: ConsoleKind;
  /** Clock time (ms) after which it is refused. */
  expiresAtMs: number;
}

function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

/** The ticket store. `now` is injectable for tests (the app passes its session clock). */
export class ConsoleTickets {
  /** By SHA-256 (hex) of the ticket. */
  private readonly byHash = new Map<string, StoredTicket>();

  constructor(
    private readonly sessions: Sessions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Unredeemed, unexpired tickets held (expired ones are purged first). */
  get size(): number {
    this.purgeExpired();
    return this.byHash.size;
  }

  /**
   * Issues a ticket for `session` to open `kind` console of the domain `domain` (a name the caller
   * validated and found running). Returns the API answer (`consoleTicketSchema`). Throws ApiError
   * TOO_MANY_REQUESTS when the session holds {@link MAX_TICKETS_PER_SESSION} unredeemed ones.
   */
  issue(session: AuthenticatedSession, domain: string, kind: ConsoleKind): ConsoleTicket {
    this.purgeExpired();
    let held = 0;
    for (const t of this.byHash.values()) if (t.sessionHash === session.sessionHash) held++;
    if (held >= MAX_TICKETS_PER_SESSION) {
      throw new ApiError(
        'TOO_MANY_REQUESTS',
        `This session holds ${held} unused console tickets; use them or wait ${TICKET_TTL_MS / 1000} s`,
        { retryAfterSeconds: TICKET_TTL_MS / 1000 },
      );
    }
    const ticket = randomBytes(32).toString('base64url');
    const expiresAtMs = this.now() + TICKET_TTL_MS;
    this.byHash.set(ticketHash(ticket), {
      userId: session.user.id,
      sessionHash: session.sessionHash,
      domain,
      kind,
      expiresAtMs,
    });
    return { ticket, expiresAt: new Date(expiresAtMs).toISOString(), domain, kind };
  }

  /**
   * Redeems a ticket for `kind` console of `domain`: consumes it (even when it does not match)
   * and returns its user and session, read again from the `sessions` table. Throws ApiError
   * TICKET_INVALID (401) when the ticket is malformed, unknown, used, expired, for another domain
   * or kind, or its session ended or its user was removed.
   */
  redeem(ticket: string, domain: string, kind: ConsoleKind): AuthenticatedSession {
    const invalid = new ApiError('TICKET_INVALID', TICKET_INVALID_MESSAGE);
    if (!TICKET_RE.test(ticket)) throw invalid;
    const h = ticketHash(ticket);
    const stored = this.byHash.get(h);
    this.byHash.delete(h);
    this.purgeExpired();
    if (!stored || stored.expiresAtMs <= this.now()) throw invalid;
    if (stored.domain !== domain || stored.kind !== kind) throw invalid;
    const user = this.sessions.check(stored.sessionHash);
    if (!user || user.id !== stored.userId) throw invalid;
    return { user, sessionHash: stored.sessionHash };
  }

  /** Drops expired tickets; returns how many. Runs on every issue and redeem. */
  purgeExpired(): number {
    const t = this.now();
    let n = 0;
    for (const [h, stored] of this.byHash) {
      if (stored.expiresAtMs <= t) {
        this.byHash.delete(h);
        n++;
      }
    }
    return n;
  }
}
