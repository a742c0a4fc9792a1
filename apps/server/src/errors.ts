/**
 * One error model for the whole API. Every non-2xx answer is
 * `{ "error": { "code", "message", "details"? } }` (`apiErrorSchema` in @xendeck/api), produced
 * by {@link errorMiddleware} from an {@link ApiError}, a `HypervisorError`, a `ZodError` or a
 * body-parser error. Codes are stable; messages are for people.
 */
import type { ApiError as ApiErrorBody } from '@xendeck/api';
import { type HypervisorErrorCode, isHypervisorError } from '@xendeck/hypervisor';
import { isStorageError, type StorageErrorCode } from '@xendeck/storage';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';

/** Codes the server raises itself, besides the hypervisor's. */
export type ServerErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  /** The `Host` header is not one of this server's names (XENDECK_ALLOWED_HOSTS; DNS rebinding). */
  | 'MISDIRECTED_HOST'
  /** A mutating request a browser sent from another site's page (`Sec-Fetch-Site`). */
  | 'CROSS_SITE'
  | 'INTERNAL'
  /** PUT/restore without `If-Match`. */
  | 'PRECONDITION_REQUIRED'
  /** The config file's bytes no longer match `If-Match` (`details.currentEtag`). */
  | 'CONFIG_CHANGED'
  /** Creating a config file that exists. */
  | 'CONFIG_EXISTS'
  /** Text `xl create` would refuse (`details.errors`: diagnostics with line/column). */
  | 'CONFIG_INVALID'
  /** The config path is a symlink or not a regular file. */
  | 'CONFIG_NOT_REGULAR'
  /** The config file is over 1 MiB. */
  | 'CONFIG_TOO_LARGE'
  /** The config file is not valid UTF-8. */
  | 'CONFIG_NOT_UTF8'
  /** No history version of that id for that config. */
  | 'VERSION_NOT_FOUND'
  /** Rotating the /metrics token when XENDECK_METRICS_TOKEN sets it. */
  | 'METRICS_TOKEN_FROM_ENV'
  /** A console ticket that is unknown, used, expired, or for another user/domain/kind. */
  | 'TICKET_INVALID'
  /** No task of that id (`GET /tasks/:id`). */
  | 'TASK_NOT_FOUND'
  /** ISO library (src/isos): no such file; the name exists (upload without `?replace=1`); the ISO
   * is named by a config or inserted in a running domain (`details.usedBy`); another upload of
   * that name is running; no `Content-Length`; not enough free space (`details.freeBytes`,
   * `details.neededBytes`); `X-Checksum-Sha256` differs; the body ended before `Content-Length`. */
  | 'ISO_NOT_FOUND'
  | 'ISO_EXISTS'
  | 'ISO_LIBRARY_MISSING'
  | 'ISO_IN_USE'
  | 'UPLOAD_IN_PROGRESS'
  | 'LENGTH_REQUIRED'
  | 'INSUFFICIENT_STORAGE'
  | 'CHECKSUM_MISMATCH'
  | 'UPLOAD_INCOMPLETE'
  /** A removal without `?confirm=` equal to the thing's name (`details.expected`). */
  | 'CONFIRMATION_REQUIRED'
  /** Growing a logical volume to less than its size (shrinking is never done). */
  | 'SHRINK_REFUSED'
  /** dom0 has no bridge of that name (`POST /guests` answers it with 400, naming the field). */
  | 'BRIDGE_NOT_FOUND'
  /** Network (src/network): the running domain has no vif of that devid; with `persist`, the
   * config's `vif` list has no entry for it (attached without persist), so nothing is changed. */
  | 'VIF_NOT_FOUND'
  | 'VIF_NOT_IN_CONFIG'
  /** `<autoDir>/<name>.cfg` is a regular file or a link elsewhere: autostart neither replaces nor deletes it. */
  | 'AUTOSTART_LINK_TAKEN'
  /** Saved images (src/saved-images): no such image; `<saveDir>/<name>` exists already (a save
   * never overwrites); a save, restore or delete of it is running; the image was restored already
   * (restoring it again would bring back a state older than the guest's disks); the file is not
   * an xl saved image xl would restore (`details.reason`). */
  | 'SAVED_IMAGE_NOT_FOUND'
  | 'SAVED_IMAGE_EXISTS'
  | 'SAVED_IMAGE_BUSY'
  | 'SAVED_IMAGE_RESTORED'
  | 'NOT_A_SAVED_IMAGE'
  /** Users (src/users, auth/users.ts, auth/tokens.ts): the name is taken; no such user; the
   * change would leave no admin; an admin deleting themselves; grants for a non-customer; the
   * current password is wrong (403, not 401: the session is fine); a session-only route called
   * with an API token; a login without the TOTP code the user enrolled (401); a wrong TOTP code
   * in a logged-in request (403); TOTP enrolment in the wrong state; no such API token. */
  | 'USER_EXISTS'
  | 'USER_NOT_FOUND'
  | 'LAST_ADMIN'
  | 'CANNOT_DELETE_SELF'
  | 'NOT_A_CUSTOMER'
  | 'WRONG_PASSWORD'
  | 'SESSION_REQUIRED'
  | 'TOTP_REQUIRED'
  | 'TOTP_INVALID'
  | 'TOTP_ALREADY_ENABLED'
  | 'TOTP_NOT_ENABLED'
  | 'TOTP_NO_ENROLMENT'
  | 'TOKEN_NOT_FOUND';

