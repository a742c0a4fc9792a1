import { queryOptions, useQuery } from '@tanstack/react-query';
import { type Domain, domainSchema } from '@xendeck/api';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';

/** Cache key of the domain list; the events stream writes into it (see features/events). */
export const domainsListQueryKey = ['domains', 'list'] as const;

/**
 * `GET /api/v1/domains`: every domain as `xl list` shows it, dom0 first, by domid. Memory in KiB,
 * CPU time in ns (libxl_list_domain / libxl_dominfo on the server). Throws ApiError.
 */
export function getDomains(signal?: AbortSignal): Promise<Domain[]> {
  return apiFetch('/domains', { schema: z.array(domainSchema), ...(signal ? { signal } : {}) });
}

/**
 * State flips arrive at once through the events websocket (snapshot and patches). The server only
 * announces state changes, so memory (ballooning) and CPU time are refreshed by a 5 s poll, which
 * also covers the time the socket is down.
 */
export const domainsQueryOptions = () =>
  queryOptions({
    queryKey: domainsListQueryKey,
    queryFn: ({ signal }) => getDomains(signal),
    refetchInterval: 5_000,
  });

export const useDomains = () => useQuery(domainsQueryOptions());
