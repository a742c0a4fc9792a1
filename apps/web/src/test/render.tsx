import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { SessionInfo } from '@xendeck/api';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { vi } from 'vitest';
import { NoticesProvider, NoticesRegion } from '@/components/notices';
import { createQueryClient, sessionQueryKey } from '@/lib/query-client';

/** The session tests run as unless they say otherwise: an admin, who may see and do everything. */
export const ADMIN_SESSION: SessionInfo = {
  username: 'admin',
  role: 'admin',
  totpEnabled: false,
  backend: 'simulated',
};

/**
 * A fresh QueryClient with `session` already in `['session']` (what `RequireSession` loads before
 * any page renders), so permission checks (`useAccess`) answer without a `GET /session`.
 */
export function createTestQueryClient(session: SessionInfo | null = ADMIN_SESSION) {
  const queryClient = createQueryClient();
  queryClient.setQueryData(sessionQueryKey, session);
  return queryClient;
}

/** Renders `ui` with the app's providers (fresh QueryClient holding an admin session, notices shown under it, a router). */
export function renderWithProviders(ui: ReactElement, queryClient = createTestQueryClient()) {
  const result = render(
    <QueryClientProvider client={queryClient}>
      <NoticesProvider>
        <MemoryRouter>
          {ui}
          <NoticesRegion />
        </MemoryRouter>
      </NoticesProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}

/**
 * Renders `element` as the route `path` with the browser at `url` (e.g. `/domains/:name` at
 * `/domains/web1?view=console`), under the app's providers with `session` in the cache.
 */
export function renderRouteAt(
  url: string,
  path: string,
  element: ReactElement,
  session: SessionInfo | null = ADMIN_SESSION,
) {
  const queryClient = createTestQueryClient(session);
  const result = render(
    <QueryClientProvider client={queryClient}>
      <NoticesProvider>
        <MemoryRouter initialEntries={[url]}>
          <Routes>
            <Route path={path} element={element} />
          </Routes>
        </MemoryRouter>
      </NoticesProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

export interface RecordedRequest {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Replaces global fetch with `handler` and records every request (method, URL, parsed JSON body,
 * headers). The handler sees the recorded request and returns the Response.
 */
export function mockFetch(handler: (req: RecordedRequest) => Response | Promise<Response>) {
  const requests: RecordedRequest[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const req: RecordedRequest = {
      method: init?.method ?? 'GET',
      url: String(input),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      headers,
    };
    requests.push(req);
    return handler(req);
  });
  vi.stubGlobal('fetch', fn);
  return { requests, fn };
}
