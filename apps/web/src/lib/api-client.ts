/**
 * The one door to Xendeck's REST API (`/api/v1`). Every request goes through {@link apiFetch}, which
 * sends the session cookie, encodes JSON bodies, and turns every non-2xx answer into an
 * {@link ApiError} carrying the server's `{ error: { code, message, details } }`.
 */
import { apiErrorSchema } from '@xendeck/api';
import type { z } from 'zod';

/** Prefix of every REST path. */
export const API_BASE = '/api/v1';

/**
 * A failed API call. `code` is the server's stable code (`MEMORY_OUT_OF_RANGE`, `CREATE_FAILED`,
 * `INVALID_STATE`...) or one of the client's own: `NETWORK_ERROR` (no answer at all; `status` 0),
 * `BAD_RESPONSE` (an answer that does not follow the contract). `message` is meant for people
 * (for `CREATE_FAILED` it is xl's own error text).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** True for the answer the server gives when there is no valid session. */
export function isUnauthorized(e: unknown): boolean {
  return isApiError(e) && e.status === 401;
}

export interface ApiFetchOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. `Content-Type: application/json` goes with every POST, PUT and DELETE, body or not. */
  body?: unknown;
  /** Validates the answer's JSON body; without it the body is ignored and `undefined` returned. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
  /** Extra request headers, e.g. `If-Match` for a conditional save. */
  headers?: Record<string, string>;
}

/**
 * Calls `API_BASE + path`. Resolves with the parsed body (when `schema` is given) or `undefined`.
 * Throws {@link ApiError}: the server's error for non-2xx answers (a body that is not the error
 * shape still gives an ApiError with code `HTTP_<status>` and the status text), `NETWORK_ERROR`
 * when fetch itself fails, `BAD_RESPONSE` when a 2xx body does not match `schema`.
 * An aborted request rethrows the AbortError unchanged, as TanStack Query expects.
 */
export async function apiFetch<T = undefined>(
  path: string,
  options: ApiFetchOptions<T> = {},
): Promise<T> {
  const { method = 'GET', body, schema, signal } = options;
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (signal) init.signal = signal;
  // Every mutation says JSON, even without a body: the server answers 415 otherwise (a
  // cross-site form cannot set it without a preflight; apps/server/src/http/security.ts).
  if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
  if (body !== undefined) init.body = JSON.stringify(body);

  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(
      0,
      'NETWORK_ERROR',
      `Could not reach the Xendeck server (${method} ${API_BASE}${path}): ${e instanceof Error ? e.message : String(e)}`,
    );
  }

  if (!response.ok) throw await errorFromResponse(response);
  if (!schema) return undefined as T;

  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ApiError(
      response.status,
      'BAD_RESPONSE',
      `${method} ${API_BASE}${path} answered ${response.status} without a JSON body`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
    throw new ApiError(
      response.status,
      'BAD_RESPONSE',
      `${method} ${API_BASE}${path} answered with an unexpected body (${where})`,
    );
  }
  return parsed.data;
}

/**
 * Builds the ApiError of a non-2xx answer from its `{ error: { code, message, details } }` body
 * (also used for the ISO upload's XMLHttpRequest answer, wrapped in a Response).
 */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body could not be read; fall back on the status line below.
  }
  if (text) {
    try {
      const parsed = apiErrorSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        const { code, message, details } = parsed.data.error;
        return new ApiError(response.status, code, message, details);
      }
    } catch {
      // Not JSON (a proxy's HTML error page, for example): use the status line below.
    }
  }
  const statusText = response.statusText || 'error';
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    `The server answered ${response.status} ${statusText}${text && text.length < 200 ? `: ${text.trim()}` : ''}`,
  );
}
