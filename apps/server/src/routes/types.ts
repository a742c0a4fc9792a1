/**
 * Routes are data: each resource module returns a list of {@link RouteDef}, and `app.ts` mounts
 * them behind the access check each one declares. Tests iterate the same table.
 */
import type { Request, Response } from 'express';
import type { Role } from '../auth/users.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface RouteDef {
  method: HttpMethod;
  /** Path under `/api/v1`, Express syntax (`/domains/:name`). */
  path: string;
  /**
   * `public` (only logging in), or the roles allowed. Checked before the handler runs: 401
   * without a session, 403 for another role.
   */
  access: 'public' | readonly Role[];
  /** One line for logs and docs. */
  summary: string;
  /** Largest JSON body accepted, bytes (default 64 KiB). */
  bodyLimitBytes?: number;
  handler: (req: Request, res: Response) => Promise<void> | void;
}

/** Roles allowed on admin routes. */
export const ADMIN: readonly Role[] = ['admin'];

/** Any logged-in user (for the session itself). */
export const ANY_ROLE: readonly Role[] = ['admin', 'customer'];
