/**
 * The bearer token of `GET /metrics` (Prometheus scrapes). From `XENDECK_METRICS_TOKEN` when
 * set; otherwise generated at first start (32 random bytes, base64url) and kept in the `settings`
 * table (the database file is 0600, root's), so admins can read it in the UI and rotate it.
 * Checks compare SHA-256 digests with `timingSafeEqual`: constant time whatever the length of
 * what was sent.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MetricsToken } from '@xendeck/api';
import type { Db } from '../db.js';
import { ApiError } from '../errors.js';

const KEY = 'metrics_token';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class MetricsTokenStore {
  private token: string;
  private digest: Buffer;
  private createdAt: number | null;

  /** Reads (or, without `envToken`, creates on first use) the token. Throws SQLite errors. */
  constructor(
    private readonly db: Db,
    private readonly envToken: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (envToken !== undefined) {
      this.token = envToken;
      this.createdAt = null;
    } else {
      const row = db.prepare('SELECT value, updated_at FROM settings WHERE key = ?').get(KEY) as
        | { value: string; updated_at: number }
        | undefined;
      if (row) {
        this.token = row.value;
        this.createdAt = row.updated_at;
      } else {
        this.token = '';
        this.createdAt = null;
        this.store(this.generate());
      }
    }
    this.digest = digest(this.token);
  }

  private generate(): string {
    return randomBytes(32).toString('base64url');
  }

  private store(token: string): void {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(KEY, token, at);
    this.token = token;
    this.createdAt = at;
    this.digest = digest(token);
  }

  /** The token as `GET /api/v1/settings/metrics-token` shows it. */
  current(): MetricsToken {
    return {
      token: this.token,
      source: this.envToken !== undefined ? 'env' : 'generated',
      createdAt: this.createdAt === null ? null : new Date(this.createdAt).toISOString(),
    };
  }

  /**
   * Replaces a generated token with a new one (the old one stops working at once).
   * Throws ApiError METRICS_TOKEN_FROM_ENV (409) when the token comes from XENDECK_METRICS_TOKEN.
   */
  rotate(): MetricsToken {
    if (this.envToken !== undefined) {
      throw new ApiError(
        'METRICS_TOKEN_FROM_ENV',
        'The /metrics token is set by XENDECK_METRICS_TOKEN; change it there and restart',
      );
    }
    this.store(this.generate());
    return this.current();
  }

  /** Whether an `Authorization` header value is `Bearer <the token>` (scheme case-insensitive). */
  verify(authorization: string | undefined): boolean {
    const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!m) return false;
    return timingSafeEqual(digest(m[1] as string), this.digest);
  }
}
