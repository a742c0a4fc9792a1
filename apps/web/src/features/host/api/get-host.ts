import { queryOptions, useQuery } from '@tanstack/react-query';
import { type Host, hostSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const hostQueryKey = ['host'] as const;

/**
 * `GET /api/v1/host`: host facts, dom0 memory and limits, memory split — all memory in MiB.
 * Sources (server side): libxl_get_physinfo, libxl_get_version_info, libxl_domain_info(0),
 * xenstore /local/domain/0/memory/{target,static-max}. Throws ApiError.
 */
export function getHost(signal?: AbortSignal): Promise<Host> {
  return apiFetch('/host', { schema: hostSchema, ...(signal ? { signal } : {}) });
}

/**
 * True while dom0 has not reached its balloon target (more than 1 MiB apart: the server converts
 * KiB to MiB, so sub-MiB differences are rounding, not ballooning).
 */
export function isBallooning(host: Host): boolean {
  return Math.abs(host.dom0.memoryMiB - host.dom0.targetMiB) >= 1;
}

/** Polled every second while dom0 balloons towards its target, so its progress shows; else every 15 s. */
export const hostQueryOptions = () =>
  queryOptions({
    queryKey: hostQueryKey,
    queryFn: ({ signal }) => getHost(signal),
    refetchInterval: (query) => {
      const host = query.state.data;
      return host && isBallooning(host) ? 1_000 : 15_000;
    },
  });

export const useHost = () => useQuery(hostQueryOptions());
