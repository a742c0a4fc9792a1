/**
 * Routes are data: each resource module returns a list of {@link RouteDef}, and `app.ts` mounts
 * them behind the access check each one declares. Tests iterate the same table.
 */

import type { Permission } from '@xendeck/api';
import type { Request, Response } from 'express';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface RouteDef {
  method: HttpMethod;
  /** Path under `/api/v1`, Express syntax (`/domains/:name`). */
  path: string;
  /**
   * Who may call it, checked before the body is parsed and the handler runs (401 without a
   * session or token), by `auth/authorize.ts`. See {@link RouteAccess}.
   */
  access: RouteAccess;
  /**
   * Declares the route a change to record in the audit log (`src/audit.ts`): the mechanism
   * writes one row when the answer is sent, with the user, address, result (`ok` or the error
   * code) and what the handler added with `auditNote(res, …)`. Omitted for reads; `false` for a
   * POST that changes nothing (a preview), so that every post/put/delete route says (a test checks).
   */
  audit?: RouteAudit | false;
  /** One line for logs and docs. */
  summary: string;
  /** Largest JSON body accepted, bytes (default 64 KiB). */
  bodyLimitBytes?: number;
  handler: (req: Request, res: Response) => Promise<void> | void;
}

/**
 * Who may call a route:
 * - `public`: anyone (logging in only);
 * - `user`: any logged-in user (their own session, password, tokens);
 * - `operator`: admins and operators (every domain, no host settings, users or config text);
 * - `admin`: admins only (host settings, users, storage, config files, anything that can make
 *   dom0 run a program or expose a dom0 file or disk to a guest);
 * - `{ domain: permission }`: acts on one domain named by `req.params[param ?? 'name']`: admins
 *   and operators pass; a customer passes with a grant holding that permission on that domain,
 *   gets 404 DOMAIN_NOT_FOUND (the same answer as a domain that does not exist) without any
 *   grant on it, and 403 FORBIDDEN with a grant that lacks the permission.
 */
export type RouteAccess =
  | 'public'
  | 'user'
  | 'operator'
  | 'admin'
  | { domain: Permission; param?: string };

/**
 * A route's audit declaration: `action` (`domain.destroy`, `user.create`, …) and how to name
 * its target from the request (`domain:web1`, `user:alice`; default `domain:<domain>` when the
 * route concerns a domain); `domainParam` names the path parameter holding the domain the change
 * concerns (so a customer sees it in their log; default: the parameter of a `{ domain }` access).
 * The handler adds the command and details with `auditNote(res, …)` (`src/audit.ts`).
 */
export interface RouteAudit {
  action: string;
  target?: (req: Request) => string | undefined;
  domainParam?: string;
}