/** Storage's codes (`StorageError` of @xendeck/storage: LVM and image files) are API codes as they are. */
export type ErrorCode = ServerErrorCode | HypervisorErrorCode | StorageErrorCode;

/**
 * HTTP status of every code. CREATE_FAILED is 422: `xl create` ran and refused the config file
 * or the host could not satisfy it (bad key, missing disk, not enough free memory): the request
 * was well-formed but cannot be processed as the config stands, and xl's text in the message says
 * why. It is not a server fault (500 stays for LIBXL_ERROR and bugs).
 */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  DOMAIN_NOT_FOUND: 404,
  CONFIG_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  CONFIRMATION_REQUIRED: 400,
  SHRINK_REFUSED: 409,
  AUTOSTART_LINK_TAKEN: 409,
  SAVED_IMAGE_NOT_FOUND: 404,
  SAVED_IMAGE_EXISTS: 409,
  SAVED_IMAGE_BUSY: 409,
  SAVED_IMAGE_RESTORED: 409,
  NOT_A_SAVED_IMAGE: 422,
  USER_EXISTS: 409,
  USER_NOT_FOUND: 404,
  LAST_ADMIN: 409,
  CANNOT_DELETE_SELF: 409,
  NOT_A_CUSTOMER: 409,
  WRONG_PASSWORD: 403,
  SESSION_REQUIRED: 403,
  TOTP_REQUIRED: 401,
  TOTP_INVALID: 403,
  TOTP_ALREADY_ENABLED: 409,
  TOTP_NOT_ENABLED: 409,
  TOTP_NO_ENROLMENT: 409,
  TOKEN_NOT_FOUND: 404,
  BRIDGE_NOT_FOUND: 404,
  VIF_NOT_FOUND: 404,
  VIF_NOT_IN_CONFIG: 409,
  VG_NOT_FOUND: 404,
  LV_NOT_FOUND: 404,
  IMAGE_NOT_FOUND: 404,
  LV_EXISTS: 409,
  IMAGE_EXISTS: 409,
  VOLUME_IN_USE: 409,
  NO_SPACE: 507,
  INVALID_NAME: 422,
  INVALID_SIZE: 422,
  LVM_ERROR: 422,
  LVM_UNAVAILABLE: 503,
  ISO_NOT_FOUND: 404,
  ISO_EXISTS: 409,
  ISO_LIBRARY_MISSING: 503,
  ISO_IN_USE: 409,
  UPLOAD_IN_PROGRESS: 409,
  LENGTH_REQUIRED: 411,
  INSUFFICIENT_STORAGE: 507,
  CHECKSUM_MISMATCH: 422,
  UPLOAD_INCOMPLETE: 400,
  CONFIG_CHANGED: 409,
  CONFIG_EXISTS: 409,
  METRICS_TOKEN_FROM_ENV: 409,
  PRECONDITION_REQUIRED: 428,
  CONFIG_INVALID: 422,
  CONFIG_NOT_REGULAR: 422,
  CONFIG_TOO_LARGE: 422,
  CONFIG_NOT_UTF8: 422,
  DOMAIN_EXISTS: 409,
  INVALID_STATE: 409,
  CONSOLE_UNAVAILABLE: 409,
  CONSOLE_BUSY: 409,
  TICKET_INVALID: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_INPUT: 422,
  INVALID_ARGUMENT: 422,
  MEMORY_OUT_OF_RANGE: 422,
  CREATE_FAILED: 422,
  SAVE_FAILED: 500,
  RESTORE_FAILED: 422,
  TOO_MANY_REQUESTS: 429,
  MISDIRECTED_HOST: 421,
  CROSS_SITE: 403,
  LIBXL_ERROR: 500,
  /** A libxl/xenstore call that did not return within its timeout (the host is stuck). */
  TIMEOUT: 504,
  INTERNAL: 500,
  XEN_UNAVAILABLE: 503,
  NATIVE_UNAVAILABLE: 503,
};

