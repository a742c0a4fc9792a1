import { queryOptions, useQuery } from '@tanstack/react-query';
import { type DomainVifs, domainVifsSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/**
 * Cache key of a domain's vifs. Under `['domains', …]`, so a domain operation (which invalidates
 * `['domains']`) refreshes them; `domid` in the key makes a restarted domain refetch.
 */
export const domainVifsQueryKey = (name: string) => ['domains', 'vifs', name] as const;

/**
 * `GET /api/v1/domains/:name/vifs`: the running domain's vifs (devid, MAC, bridge, dom0 vif name,
 * ip=, model, rate in bytes/s, type) and whether it is HVM. Throws ApiError 404 DOMAIN_NOT_FOUND.
 */
export function getDomainVifs(name: string, signal?: AbortSignal): Promise<DomainVifs> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/vifs`, {
    schema: domainVifsSchema,
    ...(signal ? { signal } : {}),
  });
}

export const domainVifsQueryOptions = (name: string, domid: number | undefined) =>
  queryOptions({
    queryKey: [...domainVifsQueryKey(name), domid ?? null] as const,
    queryFn: ({ signal }) => getDomainVifs(name, signal),
    enabled: domid !== undefined,
    retry: false,
  });

export const useDomainVifs = (name: string, domid: number | undefined) =>
  useQuery(domainVifsQueryOptions(name, domid));
