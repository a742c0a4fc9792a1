/**
 * `/api/v1/session`: log in (the only public route), log out (which also closes the session's
 * websockets, `ws/connections.ts`), who am I.
 */
import { loginRequestSchema, type SessionInfo } from '@xendeck/api';
import type { Request, Response } from 'express';
import { auditNote } from '../audit.js';
import {
  currentSession,
  currentUser,
  remoteAddress,
  sessionCookie,
  sessionToken,
} from '../auth/access.js';
import { SESSION_ABSOLUTE_MS } from '../auth/sessions.js';
import { HashGateFull, hashGateBusy } from '../auth/throttle.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import type { RouteDef } from './types.js';

export function sessionRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/session',
      access: 'public',
      summary:
        'Log in with {username, password}; 204 and the session cookie (__Host-xendeck_session over HTTPS, xendeck_session over plain HTTP); 429/503 + Retry-After when throttled',
      handler: async (req: Request, res: Response) => {
        const { username, password, totp } = parseBody(loginRequestSchema, req.body);
        const ip = remoteAddress(req);
        // Admitted and reserved before any hashing (auth/throttle.ts), then hashed under the
        // bound on concurrent hashes; the attempt is settled exactly once below.
        const admission = ctx.throttle.begin(username, ip);
        if (!admission.ok) {
          const retryAfterSeconds = Math.ceil(admission.retryAfterMs / 1000);
          ctx.audit({
            user: username,
            remoteAddr: ip,
            action: 'session.login',
            result: 'TOO_MANY_REQUESTS',
          });
          throw new ApiError(
            'TOO_MANY_REQUESTS',
            `Too many failed logins (${admission.scope === 'global' ? 'on this server' : admission.scope === 'account' ? `for "${username}"` : `for "${username}" from this address`}); try again in ${retryAfterSeconds} s`,
            { retryAfterSeconds, scope: admission.scope },
          );
        }
        const { attempt } = admission;
        let user: Awaited<ReturnType<typeof ctx.users.verify>>;
        try {
          user = await ctx.throttle.hashes.run(() => ctx.users.verify(username, password));
        } catch (err) {
          attempt.abandoned();
          if (!(err instanceof HashGateFull)) throw err;
          throw hashGateBusy(err, 'logins');
        }
        if (!user) {
          attempt.failed();
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
          attempt.abandoned();
          throw new ApiError('TOTP_REQUIRED', 'Enter the 6-digit code of your authenticator app');
        }
        if (second === 'wrong') {
          attempt.failed();
          throw new ApiError('UNAUTHENTICATED', 'Wrong or already used TOTP code');
        }
        attempt.succeeded();
        const token = ctx.sessions.create(user, ip);
        const cookie = sessionCookie(req);
        res.cookie(cookie.name, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: cookie.secure,
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
      summary: 'Who is logged in: {username, role, grants (customers), totpEnabled, backend}',
      handler: (_req, res) => {
        const user = currentUser(res);
        const body: SessionInfo = {
          username: user.username,
          role: user.role,
          totpEnabled: ctx.totp.enabled(user.id),
          backend: ctx.hypervisor.kind,
        };
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
        const cookie = sessionCookie(req);
        res.clearCookie(cookie.name, {
          httpOnly: true,
          sameSite: 'strict',
          secure: cookie.secure,
          path: '/',
        });
        auditNote(res, { details: { websockets } });
        res.status(204).end();
      },
    },
  ];
}
