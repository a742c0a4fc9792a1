/**
 * `/api/v1/users*` (admins only): list, create, change the role or password of, and remove
 * users; replace a customer's grants; list and revoke a user's API tokens; turn a user's TOTP off
 * (a lost device). Answers carry {@link UserInfo} (`userSchema` of @xendeck/api), never a hash,
 * a TOTP secret or a token. What each change ends (sessions, websockets, grants, the initial
 * password file) is `users/accounts.ts`; "there is always an admin" is `auth/users.ts`. Each
 * change is recorded by the audit mechanism from its route's `audit` declaration.
 *
 * API tokens of an admin may call these routes (a token acts as its user): a hoster's
 * provisioning script creates customers and grants with one.
 */
import {
  createUserRequestSchema,
  grantsRequestSchema,
  type UserInfo,
  updateUserRequestSchema,
  usernameSchema,
} from '@xendeck/api';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { auditNote } from '../audit.js';
import { currentSession, currentUser } from '../auth/access.js';
import type { User, UserRecord } from '../auth/users.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parsePathParam } from '../validate.js';
import { accountDeps, removeUser, setPassword, setRole, turnOffTotp } from './accounts.js';

/** A token id in a path (`/tokens/:id`): a positive integer. */
const tokenIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The `:id` of a token path, validated (422 INVALID_INPUT otherwise). */
export function parseTokenId(raw: unknown): number {
  return parsePathParam(tokenIdSchema, 'token id', 'id', raw);
}

/** The user named by `:username` (validated); 404 USER_NOT_FOUND when there is none. */
function userOf(ctx: AppContext, req: Request): User {
  const username = parsePathParam(usernameSchema, 'username', 'username', req.params.username);
  return ctx.users.require(username);
}

/** `user:<name>` for the audit row, from the path or the body (creation). */
const userTarget = (req: Request): string | undefined => {
  const name = req.params.username ?? (req.body as { username?: unknown } | undefined)?.username;
  return typeof name === 'string' ? `user:${name}` : undefined;
};

/**
 * A user as the API shows them (`userSchema`): role, times, TOTP flag and, for a customer, their
 * grants (`auth/grants.ts`). Throws USER_NOT_FOUND.
 */
export function userInfo(ctx: AppContext, username: string): UserInfo {
  const r = ctx.users.record(username);
  if (!r) throw new ApiError('USER_NOT_FOUND', `No user "${username}"`);
  return toUserInfo(ctx, r);
}

function toUserInfo(ctx: AppContext, r: UserRecord): UserInfo {
  return {
    username: r.username,
    role: r.role,
    createdAt: r.createdAt,
    passwordChangedAt: r.passwordChangedAt,
    totpEnabled: r.totpEnabled,
    grants: r.role === 'customer' ? ctx.grants.of(r.id) : [],
  };
}

/** The session hash to keep when a user changes their own password here (none with a token). */
function ownSessionHash(req: Request, res: Response, target: User): string | undefined {
  const me = currentUser(res);
  if (me.id !== target.id || me.tokenId !== undefined) return undefined;
  return currentSession(req, res).sessionHash;
}

