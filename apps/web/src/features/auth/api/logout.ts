import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';

/** `DELETE /api/v1/session`: ends the session and clears its cookie. Throws ApiError. */
export async function logout(): Promise<void> {
  await apiFetch('/session', { method: 'DELETE' });
}

/** Logs out, forgets every cached answer, and marks the session gone (the app then shows login). */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}
