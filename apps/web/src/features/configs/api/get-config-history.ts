import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ConfigHistoryEntry, configHistoryEntrySchema } from '@xendeck/api';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';

/** Cache key of a config file's version list. */
export const configHistoryQueryKey = (name: string) => ['configs', 'history', name] as const;

/**
 * `GET /api/v1/configs/:name/history`: the saved versions of one file, newest first (at most 100),
 * each with time (ISO 8601), user, reason (`before-edit` | `edit` | `restore` | `create`), size in
 * bytes and ETag. Throws ApiError (404 `CONFIG_NOT_FOUND`).
 */
export function getConfigHistory(
  name: string,
  signal?: AbortSignal,
): Promise<ConfigHistoryEntry[]> {
  return apiFetch(`/configs/${encodeURIComponent(name)}/history`, {
    schema: z.array(configHistoryEntrySchema),
    ...(signal ? { signal } : {}),
  });
}

export const configHistoryQueryOptions = (name: string) =>
  queryOptions({
    queryKey: configHistoryQueryKey(name),
    queryFn: ({ signal }) => getConfigHistory(name, signal),
  });

export const useConfigHistory = (name: string) => useQuery(configHistoryQueryOptions(name));
