import { useQuery } from '@tanstack/react-query';
import { type ServerInfo, serverInfoSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/**
 * `GET /api/v1/server-info` (public): whether this is the first start and the TLS certificate's
 * SHA-256 fingerprint, for the login page's first-run note. Throws ApiError.
 */
export function getServerInfo(signal?: AbortSignal): Promise<ServerInfo> {
  return apiFetch('/server-info', { schema: serverInfoSchema, ...(signal ? { signal } : {}) });
}

export const useServerInfo = () =>
  useQuery({
    queryKey: ['server-info'],
    queryFn: ({ signal }) => getServerInfo(signal),
    staleTime: 60_000,
    retry: false,
  });
