/**
 * Local users: the `users` table (migration 6, `db.ts`): names, roles, argon2id password hashes,
 * when the password was last set and the TOTP secret. This module owns reading and changing those
 * rows and the one rule that guards them, "there is always an admin" (LAST_ADMIN). Ending the
 * sessions a change invalidates is `users/accounts.ts`; grants are `auth/grants.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '@xendeck/api';
import argon2 from 'argon2';
import type { Db } from '../db.js';
import { ApiError } from '../errors.js';

/** What a user may do: `admin`, `operator` or `customer` (defined in @xendeck/api access.ts). */
export type { Role } from '@xendeck/api';

/** A user as the server sees it (never the hash). */
export interface User {
  id: number;
  username: string;
  role: Role;
  /**
   * Set when the request authenticated with an API token (`auth/tokens.ts`, the `api_tokens`
   * row's id) instead of a session cookie: such a request acts with the user's role and grants
   * but may not manage the user's own password, TOTP or tokens (`currentSession` refuses it).
   */
  tokenId?: number;
}

/**
 * A user row as the admin pages list it: {@link User} plus times (ms since the epoch) and whether
 * TOTP is on. Never the hash or the TOTP secret.
 */
export interface UserRecord extends User {
  createdAt: number;
  /** When the password was last set (`users.password_changed_at`); null: never since creation. */
  passwordChangedAt: number | null;
  /** Whether `users.totp_secret` is set (a confirmed TOTP enrolment). */
  totpEnabled: boolean;
}

/**
 * argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). Costlier settings
 * make a login take seconds on the Xen lab's dom0, which runs under QEMU TCG.
 */
const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a password with argon2id (PHC string). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** A generated password (first start, `xendeck user create|reset-password`): 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
}

interface RecordRow {
  id: number;
  username: string;
  role: Role;
  created_at: number;
  password_changed_at: number | null;
  totp: number;
}

const RECORD_COLUMNS =
  'id, username, role, created_at, password_changed_at, totp_secret IS NOT NULL AS totp';

function toRecord(r: RecordRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    createdAt: r.created_at,
    passwordChangedAt: r.password_changed_at,
    totpEnabled: r.totp === 1,
  };
}

/**
 * User store over the `users` table. `now` (ms since the epoch) is injectable for tests. Methods
 * that change a row check it exists first and throw ApiError USER_NOT_FOUND (404) otherwise.
 */
