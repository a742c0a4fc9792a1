import { queryOptions, useQuery } from '@tanstack/react-query';
import { type DomainMemory, domainMemorySchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { resourcesQueryKey } from './keys';

/**
 * `GET /api/v1/domains/:name/memory`: what the domain holds now (`xl list`), the balloon target's
 * limits (min..maxmem, MiB) and, for dom0, the target. Throws ApiError 404 `DOMAIN_NOT_FOUND`.
 */
export function getDomainMemory(name: string, signal?: AbortSignal): Promise<DomainMemory> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/memory`, {
    schema: domainMemorySchema,
    ...(signal ? { signal } : {}),
  });
}

/** Polls every `pollMs` (while a new target is being reached), else fetches once per domid. */
export const domainMemoryQueryOptions = (
  name: string,
  domid: number | undefined,
  pollMs?: number,
) =>
  queryOptions({
    queryKey: [...resourcesQueryKey(name), 'memory', domid ?? null] as const,
    queryFn: ({ signal }) => getDomainMemory(name, signal),
    enabled: domid !== undefined,
    retry: false,
    refetchInterval: pollMs ?? false,
  });

export const useDomainMemory = (name: string, domid: number | undefined, pollMs?: number) =>
  useQuery(domainMemoryQueryOptions(name, domid, pollMs));
