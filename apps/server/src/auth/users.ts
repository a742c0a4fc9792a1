/**
 * Local users: argon2id password hashes in the `users` table.
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Role } from '@xendeck/api';
import type { Db } from '../db.js';

/** What a user may do: `admin`, `operator` or `customer` (defined in @xendeck/api access.ts). */
export type { Role } from '@xendeck/api';

/** A user as the server sees it (never the hash). */
export interface User {
  id: number;
  username: string;
  role: Role;
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

/** A password for first start: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
}

/** User store over the `users` table. */
export class Users {
  /** Hash checked for unknown usernames so a miss costs about as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly db: Db) {}

  /** Number of users. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
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

  /** Creates a user. Throws SQLite's UNIQUE constraint error when the name is taken. */
  async create(username: string, password: string, role: Role): Promise<User> {
    const hash = await hashPassword(password);
    const info = this.db
      .prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)')
      .run(username, hash, role, Date.now());
    return { id: Number(info.lastInsertRowid), username, role };
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

/**
 * First start: creates `admin` when no user of that name exists, with `configuredPassword` or a
 * generated one. Returns `{ created, generatedPassword? }`; the caller prints a generated password
 * once (it is stored only as a hash).
 */
export async function ensureAdmin(
  users: Users,
  configuredPassword: string | undefined,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if (users.byName('admin')) return { created: false };
  const generated = configuredPassword === undefined ? generatePassword() : undefined;
  await users.create('admin', configuredPassword ?? (generated as string), 'admin');
  return generated ? { created: true, generatedPassword: generated } : { created: true };
}
