import { queryOptions, useQuery } from '@tanstack/react-query';
import { type CdromStatus, cdromStatusSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/**
 * Cache key of a running domain's CD-ROM drives. Under `['domains', …]`, so a domain operation
 * (which invalidates `['domains']`) refreshes it too.
 */
export const cdromQueryKey = (name: string) => ['domains', 'cdrom', name] as const;

/**
 * `GET /api/v1/domains/:name/cdrom`: the domain's CD-ROM drives now (libxl_device_disk_list on the
 * server): `vdev`, the dom0 path inserted (`target`, null when empty) and its ISO library file
 * name (`iso`, null when not from the library). Throws ApiError: 404 `DOMAIN_NOT_FOUND` when the
 * domain is not running.
 */
export function getCdrom(name: string, signal?: AbortSignal): Promise<CdromStatus> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/cdrom`, {
    schema: cdromStatusSchema,
    ...(signal ? { signal } : {}),
  });
}

/** `domid` is part of the key's life: a new domid (restart) refetches. No retries on 404. */
export const cdromQueryOptions = (name: string, domid: number | undefined) =>
  queryOptions({
    queryKey: [...cdromQueryKey(name), domid ?? null] as const,
    queryFn: ({ signal }) => getCdrom(name, signal),
    enabled: domid !== undefined,
    retry: false,
  });

export const useCdrom = (name: string, domid: number | undefined) =>
  useQuery(cdromQueryOptions(name, domid));