export class Users {
  /** Hash checked for unknown usernames so a miss costs about as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Number of users. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Number of users with the admin role. */
  adminCount(): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as {
        n: number;
      }
    ).n;
  }

  /** The user with this id, if any. */
  byId(id: number): User | undefined {
    const row = this.db.prepare('SELECT id, username, role FROM users WHERE id = ?').get(id) as
      | User
      | undefined;
    return row;
  }

  /** The user with this name, if any. */
  byName(username: string): User | undefined {
    return this.db
      .prepare('SELECT id, username, role FROM users WHERE username = ?')
      .get(username) as User | undefined;
  }

  /** The user with this name; throws ApiError USER_NOT_FOUND (404) when there is none. */
  require(username: string): User {
    const user = this.byName(username);
    if (!user) throw new ApiError('USER_NOT_FOUND', `No user "${username}"`);
    return user;
  }

  /** Every user with times and TOTP state, by name (A→Z). */
  list(): UserRecord[] {
    const rows = this.db
      .prepare(`SELECT ${RECORD_COLUMNS} FROM users ORDER BY username`)
      .all() as RecordRow[];
    return rows.map(toRecord);
  }

  /** One user with times and TOTP state, or undefined. */
  record(username: string): UserRecord | undefined {
    const row = this.db
      .prepare(`SELECT ${RECORD_COLUMNS} FROM users WHERE username = ?`)
      .get(username) as RecordRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /**
   * Creates a user (the password hashed with argon2id; `password_changed_at` stays null).
   * Throws ApiError USER_EXISTS (409) when the name is taken.
   */
  async create(username: string, password: string, role: Role): Promise<User> {
    const hash = await hashPassword(password);
    try {
      const info = this.db
        .prepare(
          'INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(username, hash, role, this.now());
      return { id: Number(info.lastInsertRowid), username, role };
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ApiError('USER_EXISTS', `A user named "${username}" exists already`);
      }
      throw err;
    }
  }

  /**
   * Sets a user's password (argon2id) and `password_changed_at` to now. Does not end sessions:
   * see `users/accounts.ts`. Throws USER_NOT_FOUND.
   */
  async setPassword(userId: number, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const changes = this.db
      .prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?')
      .run(hash, this.now(), userId).changes;
    if (changes === 0) throw new ApiError('USER_NOT_FOUND', `No user of id ${userId}`);
  }

  /**
   * Changes a user's role. Throws ApiError LAST_ADMIN (409) when that would leave no admin (the
   * count is read and written in one transaction), USER_NOT_FOUND when there is no such user.
   */
  setRole(userId: number, role: Role): void {
    this.db.transaction(() => {
      const user = this.byId(userId);
      if (!user) throw new ApiError('USER_NOT_FOUND', `No user of id ${userId}`);
      if (user.role === 'admin' && role !== 'admin')
        this.keepAnAdmin(user, 'take the admin role from');
      this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, userId);
    })();
  }

  /**
   * Deletes a user; their sessions, grants and API tokens go with them (foreign keys ON DELETE
   * CASCADE). Throws LAST_ADMIN (409) for the only admin, USER_NOT_FOUND without such a user.
   */
  delete(userId: number): void {
    this.db.transaction(() => {
      const user = this.byId(userId);
      if (!user) throw new ApiError('USER_NOT_FOUND', `No user of id ${userId}`);
      if (user.role === 'admin') this.keepAnAdmin(user, 'delete');
      this.db.prepare('DELETE FROM users WHERE id = ?').run(userId);
    })();
  }

  private keepAnAdmin(user: User, verb: string): void {
    if (this.adminCount() <= 1) {
      throw new ApiError(
        'LAST_ADMIN',
        `Cannot ${verb} "${user.username}": they are the only admin (make another user admin first)`,
      );
    }
  }

  /** The base32 TOTP secret of a user (`users.totp_secret`), or undefined when TOTP is off. */
  totpSecret(userId: number): string | undefined {
    const row = this.db.prepare('SELECT totp_secret FROM users WHERE id = ?').get(userId) as
      | { totp_secret: string | null }
      | undefined;
    return row?.totp_secret ?? undefined;
  }

  /** Sets (base32) or clears (null) a user's TOTP secret. Throws USER_NOT_FOUND. */
  setTotpSecret(userId: number, secret: string | null): void {
    const changes = this.db
      .prepare('UPDATE users SET totp_secret = ? WHERE id = ?')
      .run(secret, userId).changes;
    if (changes === 0) throw new ApiError('USER_NOT_FOUND', `No user of id ${userId}`);
  }

  /**
   * Checks a username and password. Returns the user, or undefined when either is wrong. For an
   * unknown name it still verifies against a dummy hash, so timing does not reveal which names exist.
   */
  async verify(username: string, password: string): Promise<User | undefined> {
    const row = this.db
      .prepare('SELECT id, username, role, password_hash FROM users WHERE username = ?')
      .get(username) as UserRow | undefined;
    if (!row) {
      this.dummyHash ??= hashPassword(generatePassword());
      await argon2.verify(await this.dummyHash, password).catch(() => false);
      return undefined;
    }
    const ok = await argon2.verify(row.password_hash, password).catch(() => false);
    return ok ? { id: row.id, username: row.username, role: row.role } : undefined;
  }
}

/** The name of the admin created at first start. */
export const INITIAL_ADMIN = 'admin';

/**
 * First start: when the database has no user at all, creates {@link INITIAL_ADMIN} with
 * `configuredPassword` (XENDECK_ADMIN_PASSWORD) or a generated one. Returns `{ created,
 * generatedPassword? }`; the caller (`users/bootstrap.ts`) keeps a generated password in a
 * root-only file (only its hash is in the database). Once any user exists it creates nothing,
 * even when `admin` was deleted or renamed: a deleted admin does not come back at a restart.
 */
export async function ensureAdmin(
  users: Users,
  configuredPassword: string | undefined,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if (users.count() > 0) return { created: false };
  const generated = configuredPassword === undefined ? generatePassword() : undefined;
  await users.create(INITIAL_ADMIN, configuredPassword ?? (generated as string), 'admin');
  return generated ? { created: true, generatedPassword: generated } : { created: true };
}
