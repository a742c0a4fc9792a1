/**
 * Who is calling, and whether they may: the one place authentication and authorization happen
 * for REST routes and websocket upgrades alike. Per-domain rights for customers will grow here.
 */
import type { IncomingMessage } from 'node:http';
import { parseCookie } from 'cookie';
import type { Response } from 'express';
import { ApiError } from '../errors.js';
import { clientInfo } from '../http/edge.js';
import { hashToken, SESSION_COOKIE, type Sessions } from './sessions.js';
import { type ApiTokens, bearerApiToken } from './tokens.js';
import type { Role, User } from './users.js';

/** The session token in a request's `Cookie` header, if any. */
export function sessionToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  try {
    return parseCookie(header)[sessionCookie(req).name];
  } catch {
    return undefined;
  }
}

/**
 * The logged-in user of a request, or undefined: the session cookie's user (valid, unexpired
 * session) first, else, when `tokens` is given, the user of an `Authorization: Bearer xdk_…` API
 * token (`auth/tokens.ts`; valid, unexpired, not revoked), with `tokenId` set.
 */
export function authenticate(
  req: IncomingMessage,
  sessions: Sessions,
  tokens?: ApiTokens,
): User | undefined {
  return sessions.lookup(sessionToken(req)) ?? tokens?.lookup(bearerApiToken(req));
}

/** A request's session: its user and the SHA-256 of its token (the `sessions` table key). */
export interface AuthenticatedSession {
  user: User;
  /** {@link hashToken} of the cookie's token: names the session without keeping the token. */
  sessionHash: string;
}

/**
 * Like {@link authenticate}, and also says which session: websockets and console tickets are
 * tied to it (closed at logout, refused once it ended). Undefined without a valid session.
 */
export function authenticateSession(
  req: IncomingMessage,
  sessions: Sessions,
): AuthenticatedSession | undefined {
  const token = sessionToken(req);
  const user = sessions.lookup(token);
  if (!user || token === undefined) return undefined;
  return { user, sessionHash: hashToken(token) };
}

/**
 * Authorization: returns the user when they hold one of `roles`.
 * Throws ApiError UNAUTHENTICATED (401) without a user, FORBIDDEN (403) for another role.
 */
export function requireRole(user: User | undefined, roles: readonly Role[]): User {
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Log in first: no valid session cookie');
  if (!roles.includes(user.role)) {
    throw new ApiError(
      'FORBIDDEN',
      `This needs the ${roles.join(' or ')} role; you are ${user.role}`,
    );
  }
  return user;
}

/** The user a route's access check stored on `res.locals`. Throws when the route is public. */
export function currentUser(res: Response): User {
  const user = res.locals.user as User | undefined;
  if (!user) throw new Error('currentUser() called on a route without authentication');
  return user;
}

/**
 * The session of a request whose route's access check passed (`res.locals.user`), with its token
 * hash: what a console ticket is bound to. Throws when the route is public, and ApiError
 * SESSION_REQUIRED (403) when the request came with an API token: routes that call it (console
 * tickets, logout, the user's own password, TOTP and tokens) need a browser session.
 */
export function currentSession(req: IncomingMessage, res: Response): AuthenticatedSession {
  const user = currentUser(res);
  if (user.tokenId !== undefined) {
    throw new ApiError('SESSION_REQUIRED', 'This needs a logged-in session, not an API token');
  }
  const token = sessionToken(req);
  if (token === undefined) throw new Error('currentSession() called without a session cookie');
  return { user, sessionHash: hashToken(token) };
}

/**
 * The client's address: what the edge (`http/edge.ts`) found, i.e. the peer's address, or the
 * one `X-Forwarded-For` names when the peer is a trusted proxy (`XENDECK_TRUSTED_PROXIES`);
 * IPv4-mapped IPv6 addresses as plain IPv4. The one place the throttle, sessions, audit and
 * logs take it from.
 */
export function remoteAddress(req: IncomingMessage): string | undefined {
  return clientInfo(req)?.address ?? req.socket.remoteAddress;
}

/** Name of the session cookie over HTTPS: `__Host-` binds it to this host, `Path=/`, `Secure`. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/**
 * The session cookie of this request: `{ name: '__Host-xendeck_session', secure: true }` when
 * the edge judged the cookie `Secure` (HTTPS here or at a trusted proxy, or
 * `XENDECK_COOKIE_SECURE=true`), else `{ name: 'xendeck_session', secure: false }` (plain HTTP:
 * a browser drops a `__Host-` cookie without `Secure`). Read and written under the same name.
 */
export function sessionCookie(req: IncomingMessage): { name: string; secure: boolean } {
  return clientInfo(req)?.secureCookie
    ? { name: SECURE_SESSION_COOKIE, secure: true }
    : { name: SESSION_COOKIE, secure: false };
}
