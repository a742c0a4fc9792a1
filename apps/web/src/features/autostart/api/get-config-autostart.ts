import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ConfigAutostart, configAutostartSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const configAutostartQueryKey = (name: string) => ['configs', 'autostart', name] as const;

/**
 * `GET /api/v1/configs/:name/autostart`: whether xendomains starts config `name` at boot (a link
 * in the auto dir resolves to it), what is at `<autoDir>/<name>.cfg`, and the shell twin of the
 * toggle. Throws ApiError (404 CONFIG_NOT_FOUND).
 */
export function getConfigAutostart(name: string, signal?: AbortSignal): Promise<ConfigAutostart> {
  return apiFetch(`/configs/${encodeURIComponent(name)}/autostart`, {
    schema: configAutostartSchema,
    ...(signal ? { signal } : {}),
  });
}

export const configAutostartQueryOptions = (name: string) =>
  queryOptions({
    queryKey: configAutostartQueryKey(name),
    queryFn: ({ signal }) => getConfigAutostart(name, signal),
  });

export const useConfigAutostart = (name: string) => useQuery(configAutostartQueryOptions(name));
