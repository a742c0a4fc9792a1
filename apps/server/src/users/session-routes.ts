/**
 * `/api/v1/session/*` for every logged-in user, about themselves: change the password, enrol or
 * turn off TOTP, and create, list and revoke API tokens. A wrong current password or code counts
 * as a failed login (the login throttle). Each needs a browser session: with an
 * API token they answer 403 SESSION_REQUIRED (`currentSession()`), so a leaked token cannot
 * change the password, turn off the second factor or mint itself a successor.
 */
import {
  createApiTokenRequestSchema,
  passwordChangeRequestSchema,
  totpConfirmRequestSchema,
  totpDisableRequestSchema,
} from '@xendeck/api';
import type { Request } from 'express';
import { auditNote } from '../audit.js';
import { currentSession, remoteAddress } from '../auth/access.js';
import { HashGateFull } from '../auth/throttle.js';
import type { User } from '../auth/users.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody } from '../validate.js';
import { accountDeps, setPassword } from './accounts.js';
import { parseTokenId } from './routes.js';

/**
 * Proof that the person holding a session is its user, for changes that weaken the account
 * (new password, TOTP off): `check` (a password or TOTP code check) must pass. A wrong answer
 * counts as a failed login in the login throttle (`auth/throttle.ts`, per username and address),
 * so a stolen session cannot be used to guess the password at leisure; while the throttle holds,
 * 429 TOO_MANY_REQUESTS without checking. Throws `wrong` (403) when the check fails.
 */
async function proveItIsThem(
  ctx: AppContext,
  req: Request,
  user: User,
  check: () => boolean | Promise<boolean>,
  wrong: ApiError,
): Promise<void> {
  const ip = remoteAddress(req);
  const waitMs = ctx.throttle.retryAfterMs(user.username, ip);
  if (waitMs > 0) {
    const retryAfterSeconds = Math.ceil(waitMs / 1000);
    throw new ApiError(
      'TOO_MANY_REQUESTS',
      `Too many wrong answers for "${user.username}" from this address; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
  let ok: boolean;
  try {
    // Under the same bound on concurrent password hashes as logins (auth/throttle.ts).
    ok = await ctx.throttle.hashes.run(async () => await check());
  } catch (err) {
    if (!(err instanceof HashGateFull)) throw err;
    const retryAfterSeconds = Math.ceil(err.retryAfterMs / 1000);
    throw new ApiError(
      'TOO_MANY_REQUESTS',
      `The server is checking too many passwords at once; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds, scope: 'busy' },
      503,
    );
  }
  if (!ok) {
    ctx.throttle.fail(user.username, ip);
    throw wrong;
  }
}

export function accountRoutes(ctx: AppContext): RouteDef[] {
  const deps = accountDeps(ctx);
  return [
    {
      method: 'put',
      path: '/session/password',
      access: 'user',
      audit: { action: 'user.password' },
      summary:
        'Change your password {currentPassword, newPassword}; 204; ends your other sessions; 403 WRONG_PASSWORD',
      handler: async (req, res) => {
        const { user, sessionHash } = currentSession(req, res);
        const body = parseBody(passwordChangeRequestSchema, req.body);
        auditNote(res, { target: `user:${user.username}` });
        await proveItIsThem(
          ctx,
          req,
          user,
          async () => (await ctx.users.verify(user.username, body.currentPassword)) !== undefined,
          new ApiError('WRONG_PASSWORD', 'The current password is wrong'),
        );
        const { sessionsEnded } = await setPassword(deps, user, body.newPassword, sessionHash);
        auditNote(res, { details: { sessionsEnded } });
        res.status(204).end();
      },
    },
    {
      method: 'post',
      path: '/session/totp',
      access: 'user',
      // Changes nothing stored (the pending secret lives in memory); the confirmation is audited.
      audit: false,
      summary:
        'Start TOTP enrolment: {secret, uri} (pending 10 min until confirmed); 409 TOTP_ALREADY_ENABLED',
      handler: (req, res) => {
        const { user } = currentSession(req, res);
        res.json(ctx.totp.start(user));
      },
    },
    {
      method: 'put',
      path: '/session/totp',
      access: 'user',
      audit: { action: 'user.totp.enable' },
      summary:
        'Confirm TOTP enrolment {code}: TOTP on; 204; 403 TOTP_INVALID, 409 TOTP_NO_ENROLMENT',
      handler: (req, res) => {
        const { user } = currentSession(req, res);
        const { code } = parseBody(totpConfirmRequestSchema, req.body);
        auditNote(res, { target: `user:${user.username}` });
        ctx.totp.confirm(user, code);
        res.status(204).end();
      },
    },
    {
      method: 'delete',
      path: '/session/totp',
      access: 'user',
      audit: { action: 'user.totp.disable' },
      summary:
        'Turn your TOTP off {code} or {password}; 204; 403 TOTP_INVALID / WRONG_PASSWORD, 409 TOTP_NOT_ENABLED',
      handler: async (req, res) => {
        const { user } = currentSession(req, res);
        const body = parseBody(totpDisableRequestSchema, req.body);
        auditNote(res, { target: `user:${user.username}` });
        if (!ctx.totp.enabled(user.id)) {
          throw new ApiError('TOTP_NOT_ENABLED', 'TOTP is not on for this user');
        }
        const { code, password } = body;
        if (code !== undefined) {
          await proveItIsThem(
            ctx,
            req,
            user,
            () => ctx.totp.verify(user.id, code),
            new ApiError('TOTP_INVALID', 'Wrong or already used code'),
          );
        } else {
          await proveItIsThem(
            ctx,
            req,
            user,
            async () => (await ctx.users.verify(user.username, password ?? '')) !== undefined,
            new ApiError('WRONG_PASSWORD', 'The password is wrong'),
          );
        }
        ctx.totp.disable(user.id);
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/session/tokens',
      access: 'user',
      summary: 'Your API tokens: [{id, name, createdAt, lastUsedAt, expiresAt}] (never the token)',
      handler: (req, res) => {
        const { user } = currentSession(req, res);
        res.json(ctx.tokens.list(user.id));
      },
    },
    {
      method: 'post',
      path: '/session/tokens',
      access: 'user',
      audit: { action: 'token.create' },
      summary:
        'Create an API token {name, expiresInDays?}; 201 with the token (xdk_…), shown this once',
      handler: (req, res) => {
        const { user } = currentSession(req, res);
        const body = parseBody(createApiTokenRequestSchema, req.body);
        const created = ctx.tokens.create(user.id, body.name, body.expiresInDays);
        auditNote(res, {
          target: `token:${created.id}`,
          details: { name: created.name, expiresAt: created.expiresAt },
        });
        res.status(201).json(created);
      },
    },
    {
      method: 'delete',
      path: '/session/tokens/:id',
      access: 'user',
      audit: { action: 'token.revoke', target: (req) => `token:${req.params.id}` },
      summary: 'Revoke one of your API tokens; 204; 404 TOKEN_NOT_FOUND',
      handler: (req, res) => {
        const { user } = currentSession(req, res);
        const id = parseTokenId(req.params.id);
        if (!ctx.tokens.revoke(user.id, id)) {
          throw new ApiError('TOKEN_NOT_FOUND', `You have no API token ${id}`);
        }
        res.status(204).end();
      },
    },
  ];
}
