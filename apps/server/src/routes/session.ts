/**
 * `/api/v1/session`: log in (the only public route), log out (which also closes the session's
 * websockets, `ws/connections.ts`), who am I.
 */
import { loginRequestSchema, type SessionInfo } from '@xendeck/api';
import type { Request, Response } from 'express';
import { auditNote } from '../audit.js';
import { currentSession, currentUser, remoteAddress, sessionToken } from '../auth/access.js';
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import type { RouteDef } from './types.js';

/** Whether the session cookie gets `Secure` for this request (XENDECK_COOKIE_SECURE). */
function cookieSecure(ctx: AppContext, req: Request): boolean {
  if (ctx.config.cookieSecure !== 'auto') return ctx.config.cookieSecure === 'true';
  if (req.protocol === 'https') return true;
  const fwd = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

export function sessionRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/session',
      access: 'public',
      summary: 'Log in with {username, password}; 204 and the xendeck_session cookie',
      handler: async (req: Request, res: Response) => {
        const { username, password, totp } = parseBody(loginRequestSchema, req.body);
        const ip = remoteAddress(req);
        const waitMs = ctx.throttle.retryAfterMs(username, ip);
        if (waitMs > 0) {
          const retryAfterSeconds = Math.ceil(waitMs / 1000);
          ctx.audit({
            user: username,
            remoteAddr: ip,
            action: 'session.login',
            result: 'TOO_MANY_REQUESTS',
          });
          throw new ApiError(
            'TOO_MANY_REQUESTS',
            `Too many failed logins for "${username}" from this address; try again in ${retryAfterSeconds} s`,
            { retryAfterSeconds },
          );
        }
        const user = await ctx.users.verify(username, password);
        if (!user) {
          ctx.throttle.fail(username, ip);
          ctx.audit({
            user: username,
            remoteAddr: ip,
            action: 'session.login',
            result: 'UNAUTHENTICATED',
          });
          throw new ApiError('UNAUTHENTICATED', 'Wrong username or password');
        }
        // Second factor (users/totp.ts): no code → 401 TOTP_REQUIRED (the form asks for it);
        // a wrong or reused code counts as a failed login.
        const second = ctx.totp.atLogin(user.id, totp);
        if (second === 'missing') {
          throw new ApiError('TOTP_REQUIRED', 'Enter the 6-digit code of your authenticator app');
        }
        if (second === 'wrong') {
          ctx.throttle.fail(username, ip);
          throw new ApiError('UNAUTHENTICATED', 'Wrong or already used TOTP code');
        }
        ctx.throttle.succeed(username, ip);
        const token = ctx.sessions.create(user, ip);
        res.cookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: cookieSecure(ctx, req),
          path: '/',
          maxAge: SESSION_ABSOLUTE_MS,
        });
        ctx.audit({ user: user.username, remoteAddr: ip, action: 'session.login', result: 'ok' });
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/session',
      access: 'user',
      summary: 'Who is logged in: {username, role, grants (customers)}',
      handler: (_req, res) => {
        const user = currentUser(res);
        const body: SessionInfo = { username: user.username, role: user.role };
        if (user.role === 'customer') body.grants = ctx.grants.of(user.id);
        res.json(body);
      },
    },
    {
      method: 'delete',
      path: '/session',
      access: 'user',
      summary:
        "Log out: deletes the session, closes its websockets (1008 'logged out') and clears the cookie; 204",
      audit: { action: 'session.logout' },
      handler: (req, res) => {
        const { sessionHash } = currentSession(req, res);
        ctx.sessions.delete(sessionToken(req));
        const websockets = ctx.connections.closeSession(sessionHash, 'logged out');
        res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
        auditNote(res, { details: { websockets } });
        res.status(204).end();
      },
    },
  ];
}
