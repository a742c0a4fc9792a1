/**
 * Login throttling and the bound on password hashing, in memory (a restart forgets both).
 *
 * Every login attempt is admitted or refused by {@link LoginThrottle.begin} BEFORE any hashing,
 * synchronously: an admitted attempt is counted as a failure at once (reserved), and refunded
 * when it turns out right. A burst of parallel requests therefore sees its own earlier members:
 * 20 wrong passwords sent together reach argon2 at most {@link LIMITS}.pairFree times.
 *
 * Four counters, each of failures within {@link LIMITS}.windowMs of the last one:
 * - **account + address**: `pairFree` (5) free, then locked for 30 s doubling to 15 min;
 * - **address** (IPv4, or the IPv6 /64 — one host usually holds a whole /64): `addressFree` (20)
 *   free across all usernames, then locked likewise (rotating usernames from one place);
 * - **account** (across all addresses): after `accountFree` (10), attempts on that account are
 *   spaced: each must wait 1 s doubling to at most `accountMaxDelayMs` (60 s) after the previous
 *   one. It slows rotating addresses down and never locks: an address that logged in to the
 *   account successfully since the server started is not held back by it (nor by the global
 *   limit), so strangers cannot keep the real admin out;
 * - **global**: at most `globalPerMinute` (120) attempts a minute in all.
 * Maps are bounded (`maxEntries` each); when full, unlocked entries are evicted first.
 *
 * {@link HashGate}: at most `maxConcurrent` (2) password hashes at once, `maxQueue` (8) waiting;
 * beyond that a login is refused at once (503 + Retry-After) without hashing, so a flood keeps
 * argon2 from filling libuv's thread pool, which libxl calls, the metrics sampler and file I/O
 * share (F3 of the security review; `UV_THREADPOOL_SIZE` is raised at start, `scripts/bundle.mjs`).
 */

import { ApiError } from '../errors.js';

/** Tunables; tests may pass others. */
export interface ThrottleLimits {
  /** Failures of one username from one address before its lock ladder starts (5). */
  pairFree: number;
  /** Failures from one address (IPv6: its /64) across usernames before its ladder starts (20). */
  addressFree: number;
  /** Failures on one username across addresses before attempts on it are spaced (10). */
  accountFree: number;
  /** Largest spacing of attempts on a slowed account, ms (60 000). */
  accountMaxDelayMs: number;
  /** Attempts admitted a minute over everything (120). */
  globalPerMinute: number;
  /** Failures are forgotten this long after the last one, ms (15 min). */
  windowMs: number;
  /** First lock, ms (30 s); doubles with each further failure. */
  baseLockMs: number;
  /** Longest lock, ms (15 min). */
  maxLockMs: number;
  /** Entries kept per counter map (10 000). */
  maxEntries: number;
}

/** The limits in force unless a test passes others. */
export const LIMITS: ThrottleLimits = {
  pairFree: 5,
  addressFree: 20,
  accountFree: 10,
  accountMaxDelayMs: 60_000,
  globalPerMinute: 120,
  windowMs: 15 * 60 * 1000,
  baseLockMs: 30 * 1000,
  maxLockMs: 15 * 60 * 1000,
  maxEntries: 10_000,
};

/** Failures allowed per username + address before throttling starts (kept for older callers). */
export const FREE_ATTEMPTS = LIMITS.pairFree;
/** Failures older than this are forgotten: 15 min. */
export const WINDOW_MS = LIMITS.windowMs;

interface Counter {
  failures: number;
  /** When the last attempt was reserved, ms. */
  lastAt: number;
}

/** Which limit refused an attempt. */
export type ThrottleScope = 'account+address' | 'address' | 'account' | 'global';

/** An admitted attempt: say how it ended, exactly once (later calls are ignored). */
export interface LoginAttempt {
  /** Wrong password or code: the reservation stays a failure. */
  failed(): void;
  /** Logged in: the reservation is refunded, the pair's count cleared, the address known. */
  succeeded(): void;
  /** Neither (refused by the hash gate, or a right password waiting for its TOTP code): refunded. */
  abandoned(): void;
}

/** What {@link LoginThrottle.begin} answers. */
export type LoginAdmission =
  | { ok: true; attempt: LoginAttempt }
  | { ok: false; retryAfterMs: number; scope: ThrottleScope };

