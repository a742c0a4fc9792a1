import { queryOptions, useQuery } from '@tanstack/react-query';
import { type NetworkBridges, networkBridgesSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache keys of the network feature: everything under `['network']` (attach/detach invalidate it). */
export const networkQueryKey = ['network'] as const;
export const bridgesQueryKey = [...networkQueryKey, 'bridges'] as const;

/**
 * `GET /api/v1/network/bridges`: dom0's bridges, their ports and whose each vif is (domain,
 * guest MAC, IPs with their source, rate, model), `simulated` on the simulated host. Throws
 * ApiError.
 */
export function getBridges(signal?: AbortSignal): Promise<NetworkBridges> {
  return apiFetch('/network/bridges', {
    schema: networkBridgesSchema,
    ...(signal ? { signal } : {}),
  });
}

/** Refetched every 10 s (vifs come and go with domains; ARP entries age). */
export const bridgesQueryOptions = () =>
  queryOptions({
    queryKey: bridgesQueryKey,
    queryFn: ({ signal }) => getBridges(signal),
    refetchInterval: 10_000,
  });

export const useBridges = () => useQuery(bridgesQueryOptions());
