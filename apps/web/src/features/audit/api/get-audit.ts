import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { type AuditPage, auditPageSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { type AuditFilters, auditSearchParams } from '../lib/audit-filters';

/** Entries per page of the audit table ("Load more" fetches the next). */
export const AUDIT_PAGE_SIZE = 100;

/**
 * `GET /api/v1/audit?…&before=&limit=`: one page of entries matching `filters`, newest first;
 * `before` = the previous page's `nextBefore`. Throws ApiError (422 INVALID_INPUT for a bad
 * filter).
 */
export function getAuditPage(
  filters: AuditFilters,
  before: number | undefined,
  signal?: AbortSignal,
): Promise<AuditPage> {
  const p = auditSearchParams(filters);
  if (before !== undefined) p.set('before', String(before));
  p.set('limit', String(AUDIT_PAGE_SIZE));
  return apiFetch(`/audit?${p}`, { schema: auditPageSchema, ...(signal ? { signal } : {}) });
}

/** The audit log pages for `filters`; each filter change starts again from the newest entry. */
export const auditQueryOptions = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ['audit', filters] as const,
    queryFn: ({ pageParam, signal }) => getAuditPage(filters, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });

export const useAuditLog = (filters: AuditFilters) => useInfiniteQuery(auditQueryOptions(filters));
