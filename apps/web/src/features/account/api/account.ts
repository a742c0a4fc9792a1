/**
 * The logged-in person's own account (`/api/v1/session/*`, any role): password change (204; 403
 * WRONG_PASSWORD; ends their other sessions), TOTP enrolment (POST starts it with a secret and its
 * `otpauth://` URI, PUT `{code}` confirms it, DELETE with a code or the password turns it off),
 * API tokens (GET lists them without the token, POST creates one and answers the token this once,
 * DELETE `/:id` revokes; an admin lists and revokes another user's under
 * `/users/:username/tokens`). Every call throws the server's ApiError.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  apiTokenSchema,
  type CreateApiTokenRequest,
  createdApiTokenSchema,
  type PasswordChangeRequest,
  type SessionInfo,
  type TotpDisableRequest,
  totpEnrolmentSchema,
} from '@xendeck/api';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';

/**
 * After the server answered that TOTP is now on or off: the cached `GET /session` says so
 * (`totpEnabled`), which is what the account page's TOTP panel shows.
 */
function useSetTotpEnabled() {
  const queryClient = useQueryClient();
  return (totpEnabled: boolean) =>
    queryClient.setQueryData<SessionInfo | null>(sessionQueryKey, (s) =>
      s ? { ...s, totpEnabled } : s,
    );
}

/**
 * Whose tokens: `undefined` for my own (`/session/tokens`), a username for an admin looking at
 * that user's (`/users/:username/tokens`: list and revoke only).
 */
export type TokensOwner = string | undefined;

const tokensPath = (owner: TokensOwner) =>
  owner === undefined ? '/session/tokens' : `/users/${encodeURIComponent(owner)}/tokens`;

export const apiTokensQueryKey = (owner: TokensOwner) => ['api-tokens', owner ?? null] as const;

/** `PUT /api/v1/session/password {currentPassword, newPassword}`. */
export const useChangePassword = () =>
  useMutation({
    mutationFn: (body: PasswordChangeRequest) =>
      apiFetch('/session/password', { method: 'PUT', body }),
  });

/** `POST /api/v1/session/totp` → `{secret, uri}` (nothing enabled until confirmed). */
export const useStartTotp = () =>
  useMutation({
    mutationFn: () => apiFetch('/session/totp', { method: 'POST', schema: totpEnrolmentSchema }),
  });

/** `PUT /api/v1/session/totp {code}`: confirms the enrolment with a current 6-digit code. */
export function useConfirmTotp() {
  const setTotpEnabled = useSetTotpEnabled();
  return useMutation({
    mutationFn: (code: string) => apiFetch('/session/totp', { method: 'PUT', body: { code } }),
    onSuccess: () => setTotpEnabled(true),
  });
}

/**
 * `DELETE /api/v1/session/totp {code} | {password}` (proof it is the user: a current code, or the
 * password when the device is lost): logging in asks for the password only again. 403
 * TOTP_INVALID / WRONG_PASSWORD, 409 TOTP_NOT_ENABLED.
 */
export function useDisableTotp() {
  const setTotpEnabled = useSetTotpEnabled();
  return useMutation({
    mutationFn: (body: TotpDisableRequest) => apiFetch('/session/totp', { method: 'DELETE', body }),
    onSuccess: () => setTotpEnabled(false),
  });
}

/** `GET /api/v1/session/tokens`, or `GET /api/v1/users/:username/tokens` (admin). */
export const useApiTokens = (owner?: TokensOwner) =>
  useQuery({
    queryKey: apiTokensQueryKey(owner),
    queryFn: ({ signal }) =>
      apiFetch(tokensPath(owner), { schema: z.array(apiTokenSchema), signal }),
  });

/** `POST /api/v1/session/tokens {name, expiresInDays?}` → the listing plus `token`, shown once. */
export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiTokenRequest) =>
      apiFetch('/session/tokens', { method: 'POST', body, schema: createdApiTokenSchema }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiTokensQueryKey(undefined) }),
  });
}

/** `DELETE /api/v1/session/tokens/:id`, or `DELETE /api/v1/users/:username/tokens/:id` (admin). */
export function useRevokeApiToken(owner?: TokensOwner) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiFetch(`${tokensPath(owner)}/${id}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiTokensQueryKey(owner) }),
  });
}
