import { hashKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';

/** `DELETE /api/v1/session`: ends the session and clears its cookie. Throws ApiError. */
export async function logout(): Promise<void> {
  await apiFetch('/session', { method: 'DELETE' });
}

/**
 * Logs out: marks the session gone first (its observers, `RequireSession` among them, see it and
 * show the login page), then forgets every other cached answer and mutation. Clearing the whole
 * cache first would leave mounted observers on a removed session query, still showing the frame.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.setQueryData(sessionQueryKey, null);
      const sessionHash = hashKey(sessionQueryKey);
      queryClient.removeQueries({ predicate: (q) => q.queryHash !== sessionHash });
      queryClient.getMutationCache().clear();
    },
  });
}
