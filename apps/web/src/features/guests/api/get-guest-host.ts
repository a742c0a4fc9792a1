import { queryOptions, useQuery } from '@tanstack/react-query';
import { type GuestHost, guestHostSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const guestHostQueryKey = ['guests', 'host'] as const;

/**
 * `GET /api/v1/guests/host`: dom0's bridges (`/sys/class/net/<if>/bridge` on a real host) and the
 * absolute config, ISO and image directories (XENDECK_CONFIG_DIR, XENDECK_ISO_DIR,
 * XENDECK_IMAGE_DIR) the preview resolves names in. Throws ApiError.
 */
export function getGuestHost(signal?: AbortSignal): Promise<GuestHost> {
  return apiFetch('/guests/host', { schema: guestHostSchema, ...(signal ? { signal } : {}) });
}

export const guestHostQueryOptions = () =>
  queryOptions({ queryKey: guestHostQueryKey, queryFn: ({ signal }) => getGuestHost(signal) });

export const useGuestHost = () => useQuery(guestHostQueryOptions());
