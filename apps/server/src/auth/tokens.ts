/**
 * API tokens for scripts and monitoring: the `api_tokens` table (migration 6, `db.ts`). This
 * module owns their format, storage and lookup:
 *
 * - A token is `xdk_` + 32 random bytes in base64url (47 characters), shown once when created;
 *   only its SHA-256 (hex, {@link hashToken} — the same digest sessions use) is stored.
 * - It acts as its user: same role, same grants, read when each request is checked (a changed
 *   role or grant counts at once). A removed user's tokens go with the user (ON DELETE CASCADE).
 * - It may expire (`expires_at`, ms since the epoch; null never); an expired or revoked (deleted)
 *   token answers 401 like no token at all.
 * - `last_used_at` is written at most once a minute per token ({@link LAST_USED_EVERY_MS}).
 * - Scripts send it as `Authorization: Bearer xdk_…`; `authenticate()` (`auth/access.ts`) reads
 *   it for REST requests when there is no valid session cookie. Websockets need a session.
 * - What a token may not do (its own user's password, TOTP and tokens, console tickets) is
 *   decided by `currentSession()` in `auth/access.ts`, which those routes call.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiTokenInfo, CreatedApiToken } from '@xendeck/api';
import type { Db } from '../db.js';
import { hashToken } from './sessions.js';
import type { Role, User } from './users.js';

/** What every token starts with (so secret scanners and people can recognise one). */
export const TOKEN_PREFIX = 'xdk_';
/** A well-formed token: the prefix and 43 base64url characters (32 bytes). */
const TOKEN_SHAPE = /^xdk_[A-Za-z0-9_-]{43}$/;
/** `last_used_at` is written at most this often per token: 1 min. */
export const LAST_USED_EVERY_MS = 60 * 1000;
/** A day in ms (token lifetimes are asked in days). */
const DAY_MS = 24 * 60 * 60 * 1000;

interface TokenRow {
  id: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}

function toInfo(r: TokenRow): ApiTokenInfo {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
  };
}

/**
 * The token of an `Authorization: Bearer <token>` header when it has the shape of an API token
 * (`xdk_…`); undefined otherwise (no header, another scheme, or another kind of bearer token,
 * such as the `/metrics` one).
 */
export function bearerApiToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer +(\S+)\s*$/i.exec(header);
  const token = m?.[1];
  return token !== undefined && TOKEN_SHAPE.test(token) ? token : undefined;
}

/** The API token store over `api_tokens` (one per app: `AppContext.tokens`). `now` for tests. */
export class ApiTokens {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Creates a token for a user, expiring after `expiresInDays` days (never when undefined).
   * Returns its listing and the token itself, which is not kept and cannot be shown again.
   */
  create(userId: number, name: string, expiresInDays?: number): CreatedApiToken {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const t = this.now();
    const expiresAt = expiresInDays === undefined ? null : t + expiresInDays * DAY_MS;
    const info = this.db
      .prepare(
        'INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(userId, name, hashToken(token), t, expiresAt);
    return {
      id: Number(info.lastInsertRowid),
      name,
      createdAt: t,
      lastUsedAt: null,
      expiresAt,
      token,
    };
  }

  /** A user's tokens, newest first, expired ones included (their `expiresAt` is past). */
  list(userId: number): ApiTokenInfo[] {
    const rows = this.db
      .prepare(
        'SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC',
      )
      .all(userId) as TokenRow[];
    return rows.map(toInfo);
  }

  /** Revokes (deletes) one of a user's tokens. Returns false when that user has no such token. */
  revoke(userId: number, tokenId: number): boolean {
    return (
      this.db.prepare('DELETE FROM api_tokens WHERE id = ? AND user_id = ?').run(tokenId, userId)
        .changes > 0
    );
  }

  /**
   * The user a token acts as, with `tokenId` set, or undefined when the token is malformed,
   * unknown (never issued or revoked) or expired. Refreshes `last_used_at` at most once a minute.
   */
  lookup(token: string | undefined): User | undefined {
    if (token === undefined || !TOKEN_SHAPE.test(token)) return undefined;
    const row = this.db
      .prepare(
        `SELECT t.id AS token_id, t.last_used_at, t.expires_at, u.id, u.username, u.role
           FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
      )
      .get(hashToken(token)) as
      | {
          token_id: number;
          last_used_at: number | null;
          expires_at: number | null;
          id: number;
          username: string;
          role: Role;
        }
      | undefined;
    if (!row) return undefined;
    const t = this.now();
    if (row.expires_at !== null && t >= row.expires_at) return undefined;
    if (row.last_used_at === null || t - row.last_used_at >= LAST_USED_EVERY_MS) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(t, row.token_id);
    }
    return { id: row.id, username: row.username, role: row.role, tokenId: row.token_id };
  }
}
