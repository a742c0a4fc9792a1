/**
 * Shut-off rows of the domains table (`api/shut-off-domains.ts`, `shut-off-row.tsx`): a
 * customer's granted domains that are not running, from the session's grants, with Start only
 * where they hold `power`; "no config file" for a 404 CONFIG_NOT_FOUND; operators' names from
 * `GET /startable-domains`.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SessionInfo } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsStore } from '@/features/metrics';
import { domain } from '@/test/fixtures';
import { createTestQueryClient, jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { DomainsTable } from './domains-table';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));

afterEach(() => {
  vi.unstubAllGlobals();
  metricsStore.clear();
});

const web1 = domain({ domid: 3, name: 'web1', state: 'running' });

const customer: SessionInfo = {
  username: 'alice',
  role: 'customer',
  totpEnabled: false,
  backend: 'simulated',
  grants: [
    { domain: 'web1', permissions: ['view', 'power'] },
    { domain: 'off-power', permissions: ['view', 'power'] },
    { domain: 'off-view', permissions: ['view'] },
    { domain: 'no-config', permissions: ['view', 'power'] },
  ],
};

describe('shut-off rows', () => {
  it("shows a customer's granted domains that do not run, Start only with power; start posts and a missing config reads 'no config file'", async () => {
    let running = [web1];
    const { requests } = mockFetch((req) => {
      const path = req.url.replace('/api/v1', '');
      if (path === '/domains') return jsonResponse(200, running);
      if (path === '/domains/off-power/start') {
        running = [web1, domain({ domid: 9, name: 'off-power', state: 'running' })];
        return jsonResponse(201, { domid: 9, name: 'off-power', output: '' });
      }
      if (path === '/domains/no-config/start') {
        return jsonResponse(404, {
          error: { code: 'CONFIG_NOT_FOUND', message: 'No domain config file <dom0 path>' },
        });
      }
      return jsonResponse(200, {});
    });
    const user = userEvent.setup();
    renderWithProviders(<DomainsTable />, createTestQueryClient(customer));

    const off = await screen.findByTestId('shut-off-row-off-power');
    expect(within(off).getByTestId('domain-state')).toHaveTextContent(/^shut off$/);
    // The running one is a normal row, not also a shut-off one.
    expect(screen.getByTestId('domain-row-web1')).toBeInTheDocument();
    expect(screen.queryByTestId('shut-off-row-web1')).not.toBeInTheDocument();
    // View only: the row, no Start.
    const viewOnly = screen.getByTestId('shut-off-row-off-view');
    expect(within(viewOnly).queryByRole('button', { name: 'Start' })).not.toBeInTheDocument();
    // Rows A→Z after the running ones.
    expect(
      screen.getAllByTestId(/^shut-off-row-/).map((r) => r.getAttribute('data-testid')),
    ).toEqual(['shut-off-row-no-config', 'shut-off-row-off-power', 'shut-off-row-off-view']);
    // A customer never asks for the operators' list.
    expect(requests.some((r) => r.url.includes('/startable-domains'))).toBe(false);

    await user.click(within(screen.getByTestId('shut-off-row-no-config')).getByRole('button'));
    expect(await screen.findByTestId('start-error-no-config')).toHaveTextContent(
      /^Could not start: no config file$/,
    );

    await user.click(screen.getByTestId('start-off-power'));
    await waitFor(() => expect(screen.getByTestId('domain-row-off-power')).toBeInTheDocument());
    expect(screen.queryByTestId('shut-off-row-off-power')).not.toBeInTheDocument();
    const starts = requests.filter((r) => r.method === 'POST').map((r) => r.url);
    expect(starts).toEqual(['/api/v1/domains/no-config/start', '/api/v1/domains/off-power/start']);
  });

  it("an operator's shut-off rows come from GET /startable-domains, each with Start", async () => {
    mockFetch((req) => {
      const path = req.url.replace('/api/v1', '');
      if (path === '/domains') return jsonResponse(200, [web1]);
      if (path === '/startable-domains') return jsonResponse(200, { names: ['db2', 'web1'] });
      return jsonResponse(200, {});
    });
    renderWithProviders(
      <DomainsTable />,
      createTestQueryClient({
        username: 'op',
        role: 'operator',
        totpEnabled: false,
        backend: 'simulated',
      }),
    );
    const row = await screen.findByTestId('shut-off-row-db2');
    expect(within(row).getByTestId('start-db2')).toBeEnabled();
    // web1 started meanwhile: listed once, as running.
    expect(screen.queryByTestId('shut-off-row-web1')).not.toBeInTheDocument();
  });
});
