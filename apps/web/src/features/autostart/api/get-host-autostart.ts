import { queryOptions, useQuery } from '@tanstack/react-query';
import { type HostAutostart, hostAutostartSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const hostAutostartQueryKey = ['host', 'autostart'] as const;

/**
 * `GET /api/v1/host/autostart`: whether xendomains runs (systemctl is-enabled), what it does at
 * dom0 shutdown and boot (/etc/default/xendomains), the auto dir's entries, every config's
 * autostart status, warnings. Throws ApiError.
 */
export function getHostAutostart(signal?: AbortSignal): Promise<HostAutostart> {
  return apiFetch('/host/autostart', {
    schema: hostAutostartSchema,
    ...(signal ? { signal } : {}),
  });
}

/** Refetched every 30 s: someone may link configs in a dom0 shell. */
export const hostAutostartQueryOptions = () =>
  queryOptions({
    queryKey: hostAutostartQueryKey,
    queryFn: ({ signal }) => getHostAutostart(signal),
    refetchInterval: 30_000,
  });

export const useHostAutostart = () => useQuery(hostAutostartQueryOptions());