/** An error the server raises on purpose; `status` follows from `code` unless given. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS_BY_CODE[code];
  }
}

/** One zod issue as it appears in `details.issues`: where (dotted path) and what. */
export interface IssueDetail {
  path: string;
  message: string;
}

/** Turns zod issues into `details.issues` and a one-line message naming each path. */
export function zodToApiError(err: ZodError, where: string): ApiError {
  const issues: IssueDetail[] = err.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(root)',
    message: i.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError('INVALID_INPUT', `Invalid ${where}: ${summary}`, { where, issues });
}

/** Body of an error answer. */
export function errorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ApiErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return e instanceof Error && typeof (e as BodyParserError).type === 'string';
}

/**
 * Normalises anything thrown by a route into an {@link ApiError}. Unknown errors become
 * `INTERNAL` with a generic message (the original goes to the log, not to the client).
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // A StorageError (LVM, image files) keeps its code and message (LVM's stderr as is).
  if (isHypervisorError(err) || isStorageError(err)) {
    return new ApiError(
      err.code,
      err.message,
      Object.keys(err.details).length ? err.details : undefined,
    );
  }
  if (err instanceof ZodError) return zodToApiError(err, 'input');
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') {
      return new ApiError('INVALID_INPUT', `Malformed JSON in the request body: ${err.message}`, {
        where: 'body',
      });
    }
    if (err.type === 'entity.too.large') {
      const limit = (err as BodyParserError & { limit?: number }).limit;
      return new ApiError(
        'PAYLOAD_TOO_LARGE',
        `The request body is too large (limit ${limit ? `${Math.round(limit / 1024)} KiB` : '64 KiB'})`,
      );
    }
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', err.message);
    }
    if (err.status && err.status < 500) {
      return new ApiError('INVALID_INPUT', err.message, undefined, err.status);
    }
  }
  // The router's decodeParam throws URIError (status 400) for a malformed %-escape in a path
  // parameter, before any route (and its access check) runs: a client error, not a fault.
  if (err instanceof URIError) {
    return new ApiError(
      'INVALID_INPUT',
      'Malformed %-escape in the URL path',
      { where: 'path' },
      400,
    );
  }
  // Any other client error of Express's stack: http-errors with a 4xx status, e.g. a body whose
  // Content-Encoding does not inflate (body-parser wraps zlib's error without a `type`).
  const status = (err as { status?: unknown } | null)?.status;
  if (err instanceof Error && typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('INVALID_INPUT', `Malformed request: ${err.message}`, undefined, status);
  }
  return new ApiError('INTERNAL', 'Internal server error');
}

/** The one error middleware: logs server faults, answers `{ error: { code, message, details? } }`. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const apiErr = toApiError(err);
    res.locals.errorCode = apiErr.code; // the audit row's result (audit.ts)
    if (apiErr.status >= 500) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    }
    if (
      apiErr.code === 'TOO_MANY_REQUESTS' &&
      typeof apiErr.details?.retryAfterSeconds === 'number'
    ) {
      res.setHeader('Retry-After', String(apiErr.details.retryAfterSeconds));
    }
    res.status(apiErr.status).json(errorBody(apiErr.code, apiErr.message, apiErr.details));
  };
}

/** Unknown `/api/*` paths: 404 JSON, never the SPA page. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new ApiError('NOT_FOUND', `No API endpoint ${req.method} ${req.originalUrl.split('?')[0]}`));
};
