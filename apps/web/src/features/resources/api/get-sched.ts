import { queryOptions, useQuery } from '@tanstack/react-query';
import { type DomainSched, domainSchedSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { resourcesQueryKey } from './keys';

/**
 * `GET /api/v1/domains/:name/sched`: credit2 weight and cap (`xl sched-credit2 -d`) and the
 * largest cap. Throws ApiError 404 `DOMAIN_NOT_FOUND`, 409 `INVALID_STATE` (not credit2).
 */
export function getSched(name: string, signal?: AbortSignal): Promise<DomainSched> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/sched`, {
    schema: domainSchedSchema,
    ...(signal ? { signal } : {}),
  });
}

export const schedQueryOptions = (name: string, domid: number | undefined) =>
  queryOptions({
    queryKey: [...resourcesQueryKey(name), 'sched', domid ?? null] as const,
    queryFn: ({ signal }) => getSched(name, signal),
    enabled: domid !== undefined,
    retry: false,
  });

export const useSched = (name: string, domid: number | undefined) =>
  useQuery(schedQueryOptions(name, domid));
