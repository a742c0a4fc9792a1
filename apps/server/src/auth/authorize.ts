/**
 * Authorization: applies a route's declared {@link RouteAccess} to the caller. The one place that
 * decides, for REST routes (`app.ts` calls {@link authorizeRequest} before the body is parsed) and
 * websockets (`ws/router.ts` calls {@link checkAccess} before the upgrade, and
 * `ws/connections.ts` re-checks open sockets with it). Who the caller is comes from
 * `authenticate()` (`auth/access.ts`: session cookie or API token); what a role and a grant allow
 * is `mayOnDomain` (@xendeck/api `access.ts`); the grants are `auth/grants.ts`.
 *
 * Also here: what lists a customer may see ({@link domainFilter}) and the 404 a customer gets for
 * a domain they hold no grant on, which is word for word the answer for a domain that does not
 * exist ({@link domainNotFound}), so a customer cannot tell the two apart.
 */
import type { IncomingMessage } from 'node:http';
import { mayOnDomain, type Permission, type Role } from '@xendeck/api';
import { ApiError } from '../errors.js';
import type { RouteAccess } from '../routes/types.js';
import { authenticate } from './access.js';
import { DOM0_NAME, type Grants } from './grants.js';
import type { Sessions } from './sessions.js';
import type { ApiTokens } from './tokens.js';
import type { User } from './users.js';

/** The roles each named level admits (`public` admits anyone, logged in or not). */
const LEVEL_ROLES: Record<'user' | 'operator' | 'admin', readonly Role[]> = {
  user: ['admin', 'operator', 'customer'],
  operator: ['admin', 'operator'],
  admin: ['admin'],
};

/** What an operator may use on dom0 through a `{ domain }` route: seeing it and its metrics. */
const OPERATOR_DOM0_PERMISSIONS: readonly Permission[] = ['view', 'metrics'];

/**
 * The 404 for a domain that does not exist — and for one a customer holds no grant on, so the two
 * answers are the same: `DOMAIN_NOT_FOUND`, `No domain named "<name>"`, details `{name}`.
 */
export function domainNotFound(name: string): ApiError {
  return new ApiError('DOMAIN_NOT_FOUND', `No domain named "${name}"`, { name });
}

/** The path parameter naming the domain of a `{ domain }` access (default `name`). */
export function domainParamOf(access: RouteAccess): string | undefined {
  return typeof access === 'object' ? (access.param ?? 'name') : undefined;
}

/**
 * Whether `user` may use a route of `access` with these path parameters; throws what the caller
 * must answer otherwise:
 * - UNAUTHENTICATED (401) without a user (unless `public`);
 * - FORBIDDEN (403) for a role below the level, a customer whose grant on the domain lacks
 *   the permission, or an operator using anything but `view`/`metrics` on dom0 (`Domain-0`: its
 *   console is a login on the host);
 * - DOMAIN_NOT_FOUND (404, {@link domainNotFound}) for a customer without any grant on the domain
 *   named by `params[access.param ?? 'name']` (or without that parameter at all).
 * Returns the user (undefined only for a public route called anonymously). Reads the `grants`
 * table for customers on `{ domain }` routes; nothing else.
 */
export function checkAccess(
  grants: Grants,
  user: User | undefined,
  access: RouteAccess,
  params: Record<string, string | undefined>,
): User | undefined {
  if (access === 'public') return user;
  if (!user) throw new ApiError('UNAUTHENTICATED', 'Log in first: no valid session or token');
  if (typeof access === 'string') {
    const roles = LEVEL_ROLES[access];
    if (!roles.includes(user.role)) {
      throw new ApiError(
        'FORBIDDEN',
        `This needs the ${access === 'admin' ? 'admin' : 'operator or admin'} role; you are ${user.role}`,
      );
    }
    return user;
  }
  const name = params[domainParamOf(access) ?? 'name'] ?? '';
  if (user.role === 'admin') return user;
  if (user.role === 'operator') {
    // dom0 is the host: its console (a login on dom0) and lifecycle are admins' alone.
    if (name === DOM0_NAME && !OPERATOR_DOM0_PERMISSIONS.includes(access.domain)) {
      throw new ApiError(
        'FORBIDDEN',
        `"${access.domain}" on ${DOM0_NAME} (the host) needs the admin role; you are operator`,
        { name, needed: access.domain },
      );
    }
    return user;
  }
  const granted = grants.permissionsOn(user.id, name);
  if (!granted) throw domainNotFound(name);
  if (!mayOnDomain(user.role, granted, access.domain)) {
    throw new ApiError(
      'FORBIDDEN',
      `This needs the "${access.domain}" permission on domain "${name}"; you hold ${granted.join(', ')}`,
      { name, needed: access.domain },
    );
  }
  return user;
}

/**
 * {@link checkAccess} for a REST request: the user from `authenticate()` (cookie or API token),
 * the parameters from Express's `req.params`. Returns the user (undefined for a public route).
 */
export function authorizeRequest(
  deps: { sessions: Sessions; grants: Grants; tokens?: ApiTokens },
  req: IncomingMessage & { params?: Record<string, unknown> },
  access: RouteAccess,
): User | undefined {
  const user = access === 'public' ? undefined : authenticate(req, deps.sessions, deps.tokens);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.params ?? {})) {
    if (typeof v === 'string') params[k] = v;
  }
  return checkAccess(deps.grants, user, access, params);
}

/**
 * Which domains of a list `user` may see entries of: a predicate on domain names. Admins and
 * operators see every domain; a customer those they hold `permission` on (default `view`, which
 * every grant includes). Reads the grants once, when called: call it per answer or message, so a
 * changed grant counts from the next one.
 */
export function domainFilter(
  grants: Grants,
  user: User,
  permission: Permission = 'view',
): (name: string) => boolean {
  const domains = grants.domainsWith(user, permission);
  return domains === 'all' ? () => true : (name) => domains.has(name);
}