export function userRoutes(ctx: AppContext): RouteDef[] {
  const deps = accountDeps(ctx);
  return [
    {
      method: 'get',
      path: '/users',
      access: 'admin',
      summary: 'Every user: [{username, role, createdAt, passwordChangedAt, totpEnabled, grants}]',
      handler: (_req, res) => {
        const body: UserInfo[] = ctx.users.list().map((r) => toUserInfo(ctx, r));
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/users',
      access: 'admin',
      audit: { action: 'user.create', target: userTarget },
      summary: 'Create a user {username, password, role}; 201 with the user; 409 USER_EXISTS',
      handler: async (req, res) => {
        const body = parseBody(createUserRequestSchema, req.body);
        await ctx.users.create(body.username, body.password, body.role);
        auditNote(res, { details: { role: body.role } });
        res.status(201).json(userInfo(ctx, body.username));
      },
    },
    {
      method: 'get',
      path: '/users/:username',
      access: 'admin',
      summary: 'One user; 404 USER_NOT_FOUND',
      handler: (req, res) => {
        res.json(userInfo(ctx, userOf(ctx, req).username));
      },
    },
    {
      method: 'put',
      path: '/users/:username',
      access: 'admin',
      audit: { action: 'user.update', target: userTarget },
      summary:
        "Change a user's role and/or password {role?, password?} (ends their sessions); 409 LAST_ADMIN",
      handler: async (req, res) => {
        const user = userOf(ctx, req);
        const body = parseBody(updateUserRequestSchema, req.body);
        const roleChanged = body.role !== undefined && body.role !== user.role;
        let sessionsEnded = 0;
        if (body.role !== undefined && roleChanged) {
          sessionsEnded += setRole(deps, user, body.role).sessionsEnded;
        }
        if (body.password !== undefined) {
          // An admin resetting their own password here keeps the session they did it from.
          const keep = roleChanged ? undefined : ownSessionHash(req, res, user);
          sessionsEnded += (await setPassword(deps, user, body.password, keep)).sessionsEnded;
        }
        auditNote(res, {
          details: {
            ...(body.role !== undefined ? { role: body.role, previousRole: user.role } : {}),
            passwordReset: body.password !== undefined,
            sessionsEnded,
          },
        });
        res.json(userInfo(ctx, user.username));
      },
    },
    {
      method: 'delete',
      path: '/users/:username',
      access: 'admin',
      audit: { action: 'user.delete', target: userTarget },
      summary:
        'Remove a user with their sessions, grants and tokens; 204; 409 CANNOT_DELETE_SELF, LAST_ADMIN',
      handler: (req, res) => {
        const user = userOf(ctx, req);
        if (user.id === currentUser(res).id) {
          throw new ApiError(
            'CANNOT_DELETE_SELF',
            'You cannot remove yourself: another admin can remove you',
          );
        }
        const { sessionsEnded } = removeUser(deps, user);
        auditNote(res, { details: { role: user.role, sessionsEnded } });
        res.status(204).end();
      },
    },
    {
      method: 'put',
      path: '/users/:username/grants',
      access: 'admin',
      audit: { action: 'user.grants', target: userTarget },
      summary:
        "Replace a customer's grants {grants: [{domain, permissions}]}; the user; 409 NOT_A_CUSTOMER",
      handler: (req, res) => {
        const user = userOf(ctx, req);
        const { grants } = parseBody(grantsRequestSchema, req.body);
        if (user.role !== 'customer') {
          throw new ApiError(
            'NOT_A_CUSTOMER',
            `"${user.username}" is ${user.role === 'admin' ? 'an admin' : 'an operator'}, who reaches every domain: grants are for customers`,
          );
        }
        ctx.grants.replace(user.id, grants);
        const info = userInfo(ctx, user.username);
        auditNote(res, { details: { grants: info.grants } });
        res.json(info);
      },
    },
    {
      method: 'delete',
      path: '/users/:username/totp',
      access: 'admin',
      audit: { action: 'user.totp.disable', target: userTarget },
      summary:
        "Turn a user's TOTP off (a lost device) and end their sessions; 204; 409 TOTP_NOT_ENABLED",
      handler: (req, res) => {
        const user = userOf(ctx, req);
        const { sessionsEnded } = turnOffTotp({ ...deps, totp: ctx.totp }, user);
        auditNote(res, { details: { sessionsEnded } });
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/users/:username/tokens',
      access: 'admin',
      summary: "A user's API tokens (never the tokens themselves)",
      handler: (req, res) => {
        res.json(ctx.tokens.list(userOf(ctx, req).id));
      },
    },
    {
      method: 'delete',
      path: '/users/:username/tokens/:id',
      access: 'admin',
      audit: { action: 'token.revoke', target: (req) => `token:${req.params.id}` },
      summary: "Revoke one of a user's API tokens; 204; 404 TOKEN_NOT_FOUND",
      handler: (req, res) => {
        const user = userOf(ctx, req);
        const id = parseTokenId(req.params.id);
        if (!ctx.tokens.revoke(user.id, id)) {
          throw new ApiError('TOKEN_NOT_FOUND', `"${user.username}" has no API token ${id}`);
        }
        auditNote(res, { details: { owner: user.username } });
        res.status(204).end();
      },
    },
  ];
}
