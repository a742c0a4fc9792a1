/**
 * The first admin: created at first start, its generated password kept in a root-only file
 * rather than in the journal, and what a later `XENDECK_ADMIN_PASSWORD` does. This module owns
 * `<stateDir>/initial-admin-password` and the answer to "is this still the first run?".
 *
 * - First start (no user in the database): the user `admin` is created with
 *   `XENDECK_ADMIN_PASSWORD`, or else with a generated password written to
 *   `<stateDir>/initial-admin-password` (mode 0600, in the 0700 state directory). The password is
 *   printed only when stdout is a terminal (someone is watching, not the journal); the log line
 *   says where the file is.
 * - The file is removed when `admin`'s password is set again (by themselves, by another admin or
 *   `xendeck user reset-password admin`) or `admin` is deleted (`users/accounts.ts`). While it
 *   exists the login page shows its first-run note (`GET /server-info` → {@link isFirstRun}).
 * - Later starts: `XENDECK_ADMIN_PASSWORD` is never applied to an existing database (a value
 *   left in a unit file would otherwise undo every password change at each restart). When it
 *   no longer matches `admin`'s password, a warning says so and names the command that resets a
 *   password (`pnpm xendeck user reset-password NAME`).
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ensureAdmin, INITIAL_ADMIN, type Users } from '../auth/users.js';

/** Name of the file holding the generated first admin password, in the state directory. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** The command a hoster types on dom0 to reset a password (printed in warnings and the CLI's help). */
export const RESET_COMMAND = 'pnpm xendeck user reset-password';

/** Path of the initial password file: `<stateDir>/initial-admin-password`. */
export function initialPasswordPath(stateDir: string): string {
  return join(stateDir, INITIAL_PASSWORD_FILE);
}

/**
 * Whether this is still the first run: the generated admin password was not changed yet (its
 * file exists). What `GET /api/v1/server-info` answers as `firstRun`.
 */
export function isFirstRun(stateDir: string): boolean {
  return existsSync(initialPasswordPath(stateDir));
}

/**
 * Writes the password, followed by a newline, to `<stateDir>/initial-admin-password` with mode
 * 0600: into a temporary file created exclusively (never through an existing file or link),
 * synced, then renamed over the name. Returns the path. Throws the fs error.
 */
export function writeInitialPassword(stateDir: string, password: string): string {
  const path = initialPasswordPath(stateDir);
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${password}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return path;
}

/**
 * Removes the initial password file when `username` is the first admin (their password was set
 * again or they were deleted). Returns whether a file was removed. Never throws (logs nothing:
 * the caller's action succeeded either way).
 */
export function discardInitialPassword(stateDir: string, username: string): boolean {
  if (username !== INITIAL_ADMIN) return false;
  const path = initialPasswordPath(stateDir);
  if (!existsSync(path)) return false;
  try {
    rmSync(path, { force: true });
    return true;
  } catch {
    return false;
  }
}

/** What {@link bootstrapAdmin} did. */
export type BootstrapOutcome =
  /** First start, `admin` created with XENDECK_ADMIN_PASSWORD. */
  | { kind: 'created-configured' }
  /** First start, `admin` created with a generated password, kept in `file`. */
  | { kind: 'created-generated'; password: string; file: string }
  /** Users exist; XENDECK_ADMIN_PASSWORD unset. */
  | { kind: 'existing' }
  /** Users exist; XENDECK_ADMIN_PASSWORD is `admin`'s password (nothing to do). */
  | { kind: 'existing-env-matches' }
  /** Users exist; XENDECK_ADMIN_PASSWORD is not `admin`'s password (or there is no `admin`): not applied. */
  | { kind: 'existing-env-ignored' };

/**
 * Creates the first admin on an empty database, or checks a later XENDECK_ADMIN_PASSWORD (see
 * the module header), and logs what happened: the generated password's file at warn, an
 * ignored XENDECK_ADMIN_PASSWORD at warn with the reset command. Printing the generated
 * password on a terminal is the caller's (main.ts). Throws fs errors writing the file.
 */
export async function bootstrapAdmin(opts: {
  users: Users;
  stateDir: string;
  configuredPassword: string | undefined;
  logger: Logger;
}): Promise<BootstrapOutcome> {
  const { users, stateDir, configuredPassword, logger } = opts;
  const created = await ensureAdmin(users, configuredPassword);
  if (created.generatedPassword !== undefined) {
    const file = writeInitialPassword(stateDir, created.generatedPassword);
    logger.warn(
      { file },
      `created the user "${INITIAL_ADMIN}" with a generated password, kept in ${file} (root only); it is removed when that password is changed`,
    );
    return { kind: 'created-generated', password: created.generatedPassword, file };
  }
  if (created.created) {
    logger.info(`created the user "${INITIAL_ADMIN}" with XENDECK_ADMIN_PASSWORD`);
    return { kind: 'created-configured' };
  }
  if (configuredPassword === undefined) return { kind: 'existing' };
  if (await users.verify(INITIAL_ADMIN, configuredPassword)) {
    logger.info(
      'XENDECK_ADMIN_PASSWORD is set and is still the password of "admin"; it is read only at first start and can be removed from the environment',
    );
    return { kind: 'existing-env-matches' };
  }
  logger.warn(
    `XENDECK_ADMIN_PASSWORD is set but NOT APPLIED: it is used only when the database has no user, and it is not the current password of "${INITIAL_ADMIN}". To reset a password run on this host: ${RESET_COMMAND} NAME (see README, "Users and customers"). Remove XENDECK_ADMIN_PASSWORD from the environment to silence this warning.`,
  );
  return { kind: 'existing-env-ignored' };
}
