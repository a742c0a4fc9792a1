import { queryOptions, useQuery } from '@tanstack/react-query';
import { type DomainVcpus, domainVcpusSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { resourcesQueryKey } from './keys';

/**
 * `GET /api/v1/domains/:name/vcpus`: the vCPUs as `xl vcpu-list` shows them (pCPU, state, time,
 * hard and soft affinity as CPU lists), how many are online, maxVcpus and the host's pCPUs.
 * Throws ApiError 404 `DOMAIN_NOT_FOUND`.
 */
export function getVcpus(name: string, signal?: AbortSignal): Promise<DomainVcpus> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/vcpus`, {
    schema: domainVcpusSchema,
    ...(signal ? { signal } : {}),
  });
}

/** Refetched every 5 s (pCPU and time change as the guest runs). */
export const vcpusQueryOptions = (name: string, domid: number | undefined) =>
  queryOptions({
    queryKey: [...resourcesQueryKey(name), 'vcpus', domid ?? null] as const,
    queryFn: ({ signal }) => getVcpus(name, signal),
    enabled: domid !== undefined,
    retry: false,
    refetchInterval: 5000,
  });

export const useVcpus = (name: string, domid: number | undefined) =>
  useQuery(vcpusQueryOptions(name, domid));
