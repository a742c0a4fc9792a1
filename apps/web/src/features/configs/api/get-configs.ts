import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ConfigEntry, configEntrySchema } from '@xendeck/api';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';

export const configsListQueryKey = ['configs', 'list'] as const;

/**
 * `GET /api/v1/configs`: the domain config files in the server's config dir (/etc/xen/*.cfg) with
 * whether a domain of that name runs now (and its domid). Throws ApiError.
 */
export function getConfigs(signal?: AbortSignal): Promise<ConfigEntry[]> {
  return apiFetch('/configs', {
    schema: z.array(configEntrySchema),
    ...(signal ? { signal } : {}),
  });
}

export const configsQueryOptions = () =>
  queryOptions({
    queryKey: configsListQueryKey,
    queryFn: ({ signal }) => getConfigs(signal),
  });

export const useConfigs = () => useQuery(configsQueryOptions());
