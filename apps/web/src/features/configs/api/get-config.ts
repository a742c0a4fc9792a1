import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ConfigDocument, configDocumentSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache key of one config file (`GET /configs/:name`). */
export const configQueryKey = (name: string) => ['configs', 'detail', name] as const;

/**
 * `GET /api/v1/configs/:name`: the file `<configDir>/<name>.cfg` byte for byte (`text`), its ETag
 * (quoted SHA-256 prefix of the bytes; send it back as `If-Match`), what xl reads from it (`model`,
 * xl-config's `DomainConfig`: memory in MiB, parsed disk/vif specs) and the diagnostics of
 * `parseXlConfig`/`toDomainConfig` (1-based line/column). Throws ApiError: 404 `CONFIG_NOT_FOUND`,
 * 422 when the file is not UTF-8, over 1 MiB or a symlink.
 */
export function getConfig(name: string, signal?: AbortSignal): Promise<ConfigDocument> {
  return apiFetch(`/configs/${encodeURIComponent(name)}`, {
    schema: configDocumentSchema,
    ...(signal ? { signal } : {}),
  });
}

/**
 * Not refetched on window focus: the editor pins the text it started from anyway, and a silent
 * refetch would only move the Settings tab under the person's eyes. Saves and restores invalidate it.
 */
export const configQueryOptions = (name: string) =>
  queryOptions({
    queryKey: configQueryKey(name),
    queryFn: ({ signal }) => getConfig(name, signal),
    refetchOnWindowFocus: false,
  });

export const useConfig = (name: string) => useQuery(configQueryOptions(name));
