/**
 * `GET /api/v1/audit`: searching the audit log (`src/audit.ts`). Admins and operators see every
 * entry; a customer sees only the entries whose domain they hold a grant on (`Grants.visibleDomains`),
 * so they see their own actions and those of others (the hoster's) on their domains — without
 * the others' addresses — and nothing about other domains, logins or host settings.
 */
import { auditQuerySchema } from '@xendeck/api';
import type { AuditLog } from '../audit.js';
import { currentUser } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { zodToApiError } from '../errors.js';
import type { RouteDef } from './types.js';

/** The query string without empty parameters (`?user=&domain=web1` filters by domain only). */
function nonEmpty(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}

export function auditRoutes(ctx: AppContext, log: AuditLog): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/audit',
      access: 'user',
      summary:
        "Audit log, newest first: ?user=&domain=&action=(prefix)&q=&result=ok|failed&since=&until=(ms)&before=(id)&limit=(≤500); {entries, nextBefore}; a customer sees their domains' entries only",
      handler: (req, res) => {
        const r = auditQuerySchema.safeParse(nonEmpty(req.query as Record<string, unknown>));
        if (!r.success) throw zodToApiError(r.error, 'query');
        const user = currentUser(res);
        const visible = ctx.grants.visibleDomains(user);
        const page = log.query({ ...r.data, visible });
        if (visible !== 'all') {
          // A customer does not learn from where the hoster's staff work.
          for (const e of page.entries) if (e.user !== user.username) e.remoteAddr = null;
        }
        res.json(page);
      },
    },
  ];
}
