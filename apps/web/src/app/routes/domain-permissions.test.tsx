import { screen } from '@testing-library/react';
import type { Grant, SessionInfo } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CdromMenu } from '@/features/consoles';
import { DomainActions } from '@/features/domains';
import { FakeWebSocket } from '@/test/fake-websocket';
import { domain } from '@/test/fixtures';
import {
  createTestQueryClient,
  jsonResponse,
  mockFetch,
  type RecordedRequest,
  renderRouteAt,
  renderWithProviders,
} from '@/test/render';
import { DomainRoute } from './domain';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));
vi.mock('@novnc/novnc');

const win1 = domain({ domid: 5, name: 'win1', type: 'hvm', state: 'running' });

const customerWith = (...grants: Grant[]): SessionInfo => ({
  username: 'alice',
  role: 'customer',
  totpEnabled: false,
  backend: 'simulated',
  grants,
});

let requests: RecordedRequest[];
beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  ({ requests } = mockFetch((req) => {
    if (req.url === '/api/v1/domains') return jsonResponse(200, [win1]);
    if (req.url === '/api/v1/configs') return jsonResponse(200, []);
    if (req.url.startsWith('/api/v1/domains/win1/cdrom')) return jsonResponse(200, { drives: [] });
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  }));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const tabNames = () => screen.getAllByRole('tab').map((t) => t.textContent);

describe('domain page by permission', () => {
  it('a customer with view+console sees Overview and Console only: no Config, Snapshots, Resources, Network, Save, power', async () => {
    renderDomainPageFor(customerWith({ domain: 'win1', permissions: ['view', 'console'] }));
    expect(await screen.findByText('domid')).toBeInTheDocument();
    expect(tabNames()).toEqual(['Overview', 'Console']);
    expect(screen.queryByTestId('save-domain-button')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Shutdown' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Destroy' })).not.toBeInTheDocument();
    // The config text is never asked for.
    expect(requests.some((r) => r.url.startsWith('/api/v1/configs'))).toBe(false);
  });

  it('a customer with power and metrics gets the power buttons and the Metrics tab', async () => {
    renderDomainPageFor(
      customerWith({ domain: 'win1', permissions: ['view', 'power', 'metrics'] }),
    );
    expect(await screen.findByRole('button', { name: 'Shutdown' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Destroy' })).toBeInTheDocument();
    expect(tabNames()).toEqual(['Overview', 'Metrics']);
  });

  it('an operator gets the power buttons and every tab but Config and Snapshots; no Save', async () => {
    renderDomainPageFor({
      username: 'op',
      role: 'operator',
      totpEnabled: false,
      backend: 'simulated',
    });
    expect(await screen.findByRole('button', { name: 'Shutdown' })).toBeInTheDocument();
    expect(screen.queryByTestId('save-domain-button')).not.toBeInTheDocument();
    expect(tabNames()).toEqual(['Overview', 'Metrics', 'Resources', 'Network', 'Console']);
  });

  it('an admin gets every tab and Save', async () => {
    renderDomainPageFor({
      username: 'root',
      role: 'admin',
      totpEnabled: false,
      backend: 'simulated',
    });
    expect(await screen.findByTestId('save-domain-button')).toBeInTheDocument();
    expect(tabNames()).toEqual([
      'Overview',
      'Metrics',
      'Resources',
      'Network',
      'Snapshots',
      'Config',
      'Console',
    ]);
  });

  it('?view=config as a customer falls back to Overview', async () => {
    renderDomainPageFor(customerWith({ domain: 'win1', permissions: ['view'] }), '?view=config');
    expect(await screen.findByText('domid')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  });
});

describe('buttons by permission', () => {
  it('DomainActions: nothing without power on that domain, the buttons with it', () => {
    const { unmount } = renderWithProviders(
      <DomainActions domain={win1} />,
      createTestQueryClient(customerWith({ domain: 'other', permissions: ['view', 'power'] })),
    );
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    unmount();
    renderWithProviders(
      <DomainActions domain={win1} />,
      createTestQueryClient(customerWith({ domain: 'win1', permissions: ['power'] })),
    );
    expect(screen.getByRole('button', { name: 'Reboot' })).toBeInTheDocument();
  });

  it('CdromMenu: nothing (and no request) without reinstall, the CD button with it', () => {
    const { unmount } = renderWithProviders(
      <CdromMenu name="win1" domain={win1} />,
      createTestQueryClient(customerWith({ domain: 'win1', permissions: ['view', 'console'] })),
    );
    expect(screen.queryByTestId('cdrom-menu-button')).not.toBeInTheDocument();
    expect(requests).toHaveLength(0);
    unmount();
    renderWithProviders(
      <CdromMenu name="win1" domain={win1} />,
      createTestQueryClient(customerWith({ domain: 'win1', permissions: ['reinstall'] })),
    );
    expect(screen.getByTestId('cdrom-menu-button')).toBeInTheDocument();
  });
});

function renderDomainPageFor(session: SessionInfo, search = '') {
  return renderRouteAt(`/domains/win1${search}`, '/domains/:name', <DomainRoute />, session);
}
