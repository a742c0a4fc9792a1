/**
 * Changes to a user account and what each one ends, written once for the REST routes
 * (`users/routes.ts`, `users/session-routes.ts`) and the command line (`cli.ts`):
 *
 * - a new password (`setPassword`): every session of the user ends (but the caller's own, for a
 *   change they made themselves), their websockets close (1008 `password changed`), and the first
 *   admin's initial password file goes (`users/bootstrap.ts`);
 * - a new role (`setRole`): every session ends (1008 `role changed`; the user logs in again with
 *   the new rights) and a user who stops being a customer loses their grants;
 * - removal (`removeUser`): sessions, grants and tokens go with the row; websockets close
 *   (1008 `user removed`);
 * - TOTP turned off by an admin or the command line (`turnOffTotp`, a lost device — maybe a
 *   stolen one): every session ends (1008 `TOTP turned off`).
 *
 * The rule "there is always an admin" is `Users` (`auth/users.ts`, LAST_ADMIN). API tokens are
 * not ended by a password or role change: they act with the user's current role and grants, and
 * are revoked on their own (`auth/tokens.ts`).
 */
import type { Role } from '@xendeck/api';
import type { Grants } from '../auth/grants.js';
import type { Sessions } from '../auth/sessions.js';
import type { User, Users } from '../auth/users.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db.js';
import { ApiError } from '../errors.js';
import type { WsConnections } from '../ws/connections.js';
import { discardInitialPassword } from './bootstrap.js';
import type { Totp } from './totp.js';

/** What account changes touch. */
export interface AccountDeps {
  db: Db;
  users: Users;
  sessions: Sessions;
  /** Holds the initial password file (`users/bootstrap.ts`). */
  stateDir: string;
  /**
   * The server's open websockets, closed at once. Absent on the command line: the server's
   * periodic check (`ws/connections.ts`, every 30 s) closes the sockets of sessions that ended.
   */
  connections?: Pick<WsConnections, 'closeSession'>;
}

/** The {@link AccountDeps} of the running server (with its grants, for {@link setRole}). */
export function accountDeps(ctx: AppContext): AccountDeps & { grants: Grants } {
  return {
    db: ctx.db,
    users: ctx.users,
    sessions: ctx.sessions,
    grants: ctx.grants,
    stateDir: ctx.config.stateDir,
    connections: ctx.connections,
  };
}

/** Closes the websockets of sessions that ended (by their token hashes). */
function closeSockets(deps: AccountDeps, hashes: readonly string[], reason: string): void {
  for (const h of hashes) deps.connections?.closeSession(h, reason);
}

/**
 * Ends every session of a user (but `keepSessionHash`) and closes their websockets with 1008
 * `reason`. Returns how many sessions ended.
 */
export function endSessions(
  deps: AccountDeps,
  userId: number,
  reason: string,
  keepSessionHash?: string,
): number {
  const hashes = deps.sessions.deleteForUser(userId, keepSessionHash);
  closeSockets(deps, hashes, reason);
  return hashes.length;
}

/**
 * Sets a user's password (argon2id, `password_changed_at` = now), ends their sessions but
 * `keepSessionHash` (the caller's own when they changed it themselves), and removes the initial
 * password file when this is the first admin. Returns how many sessions ended. Throws
 * USER_NOT_FOUND.
 */
export async function setPassword(
  deps: AccountDeps,
  user: User,
  password: string,
  keepSessionHash?: string,
): Promise<{ sessionsEnded: number }> {
  await deps.users.setPassword(user.id, password);
  discardInitialPassword(deps.stateDir, user.username);
  return { sessionsEnded: endSessions(deps, user.id, 'password changed', keepSessionHash) };
}

/**
 * Changes a user's role; unless the role stays the same, ends all their sessions (they log in
 * again with the new rights) and, when they are no longer a customer, removes their grants.
 * Returns how many sessions ended. Throws LAST_ADMIN (409), USER_NOT_FOUND.
 */
export function setRole(
  deps: AccountDeps & { grants: Grants },
  user: User,
  role: Role,
): { sessionsEnded: number } {
  if (role === user.role) return { sessionsEnded: 0 };
  deps.db.transaction(() => {
    deps.users.setRole(user.id, role);
    if (role !== 'customer') deps.grants.replace(user.id, []);
  })();
  return { sessionsEnded: endSessions(deps, user.id, 'role changed') };
}

/**
 * Removes a user with their sessions, grants and API tokens, closes their websockets, and
 * removes the initial password file when this is the first admin. Returns how many sessions
 * ended. Throws LAST_ADMIN (409, nothing removed), USER_NOT_FOUND.
 */
export function removeUser(deps: AccountDeps, user: User): { sessionsEnded: number } {
  const hashes = deps.db.transaction(() => {
    const ended = deps.sessions.deleteForUser(user.id);
    deps.users.delete(user.id);
    return ended;
  })();
  closeSockets(deps, hashes, 'user removed');
  discardInitialPassword(deps.stateDir, user.username);
  return { sessionsEnded: hashes.length };
}

/**
 * Turns a user's TOTP off for them (an admin, or `xendeck user disable-totp`) and ends their
 * sessions. Throws TOTP_NOT_ENABLED (409) when it is off, USER_NOT_FOUND.
 */
export function turnOffTotp(
  deps: AccountDeps & { totp: Totp },
  user: User,
): { sessionsEnded: number } {
  if (!deps.totp.enabled(user.id)) {
    throw new ApiError('TOTP_NOT_ENABLED', `"${user.username}" has no TOTP`);
  }
  deps.totp.disable(user.id);
  return { sessionsEnded: endSessions(deps, user.id, 'TOTP turned off') };
}
