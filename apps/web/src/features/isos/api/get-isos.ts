import { queryOptions, useQuery } from '@tanstack/react-query';
import { type IsoList, isoListSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache key of the ISO library list (uploads and deletes invalidate it). */
export const isosQueryKey = ['isos', 'list'] as const;

/**
 * `GET /api/v1/isos`: the library's dom0 directory, its free bytes, every ISO (name, size in
 * bytes, modified ISO 8601, sha256 or null while being hashed, used by) and the used-by gaps.
 * Throws ApiError.
 */
export function getIsos(signal?: AbortSignal): Promise<IsoList> {
  return apiFetch('/isos', { schema: isoListSchema, ...(signal ? { signal } : {}) });
}

/**
 * The list, polled every 3 s while some ISO's SHA-256 is still being computed on the server (an
 * `iso.checksum` task), else every 30 s.
 */
export const isosQueryOptions = () =>
  queryOptions({
    queryKey: isosQueryKey,
    queryFn: ({ signal }) => getIsos(signal),
    refetchInterval: (query) =>
      query.state.data?.isos.some((i) => i.sha256 === null) ? 3_000 : 30_000,
  });

/**
 * The ISO library for any feature (the create-guest wizard's CD-ROM picker, the console's
 * Insert CD dialog): `data.isos` by name, `data.directory` to build a dom0 path.
 */
export const useIsos = () => useQuery(isosQueryOptions());
