import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError, isUnauthorized } from './api-client';

/** Cache key of the logged-in user (`GET /api/v1/session`); `null` in it means "not logged in". */
export const sessionQueryKey = ['session'] as const;

/**
 * The app's QueryClient. A 401 from any query or mutation marks the session as gone (sets
 * `['session']` to null), which sends the person to the login page (see `RequireSession`).
 * Client errors (4xx) are not retried: they will not get better by asking again.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isUnauthorized(error)) queryClient.setQueryData(sessionQueryKey, null);
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (failureCount, error) =>
          !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