/**
 * The key of an address for the per-address counter: IPv4 as it is (`::ffff:` removed), IPv6
 * as its /64 (`2001:db8:1:2::/64`), anything else as it is; `?` when unknown.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return '?';
  const a = ip.toLowerCase();
  if (a.startsWith('::ffff:') && /^\d+\.\d+\.\d+\.\d+$/.test(a.slice(7))) return a.slice(7);
  if (!a.includes(':')) return a;
  const noZone = a.split('%')[0] as string;
  const [head = '', tail] = noZone.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  // An embedded IPv4 in the tail counts as two groups; it never reaches the first four.
  const tailGroups = tailParts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? 0 : Math.max(0, 8 - headParts.length - tailGroups);
  const groups = [...headParts, ...Array<string>(zeros).fill('0'), ...tailParts];
  const first4 = groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? '0' : parseInt(g || '0', 16).toString(16)));
  return `${first4.join(':')}::/64`;
}

/** Login throttle: see the module comment for the scheme. */
export class LoginThrottle {
  private readonly pairs = new Map<string, Counter>();
  private readonly addresses = new Map<string, Counter>();
  private readonly accounts = new Map<string, Counter>();
  /** `username\0address` pairs that logged in since start (kept `maxEntries`, oldest dropped). */
  private readonly known = new Map<string, number>();
  /** When each admitted attempt of the last minute was reserved, oldest first. */
  private recent: number[] = [];
  private readonly limits: ThrottleLimits;
  /** The bound on concurrent password hashes (the login handler runs `verify` through it). */
  readonly hashes: HashGate;

  constructor(
    private readonly now: () => number = Date.now,
    limits: Partial<ThrottleLimits> = {},
    gate: HashGate = new HashGate(),
  ) {
    this.limits = { ...LIMITS, ...limits };
    this.hashes = gate;
  }

  private lockMs(c: Counter | undefined, free: number, t: number): number {
    if (!c || t - c.lastAt > this.limits.windowMs || c.failures < free) return 0;
    const lock = Math.min(this.limits.maxLockMs, this.limits.baseLockMs * 2 ** (c.failures - free));
    return Math.max(0, c.lastAt + lock - t);
  }

  private accountDelayMs(c: Counter | undefined, t: number): number {
    const free = this.limits.accountFree;
    if (!c || t - c.lastAt > this.limits.windowMs || c.failures < free) return 0;
    const delay = Math.min(this.limits.accountMaxDelayMs, 1000 * 2 ** (c.failures - free));
    return Math.max(0, c.lastAt + delay - t);
  }

  /**
   * Admits or refuses one attempt of `username` from `ip`, before any hashing, and when admitted
   * reserves it (counted as a failure on every counter until the attempt says otherwise).
   * Refusal: the longest wait of the limits that refused, ms, and which.
   */
  begin(username: string, ip: string | undefined): LoginAdmission {
    const t = this.now();
    const account = username.toLowerCase();
    const address = addressKey(ip);
    const pairKey = `${account}\u0000${address}`;
    const isKnown = this.known.has(pairKey);
    this.recent = this.recent.filter((at) => t - at < 60_000);

    const waits: [number, ThrottleScope][] = [
      [this.lockMs(this.pairs.get(pairKey), this.limits.pairFree, t), 'account+address'],
      [this.lockMs(this.addresses.get(address), this.limits.addressFree, t), 'address'],
    ];
    if (!isKnown) {
      waits.push([this.accountDelayMs(this.accounts.get(account), t), 'account']);
      if (this.recent.length >= this.limits.globalPerMinute) {
        waits.push([60_000 - (t - (this.recent[0] as number)), 'global']);
      }
    }
    const refusal = waits.filter(([ms]) => ms > 0).sort((a, b) => b[0] - a[0])[0];
    if (refusal) return { ok: false, retryAfterMs: refusal[0], scope: refusal[1] };

    const reserved: [Map<string, Counter>, string][] = [
      [this.pairs, pairKey],
      [this.addresses, address],
      [this.accounts, account],
    ];
    for (const [map, key] of reserved) this.bump(map, key, t);
    // Known pairs are not held back by the global limit, nor do they use it up for strangers.
    if (!isKnown) this.recent.push(t);

    let ended = false;
    const refund = () => {
      for (const [map, key] of reserved) {
        const c = map.get(key);
        if (c && c.failures > 0) c.failures--;
      }
    };
    return {
      ok: true,
      attempt: {
        failed: () => {
          ended = true;
        },
        succeeded: () => {
          if (ended) return;
          ended = true;
          refund();
          this.pairs.delete(pairKey);
          this.known.delete(pairKey);
          this.known.set(pairKey, t);
          if (this.known.size > this.limits.maxEntries) {
            const oldest = this.known.keys().next().value;
            if (oldest !== undefined) this.known.delete(oldest);
          }
        },
        abandoned: () => {
          if (ended) return;
          ended = true;
          refund();
        },
      },
    };
  }

