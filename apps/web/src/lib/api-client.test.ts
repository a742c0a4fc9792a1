import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { jsonResponse, mockFetch } from '@/test/render';
import { ApiError, apiFetch, isUnauthorized } from './api-client';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiFetch', () => {
  it('maps the server error body to ApiError with status, code, message and details', async () => {
    mockFetch(() =>
      jsonResponse(422, {
        error: {
          code: 'MEMORY_OUT_OF_RANGE',
          message: 'target 64 MiB is below the minimum 512 MiB',
          details: { minKiB: 524288, maxKiB: 4194304, requestedKiB: 65536 },
        },
      }),
    );
    const error = await apiFetch('/host/dom0/memory', { method: 'PUT', body: { targetMiB: 64 } })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: 'MEMORY_OUT_OF_RANGE',
      message: 'target 64 MiB is below the minimum 512 MiB',
      details: { minKiB: 524288, maxKiB: 4194304, requestedKiB: 65536 },
    });
  });

  it('keeps a multi-line xl error text as the message', async () => {
    const xlText =
      'Parsing config from /etc/xen/web1.cfg\nlibxl: error: libxl_create.c:1234: cannot make domain: -3';
    mockFetch(() => jsonResponse(500, { error: { code: 'CREATE_FAILED', message: xlText } }));
    await expect(
      apiFetch('/domains/web1/start', { method: 'POST', body: {} }),
    ).rejects.toMatchObject({
      code: 'CREATE_FAILED',
      message: xlText,
      status: 500,
    });
  });

  it('gives HTTP_<status> with the status text when the error body is not the contract shape', async () => {
    mockFetch(
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    await expect(apiFetch('/host')).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: expect.stringContaining('502 Bad Gateway'),
    });
  });

  it('reports an unreachable server as NETWORK_ERROR with status 0', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(apiFetch('/domains')).rejects.toMatchObject({
      status: 0,
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('GET /api/v1/domains'),
    });
  });

  it('sends JSON with Content-Type on mutating requests, under /api/v1', async () => {
    const { requests } = mockFetch(() => new Response(null, { status: 204 }));
    await apiFetch('/session', { method: 'POST', body: { username: 'admin', password: 'pw' } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/session',
      body: { username: 'admin', password: 'pw' },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('says JSON on a DELETE without a body too (the server answers 415 otherwise)', async () => {
    const { requests } = mockFetch(() => new Response(null, { status: 204 }));
    await apiFetch('/session', { method: 'DELETE' });
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.body).toBeUndefined();
  });

  it('does not send a Content-Type on a GET', async () => {
    const { requests } = mockFetch(() => jsonResponse(200, { a: 1 }));
    await apiFetch('/x', { schema: z.object({ a: z.number() }) });
    expect(requests[0]?.headers['content-type']).toBeUndefined();
  });

  it('returns the body parsed by the schema, and BAD_RESPONSE when it does not match', async () => {
    const schema = z.object({ username: z.string(), role: z.enum(['admin', 'customer']) });
    mockFetch(() => jsonResponse(200, { username: 'admin', role: 'admin' }));
    await expect(apiFetch('/session', { schema })).resolves.toEqual({
      username: 'admin',
      role: 'admin',
    });

    mockFetch(() => jsonResponse(200, { username: 'admin', role: 'root' }));
    await expect(apiFetch('/session', { schema })).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
      message: expect.stringContaining('role'),
    });
  });

  it('isUnauthorized is true only for 401 ApiErrors', () => {
    expect(isUnauthorized(new ApiError(401, 'UNAUTHENTICATED', 'log in'))).toBe(true);
    expect(isUnauthorized(new ApiError(403, 'FORBIDDEN', 'no'))).toBe(false);
    expect(isUnauthorized(new Error('401'))).toBe(false);
  });
});
