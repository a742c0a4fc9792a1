import { queryOptions, useQuery } from '@tanstack/react-query';
import { type SessionInfo, sessionInfoSchema } from '@xendeck/api';
import { apiFetch, isUnauthorized } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';

/**
 * `GET /api/v1/session`: who is logged in, or `null` when nobody is (the server's 401).
 * Throws ApiError for anything else (server unreachable, 5xx).
 */
export async function getSession(signal?: AbortSignal): Promise<SessionInfo | null> {
  try {
    return await apiFetch('/session', { schema: sessionInfoSchema, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (isUnauthorized(e)) return null;
    throw e;
  }
}

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => getSession(signal),
    staleTime: 60_000,
  });

export const useSession = () => useQuery(sessionQueryOptions());
