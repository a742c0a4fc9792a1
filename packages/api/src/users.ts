/**
 * Users, passwords, TOTP and API tokens: the bodies and answers of `/api/v1/users*` (admin) and
 * `/api/v1/session/*` (every logged-in user, for themselves). Times are ms since the epoch.
 */
import { z } from 'zod';
import { grantSchema, roleSchema } from './access.js';

/** A username: 1–64 of letters, digits, `_ . @ -`, not starting with `-` or `.`. */
export const usernameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_@][A-Za-z0-9_.@-]*$/, 'letters, digits, _ . @ - (not - or . first)');

/** A new password: 8–1024 characters (checked again by the server, never logged). */
export const newPasswordSchema = z.string().min(8, 'at least 8 characters').max(1024);

/** One user as `GET /api/v1/users` lists them (never a hash or secret). */
export const userSchema = z.object({
  username: usernameSchema,
  role: roleSchema,
  createdAt: z.number().int(),
  /** When the password was last set (null: never changed since creation). */
  passwordChangedAt: z.number().int().nullable(),
  /** Whether a TOTP second factor is enrolled. */
  totpEnabled: z.boolean(),
  /** A customer's grants (empty for admins and operators, who reach every domain). */
  grants: z.array(grantSchema),
});
export type UserInfo = z.infer<typeof userSchema>;

/** `POST /api/v1/users` body (admin). Answers 201 with a {@link UserInfo}; 409 USER_EXISTS. */
export const createUserRequestSchema = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  role: roleSchema,
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/**
 * `PUT /api/v1/users/:username` body (admin): a new role and/or a new password (which ends that
 * user's sessions). Refused (409 LAST_ADMIN) when it would leave no admin.
 */
export const updateUserRequestSchema = z
  .object({ role: roleSchema.optional(), password: newPasswordSchema.optional() })
  .refine((b) => b.role !== undefined || b.password !== undefined, 'role or password');
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

/**
 * `PUT /api/v1/session/password` body (any user, for themselves): answers 204 and ends their
 * other sessions; 403 WRONG_PASSWORD when `currentPassword` is wrong.
 */
export const passwordChangeRequestSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: newPasswordSchema,
});
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

/** `POST /api/v1/session` body when the user has TOTP: the login request plus the 6-digit code. */
export const totpCodeSchema = z.string().regex(/^\d{6}$/, 'six digits');

/**
 * `POST /api/v1/session/totp` (start enrolment): the secret (base32) and its `otpauth://` URI
 * for an authenticator app; nothing is enabled until confirmed with a code.
 */
export const totpEnrolmentSchema = z.object({ secret: z.string(), uri: z.string() });
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

/** `PUT /api/v1/session/totp` body: confirms enrolment with a current code. */
export const totpConfirmRequestSchema = z.object({ code: totpCodeSchema });

/**
 * `DELETE /api/v1/session/totp` body: proof that the person at the keyboard is the user — a
 * current code, or the password (a lost device). 403 TOTP_INVALID / WRONG_PASSWORD otherwise.
 */
export const totpDisableRequestSchema = z
  .object({ code: totpCodeSchema.optional(), password: z.string().min(1).max(1024).optional() })
  .refine((b) => b.code !== undefined || b.password !== undefined, 'code or password');
export type TotpDisableRequest = z.infer<typeof totpDisableRequestSchema>;

/** One API token as listed (`GET /api/v1/session/tokens`): never the token itself. */
export const apiTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  /** null: never expires. */
  expiresAt: z.number().int().nullable(),
});
export type ApiTokenInfo = z.infer<typeof apiTokenSchema>;

/** `POST /api/v1/session/tokens` body: a label and an optional lifetime in days. */
export const createApiTokenRequestSchema = z.object({
  name: z.string().min(1).max(64),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiTokenRequest = z.infer<typeof createApiTokenRequestSchema>;

/**
 * Answer to creating a token: its listing plus the token itself (`xdk_…`), shown this once; only
 * its SHA-256 is stored. Scripts send it as `Authorization: Bearer <token>`; it acts as its user.
 */
export const createdApiTokenSchema = apiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

/**
 * `GET /api/v1/server-info` (public, for the login page): whether this is the first start (the
 * generated admin password was not yet changed) and the TLS certificate's SHA-256 fingerprint
 * (colon-separated hex) when Xendeck serves HTTPS itself.
 */
export const serverInfoSchema = z.object({
  firstRun: z.boolean(),
  tls: z.object({ fingerprintSha256: z.string(), selfSigned: z.boolean() }).nullable(),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;
