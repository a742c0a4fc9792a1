/**
 * TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s steps — what every authenticator app
 * reads from an `otpauth://` URI), with the `otpauth` package. Optional for every user; the
 * README recommends it for admins. This module owns the enrolment, the code check and its rules:
 *
 * - Enrolment is two steps: {@link Totp.start} makes a 20-byte secret and keeps it pending, in
 *   memory, for {@link ENROLMENT_TTL_MS}; {@link Totp.confirm} with a current code stores it in
 *   `users.totp_secret` (base32), which turns TOTP on. A restart forgets a pending enrolment.
 * - A code is accepted for the current step and one step either side (±30 s of clock skew), and
 *   only once: a code of a step at or before the last accepted one is refused (a code seen over
 *   a shoulder or replayed from a log is useless). The last step is kept in memory per user.
 * - At login (`routes/session.ts`), after a good password, a user with TOTP needs the code:
 *   {@link Totp.atLogin} answers `missing` (→ 401 TOTP_REQUIRED, not counted as a failure) or
 *   `wrong` (→ 401 UNAUTHENTICATED, counted by the login throttle).
 */
import { hostname } from 'node:os';
import type { TotpEnrolment } from '@xendeck/api';
import { Secret, TOTP } from 'otpauth';
import type { User, Users } from '../auth/users.js';
import { ApiError } from '../errors.js';

/** How long a started enrolment waits for its confirming code: 10 min. */
export const ENROLMENT_TTL_MS = 10 * 60 * 1000;
/** TOTP step, seconds (RFC 6238 default, the one authenticator apps assume). */
const PERIOD_S = 30;
/** Steps accepted either side of the current one. */
const WINDOW_STEPS = 1;

/** What a login's code amounts to: no TOTP or a good code; TOTP but no code; a wrong code. */
export type LoginSecondFactor = 'ok' | 'missing' | 'wrong';

/**
 * TOTP for the app's users (one per app: `AppContext.totp`). `now` (ms since the epoch) is
 * injectable for tests; `issuer` names the host in the authenticator app (default
 * `Xendeck <hostname>`).
 */
export class Totp {
  private readonly pending = new Map<number, { secret: string; until: number }>();
  private readonly lastStep = new Map<number, number>();
  private readonly issuer: string;

  constructor(
    private readonly users: Users,
    private readonly now: () => number = Date.now,
    issuer?: string,
  ) {
    this.issuer = issuer ?? `Xendeck ${hostname()}`;
  }

  /** Whether the user has TOTP on (a confirmed secret in `users.totp_secret`). */
  enabled(userId: number): boolean {
    return this.users.totpSecret(userId) !== undefined;
  }

  /**
   * Starts (or restarts) enrolment: a new random secret, pending until confirmed. Returns the
   * secret (base32) and its `otpauth://totp/…` URI (issuer, username) for a QR code. Throws
   * TOTP_ALREADY_ENABLED (409) when TOTP is on (turn it off first).
   */
  start(user: User): TotpEnrolment {
    if (this.enabled(user.id)) {
      throw new ApiError(
        'TOTP_ALREADY_ENABLED',
        'TOTP is already on for this user; turn it off first',
      );
    }
    this.prune();
    const secret = new Secret({ size: 20 }).base32;
    this.pending.set(user.id, { secret, until: this.now() + ENROLMENT_TTL_MS });
    const uri = new TOTP({
      issuer: this.issuer,
      label: user.username,
      secret,
      digits: 6,
      period: PERIOD_S,
      algorithm: 'SHA1',
    }).toString();
    return { secret, uri };
  }

  /**
   * Confirms a pending enrolment with a current code: stores the secret, which turns TOTP on.
   * Throws TOTP_NO_ENROLMENT (409) without a pending (or with an expired) enrolment,
   * TOTP_INVALID (403) for a wrong code (the enrolment stays pending), USER_NOT_FOUND.
   */
  confirm(user: User, code: string): void {
    const p = this.pending.get(user.id);
    if (!p || p.until <= this.now()) {
      this.pending.delete(user.id);
      throw new ApiError(
        'TOTP_NO_ENROLMENT',
        'No TOTP enrolment is waiting for a code (start one with POST /api/v1/session/totp)',
      );
    }
    if (!this.check(user.id, p.secret, code)) {
      throw new ApiError(
        'TOTP_INVALID',
        'Wrong code: check the clock of the device and try the next code',
      );
    }
    this.users.setTotpSecret(user.id, p.secret);
    this.pending.delete(user.id);
  }

  /** Turns TOTP off for a user (no check: the caller checked a code, a password or is an admin). */
  disable(userId: number): void {
    this.users.setTotpSecret(userId, null);
    this.pending.delete(userId);
  }

  /**
   * Whether `code` is a good, unused code of the user's enrolled secret (false when TOTP is off).
   * A good code is used up.
   */
  verify(userId: number, code: string): boolean {
    const secret = this.users.totpSecret(userId);
    return secret !== undefined && this.check(userId, secret, code);
  }

  /** The login's second factor: see {@link LoginSecondFactor}. A good code is used up. */
  atLogin(userId: number, code: string | undefined): LoginSecondFactor {
    const secret = this.users.totpSecret(userId);
    if (secret === undefined) return 'ok';
    if (code === undefined) return 'missing';
    return this.check(userId, secret, code) ? 'ok' : 'wrong';
  }

  /** Checks a code against a secret within the window, once per step (see the module header). */
  private check(userId: number, secret: string, code: string): boolean {
    if (!/^\d{6}$/.test(code)) return false;
    const timestamp = this.now();
    const delta = TOTP.validate({
      token: code,
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD_S,
      timestamp,
      window: WINDOW_STEPS,
    });
    if (delta === null) return false;
    const step = TOTP.counter({ period: PERIOD_S, timestamp }) + delta;
    const last = this.lastStep.get(userId);
    if (last !== undefined && step <= last) return false;
    this.lastStep.set(userId, step);
    return true;
  }

  private prune(): void {
    const t = this.now();
    for (const [id, p] of this.pending) if (p.until <= t) this.pending.delete(id);
  }
}