  /**
   * Milliseconds until `username` from `ip` would be admitted by {@link begin}, without reserving
   * anything (0 = now). For checks that are not logins (re-authentication inside a session);
   * logins use `begin`, which is atomic.
   */
  retryAfterMs(username: string, ip: string | undefined): number {
    const t = this.now();
    const address = addressKey(ip);
    return Math.max(
      this.lockMs(
        this.pairs.get(`${username.toLowerCase()}\u0000${address}`),
        this.limits.pairFree,
        t,
      ),
      this.lockMs(this.addresses.get(address), this.limits.addressFree, t),
    );
  }

  /** Records one failure of `username` from `ip` on the pair, address and account counters. */
  fail(username: string, ip: string | undefined): void {
    const t = this.now();
    const account = username.toLowerCase();
    const address = addressKey(ip);
    this.bump(this.pairs, `${account}\u0000${address}`, t);
    this.bump(this.addresses, address, t);
    this.bump(this.accounts, account, t);
  }

  /** One more failure on `key` (a fresh count after the window), moved to the map's young end. */
  private bump(map: Map<string, Counter>, key: string, t: number): void {
    let c = map.get(key);
    if (!c || t - c.lastAt > this.limits.windowMs) c = { failures: 0, lastAt: t };
    c.failures++;
    c.lastAt = t;
    map.delete(key);
    map.set(key, c);
    if (map.size > this.limits.maxEntries) this.evict(map, t);
  }

  /** Drops the oldest entry that holds nothing back (expired or under its free count), else the oldest. */
  private evict(map: Map<string, Counter>, t: number): void {
    const free =
      map === this.pairs
        ? this.limits.pairFree
        : map === this.addresses
          ? this.limits.addressFree
          : this.limits.accountFree;
    for (const [key, c] of map) {
      if (t - c.lastAt > this.limits.windowMs || c.failures < free) {
        map.delete(key);
        return;
      }
    }
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/**
 * The answer to a request refused by a full {@link HashGate}: 503 TOO_MANY_REQUESTS with
 * `details.retryAfterSeconds` (→ `Retry-After`) and `scope: 'busy'`; `what` names the work
 * ("logins", "passwords").
 */
export function hashGateBusy(err: HashGateFull, what: string): ApiError {
  const retryAfterSeconds = Math.ceil(err.retryAfterMs / 1000);
  return new ApiError(
    'TOO_MANY_REQUESTS',
    `The server is checking too many ${what} at once; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds, scope: 'busy' },
    503,
  );
}

/** Thrown by {@link HashGate.run} when the gate and its queue are full: nothing was hashed. */
export class HashGateFull extends Error {
  override readonly name = 'HashGateFull';
  constructor(readonly retryAfterMs: number) {
    super('Too many logins being checked at once');
  }
}

/**
 * At most `maxConcurrent` password hashes at once (default 2), `maxQueue` more waiting (default
 * 8), in arrival order; any more is refused with {@link HashGateFull} before it starts.
 * `started` counts the jobs that ran (tests compare it with argon2's own count).
 */
export class HashGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Jobs started since creation. */
  started = 0;
  /** Jobs refused since creation. */
  refused = 0;

  constructor(
    readonly maxConcurrent = 2,
    readonly maxQueue = 8,
    /** Retry-After given to a refused login, ms (1 s: a hash takes tens of ms). */
    readonly retryAfterMs = 1000,
  ) {}

  /** Runs `job` inside the bound; throws {@link HashGateFull} at once when full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueue) {
        this.refused++;
        throw new HashGateFull(this.retryAfterMs);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    this.started++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Hashes running now and waiting now. */
  load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
