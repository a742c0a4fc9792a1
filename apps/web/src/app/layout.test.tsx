import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SessionInfo } from '@xendeck/api';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NoticesProvider } from '@/components/notices';
import { FakeWebSocket } from '@/test/fake-websocket';
import { host } from '@/test/fixtures';
import { createTestQueryClient, jsonResponse, mockFetch } from '@/test/render';
import { AppLayout } from './layout';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));

const customer: SessionInfo = {
  username: 'alice',
  role: 'customer',
  totpEnabled: false,
  backend: 'simulated',
  grants: [{ domain: 'web1', permissions: ['view', 'power'] }],
};
const operator: SessionInfo = {
  username: 'op',
  role: 'operator',
  totpEnabled: false,
  backend: 'simulated',
};
const admin: SessionInfo = {
  username: 'root',
  role: 'admin',
  totpEnabled: false,
  backend: 'simulated',
};

function renderAt(url: string, session: SessionInfo) {
  const router = createMemoryRouter(
    [
      { path: '/login', element: <p>login page</p> },
      {
        element: <AppLayout />,
        children: [
          { path: '/', element: <p>overview page</p> },
          { path: '/domains', element: <p>domains page</p> },
          { path: '/storage', element: <p>storage page</p> },
          { path: '/users', element: <p>users page</p> },
          { path: '/account', element: <p>account page</p> },
        ],
      },
    ],
    { initialEntries: [url] },
  );
  render(
    <QueryClientProvider client={createTestQueryClient(session)}>
      <NoticesProvider>
        <RouterProvider router={router} />
      </NoticesProvider>
    </QueryClientProvider>,
  );
  return router;
}

const navLabels = () =>
  within(screen.getByRole('navigation', { name: 'Main' }))
    .getAllByRole('link')
    .map((a) => a.textContent);

beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  mockFetch((req) => {
    if (req.method === 'DELETE') return new Response(null, { status: 204 });
    return req.url === '/api/v1/host' ? jsonResponse(200, host()) : jsonResponse(200, []);
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('<AppLayout> by role', () => {
  it('shows the simulated banner to a customer, who may not read /host (it comes from the session)', async () => {
    mockFetch((req) =>
      req.url === '/api/v1/host'
        ? jsonResponse(403, { error: { code: 'FORBIDDEN', message: 'no' } })
        : jsonResponse(200, []),
    );
    renderAt('/domains', customer);
    expect(await screen.findByText(/Simulated host/)).toBeInTheDocument();
  });

  it('shows no simulated banner on real Xen', async () => {
    renderAt('/domains', { ...customer, backend: 'libxl' });
    expect(await screen.findByText('domains page')).toBeInTheDocument();
    expect(screen.queryByText(/Simulated host/)).toBeNull();
  });

  it('an admin sees every entry, Users and Account included', () => {
    renderAt('/domains', admin);
    expect(navLabels()).toEqual(
      expect.arrayContaining([
        'Overview',
        'Domains',
        'Config files',
        'Storage',
        'Users',
        'Account',
      ]),
    );
  });

  it('an operator sees no Users, Config files or Storage', () => {
    renderAt('/domains', operator);
    const labels = navLabels();
    expect(labels).toEqual(expect.arrayContaining(['Overview', 'Domains', 'xl top', 'Account']));
    for (const hidden of ['Users', 'Config files', 'Storage']) {
      expect(labels).not.toContain(hidden);
    }
  });

  it('a customer sees only Domains and Account (and Audit when it exists)', () => {
    renderAt('/domains', customer);
    expect(navLabels().filter((l) => !l?.startsWith('Audit'))).toEqual(['Domains', 'Account']);
    expect(screen.getByText('domains page')).toBeInTheDocument();
  });

  it('a customer typing /storage gets "not available", not the page', () => {
    renderAt('/storage', customer);
    expect(screen.getByTestId('not-available')).toHaveTextContent('not available to your account');
    expect(screen.queryByText('storage page')).not.toBeInTheDocument();
  });

  it('an operator typing /users gets "not available"', () => {
    renderAt('/users', operator);
    expect(screen.getByTestId('not-available')).toBeInTheDocument();
    expect(screen.queryByText('users page')).not.toBeInTheDocument();
  });

  it('/ sends a customer to their domains', async () => {
    const router = renderAt('/', customer);
    expect(await screen.findByText('domains page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/domains');
  });

  it('Log out leaves the frame for the login page', async () => {
    const router = renderAt('/account', customer);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByText('login page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(screen.queryByTestId('not-available')).not.toBeInTheDocument();
  });
});
