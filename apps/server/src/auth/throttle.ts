/**
 * Login throttling, in memory, per username + remote address: after {@link FREE_ATTEMPTS}
 * failures within {@link WINDOW_MS}, further attempts are refused for a delay that doubles with
 * each failure (from 30 s, capped at 15 min). A successful login clears the count.
 */

/** Failures allowed before throttling starts. */
export const FREE_ATTEMPTS = 5;
/** Failures older than this are forgotten: 15 min. */
export const WINDOW_MS = 15 * 60 * 1000;
const BASE_LOCK_MS = 30 * 1000;
const MAX_LOCK_MS = 15 * 60 * 1000;
const MAX_ENTRIES = 10_000;

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private key(username: string, ip: string | undefined): string {
    return `${username.toLowerCase()}\u0000${ip ?? '?'}`;
  }

  /** Milliseconds until this username + address may try again; 0 when allowed now. */
  retryAfterMs(username: string, ip: string | undefined): number {
    const e = this.entries.get(this.key(username, ip));
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.now());
  }

  /** Records a failed attempt. */
  fail(username: string, ip: string | undefined): void {
    const k = this.key(username, ip);
    const t = this.now();
    let e = this.entries.get(k);
    if (!e || t - e.firstAt > WINDOW_MS) {
      e = { failures: 0, firstAt: t, lockedUntil: 0 };
    }
    e.failures++;
    if (e.failures >= FREE_ATTEMPTS) {
      const lock = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (e.failures - FREE_ATTEMPTS));
      e.lockedUntil = t + lock;
    }
    this.entries.delete(k);
    this.entries.set(k, e);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Clears the count after a successful login. */
  succeed(username: string, ip: string | undefined): void {
    this.entries.delete(this.key(username, ip));
  }
}
