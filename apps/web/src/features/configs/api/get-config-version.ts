import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ConfigVersion, configVersionSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache key of one saved version (its text never changes, so it is cached for good). */
export const configVersionQueryKey = (name: string, id: number) =>
  ['configs', 'version', name, id] as const;

/**
 * `GET /api/v1/configs/:name/history/:id`: one saved version with its full text. Throws ApiError
 * (404 `VERSION_NOT_FOUND` / `CONFIG_NOT_FOUND`).
 */
export function getConfigVersion(
  name: string,
  id: number,
  signal?: AbortSignal,
): Promise<ConfigVersion> {
  return apiFetch(`/configs/${encodeURIComponent(name)}/history/${id}`, {
    schema: configVersionSchema,
    ...(signal ? { signal } : {}),
  });
}

export const configVersionQueryOptions = (name: string, id: number) =>
  queryOptions({
    queryKey: configVersionQueryKey(name, id),
    queryFn: ({ signal }) => getConfigVersion(name, id, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useConfigVersion = (name: string, id: number | null) =>
  useQuery({ ...configVersionQueryOptions(name, id ?? -1), enabled: id !== null });
