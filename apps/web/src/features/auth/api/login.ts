import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, SessionInfo } from '@xendeck/api';
import { ApiError, apiFetch } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';
import { getSession } from './get-session';

/**
 * `POST /api/v1/session {username, password}` → 204 with the session cookie; then reads the
 * session back. Throws ApiError (401 with the server's message for wrong credentials).
 */
export async function login(credentials: LoginRequest): Promise<SessionInfo> {
  await apiFetch('/session', { method: 'POST', body: credentials });
  const session = await getSession();
  if (!session) {
    throw new ApiError(
      401,
      'SESSION_NOT_KEPT',
      'Logged in, but the browser did not keep the session cookie (is the page served over the same origin as the API?)',
    );
  }
  return session;
}

/** Logs in and stores the session in `['session']`. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (session) => {
      queryClient.setQueryData(sessionQueryKey, session);
    },
  });
}
