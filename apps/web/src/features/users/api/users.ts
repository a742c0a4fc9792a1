/**
 * The users API (admin only): `GET /api/v1/users` (every user with role, TOTP flag, times and
 * grants), `POST /api/v1/users` (create; 409 USER_EXISTS), `PUT /api/v1/users/:username` (role
 * and/or password; 409 LAST_ADMIN), `DELETE /api/v1/users/:username` (409 LAST_ADMIN),
 * `PUT /api/v1/users/:username/grants` (replaces all of a customer's grants),
 * `DELETE /api/v1/users/:username/totp` (a lost device; ends their sessions). Every hook throws
 * the server's ApiError; each change reads the list again.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type CreateUserRequest,
  type Grant,
  type UpdateUserRequest,
  type UserInfo,
  userSchema,
} from '@xendeck/api';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';

export const usersQueryKey = ['users'] as const;

const userPath = (username: string) => `/users/${encodeURIComponent(username)}`;

/** `GET /api/v1/users`. */
export function getUsers(signal?: AbortSignal): Promise<UserInfo[]> {
  return apiFetch('/users', { schema: z.array(userSchema), ...(signal ? { signal } : {}) });
}

export const useUsers = () =>
  useQuery({ queryKey: usersQueryKey, queryFn: ({ signal }) => getUsers(signal) });

function useUsersMutation<V>(mutationFn: (vars: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      // An admin may have changed their own role: read the session (and so the menu) again.
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey, exact: true });
    },
  });
}

/** `POST /api/v1/users {username, password, role}` → 201 with the new user. */
export const useCreateUser = () =>
  useUsersMutation((body: CreateUserRequest) =>
    apiFetch('/users', { method: 'POST', body, schema: userSchema }),
  );

/** `PUT /api/v1/users/:username {role?, password?}` (a new password ends that user's sessions). */
export const useUpdateUser = () =>
  useUsersMutation(({ username, ...body }: UpdateUserRequest & { username: string }) =>
    apiFetch(userPath(username), { method: 'PUT', body }),
  );

/** `DELETE /api/v1/users/:username`. */
export const useDeleteUser = () =>
  useUsersMutation((username: string) => apiFetch(userPath(username), { method: 'DELETE' }));

/** `PUT /api/v1/users/:username/grants {grants}`: replaces all of the user's grants. */
export const useSetGrants = () =>
  useUsersMutation(({ username, grants }: { username: string; grants: Grant[] }) =>
    apiFetch(`${userPath(username)}/grants`, { method: 'PUT', body: { grants } }),
  );

/** `DELETE /api/v1/users/:username/totp`: turns a user's TOTP off (409 TOTP_NOT_ENABLED). */
export const useDisableUserTotp = () =>
  useUsersMutation((username: string) =>
    apiFetch(`${userPath(username)}/totp`, { method: 'DELETE' }),
  );
