import { queryOptions, useQuery } from '@tanstack/react-query';
import { type IsoChoices, isoChoicesSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/**
 * Cache key of the ISOs one domain's CD-ROM can take. Under `['domains', …]` (a domain operation
 * refreshes it) and not under `['isos']`; an upload or delete on the ISO page invalidates
 * `['isos']`, so the dialog refetches on open instead (`staleTime` 0).
 */
export const isoChoicesQueryKey = (name: string) => ['domains', 'iso-choices', name] as const;

/**
 * `GET /api/v1/domains/:name/cdrom/isos`: the ISO library's file names (A→Z) and sizes in bytes,
 * what `POST /domains/:name/cdrom/:vdev/insert {iso}` takes — no dom0 directory, no checksums.
 * Needs `reinstall` on the domain (admins and operators have it on every domU), so the Insert
 * dialog uses it for every role. Throws ApiError: 404 `DOMAIN_NOT_FOUND` (not running, or no
 * grant), 403 `FORBIDDEN`.
 */
export function getIsoChoices(name: string, signal?: AbortSignal): Promise<IsoChoices> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/cdrom/isos`, {
    schema: isoChoicesSchema,
    ...(signal ? { signal } : {}),
  });
}

export const isoChoicesQueryOptions = (name: string, enabled = true) =>
  queryOptions({
    queryKey: isoChoicesQueryKey(name),
    queryFn: ({ signal }) => getIsoChoices(name, signal),
    enabled,
    staleTime: 0,
  });

/** The choices while `enabled` (the dialog is open). */
export const useIsoChoices = (name: string, enabled = true) =>
  useQuery(isoChoicesQueryOptions(name, enabled));
