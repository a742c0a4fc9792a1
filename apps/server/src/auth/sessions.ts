/**
 * Sessions: a 32-byte random token in the `xendeck_session` cookie; only its SHA-256 is stored.
 * A session ends after {@link SESSION_IDLE_MS} without use, {@link SESSION_ABSOLUTE_MS} after
 * login, or at logout.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db.js';
import type { User } from './users.js';

/** Cookie name. */
export const SESSION_COOKIE = 'xendeck_session';
/** Idle expiry: 12 h. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Absolute expiry: 7 days. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often, to spare the disk. */
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * The SHA-256 (hex) of a session token: the `sessions` table's key, and how websockets name the
 * session they belong to (`ws/connections.ts`) without keeping the token itself.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface SessionRow {
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  id: number;
  username: string;
  role: User['role'];
}

/** Session store over the `sessions` table. `now` is injectable for tests. */
export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session for `user`; returns the token for the cookie (base64url, 43 chars). */
  create(user: User, remoteAddr: string | undefined): string {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, remote_addr) VALUES (?, ?, ?, ?, ?)',
      )
      .run(hashToken(token), user.id, t, t, remoteAddr ?? null);
    return token;
  }

  /** The user behind a token, or undefined when it is unknown or expired (expired ones are deleted). */
  lookup(token: string | undefined): User | undefined {
    if (!token || token.length > 128) return undefined;
    const h = hashToken(token);
    const row = this.row(h);
    if (!row) return undefined;
    if (this.expired(row)) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(h);
      return undefined;
    }
    const t = this.now();
    if (t - row.last_seen_at > TOUCH_EVERY_MS) {
      this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(t, h);
    }
    return { id: row.id, username: row.username, role: row.role };
  }

  /**
   * The user of the session with this token hash (see {@link hashToken}) when it exists and has
   * not expired; undefined otherwise. A pure read: unlike {@link lookup} it neither refreshes
   * `last_seen_at` nor deletes an expired row, so the periodic websocket check
   * (`ws/connections.ts`) does not keep a session alive by itself.
   */
  check(tokenHash: string): User | undefined {
    const row = this.row(tokenHash);
    if (!row || this.expired(row)) return undefined;
    return { id: row.id, username: row.username, role: row.role };
  }

  /** The session row of a token hash joined with its user, if any. */
  private row(tokenHash: string): SessionRow | undefined {
    return this.db
      .prepare(
        `SELECT s.token_hash, s.created_at, s.last_seen_at, u.id, u.username, u.role
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
      )
      .get(tokenHash) as SessionRow | undefined;
  }

  private expired(row: SessionRow): boolean {
    const t = this.now();
    return t - row.last_seen_at > SESSION_IDLE_MS || t - row.created_at > SESSION_ABSOLUTE_MS;
  }

  /** Ends the session of this token (logout). No-op for an unknown token. */
  delete(token: string | undefined): void {
    if (!token) return;
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
  }

  /**
   * Ends every session of a user but the one whose token hash is `keepHash` (password change,
   * role change, removal). Returns the token hashes of the sessions it deleted, so the caller
   * can close their websockets (`WsConnections.closeSession`).
   */
  deleteForUser(userId: number, keepHash?: string): string[] {
    return this.db.transaction(() => {
      const hashes = (
        this.db.prepare('SELECT token_hash FROM sessions WHERE user_id = ?').all(userId) as {
          token_hash: string;
        }[]
      )
        .map((r) => r.token_hash)
        .filter((h) => h !== keepHash);
      const del = this.db.prepare('DELETE FROM sessions WHERE token_hash = ?');
      for (const h of hashes) del.run(h);
      return hashes;
    })();
  }

  /** Deletes every expired session; returns how many. */
  purgeExpired(): number {
    const t = this.now();
    return this.db
      .prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?')
      .run(t - SESSION_IDLE_MS, t - SESSION_ABSOLUTE_MS).changes;
  }
}
