/**
 * Validation at the edge with the zod schemas of @xendeck/api. Failures throw ApiError
 * INVALID_INPUT (422) whose message and `details.issues` say what and where.
 */
import { domainNameSchema } from '@xendeck/api';
import type { z } from 'zod';
import { ApiError, zodToApiError } from './errors.js';

/** Parses a JSON request body (a missing body counts as `{}`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw zodToApiError(r.error, 'request body');
  return r.data;
}

/**
 * Validates the URL path parameter `param` with `schema`; 422 INVALID_INPUT "Invalid <what> "…"
 * in the path: …" with `details.where = 'path'` and `details.issues = [{path: param, message}]`.
 */
export function parsePathParam<T>(
  schema: z.ZodType<T>,
  what: string,
  param: string,
  raw: unknown,
): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? `invalid ${what}`;
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid ${what} ${JSON.stringify(raw)} in the path: ${message}`,
      {
        where: 'path',
        issues: [{ path: param, message }],
      },
    );
  }
  return r.data;
}

/** Validates a domain name taken from the URL path (`:name`), before it reaches a path or libxl. */
export function parseDomainName(raw: unknown): string {
  return parsePathParam(domainNameSchema, 'domain name', 'name', raw);
}
