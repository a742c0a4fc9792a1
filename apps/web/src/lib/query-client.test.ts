import { describe, expect, it } from 'vitest';
import { ApiError } from './api-client';
import { createQueryClient, sessionQueryKey } from './query-client';

describe('createQueryClient', () => {
  it('a 401 from any query empties the session (which sends the person to login)', async () => {
    const client = createQueryClient();
    client.setQueryData(sessionQueryKey, { username: 'admin', role: 'admin' });
    await client
      .fetchQuery({
        queryKey: ['host'],
        queryFn: () => Promise.reject(new ApiError(401, 'UNAUTHENTICATED', 'session expired')),
      })
      .catch(() => {});
    expect(client.getQueryData(sessionQueryKey)).toBeNull();
  });

  it('other errors leave the session alone', async () => {
    const client = createQueryClient();
    client.setQueryData(sessionQueryKey, { username: 'admin', role: 'admin' });
    await client
      .fetchQuery({
        queryKey: ['host'],
        retry: false,
        queryFn: () => Promise.reject(new ApiError(503, 'XEN_UNAVAILABLE', 'no Xen')),
      })
      .catch(() => {});
    expect(client.getQueryData(sessionQueryKey)).toEqual({ username: 'admin', role: 'admin' });
  });

  it('a 401 from a mutation empties the session too', async () => {
    const client = createQueryClient();
    client.setQueryData(sessionQueryKey, { username: 'admin', role: 'admin' });
    await client
      .getMutationCache()
      .build(client, {
        mutationFn: () => Promise.reject(new ApiError(401, 'UNAUTHENTICATED', 'session expired')),
      })
      .execute(undefined)
      .catch(() => {});
    expect(client.getQueryData(sessionQueryKey)).toBeNull();
  });
});
