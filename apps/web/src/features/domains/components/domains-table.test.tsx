import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dom0, domain } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { DomainsTableView } from './domains-table';

afterEach(() => {
  vi.unstubAllGlobals();
});

const web1 = domain({
  domid: 3,
  name: 'web1',
  state: 'running',
  memoryKiB: 1_048_575,
  vcpus: 2,
  maxVcpus: 2,
  cpuTimeNs: 12_345_000_000,
});
const paused1 = domain({ domid: 4, name: 'paused1', state: 'paused' });

describe('<DomainsTableView>', () => {
  it('shows each domain as xl list does: floored MiB, state word, CPU seconds', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={[dom0, web1]} />);
    const row = screen.getByTestId('domain-row-web1');
    expect(within(row).getByTestId('domain-memory')).toHaveTextContent(/^1023 MiB$/);
    expect(within(row).getByTestId('domain-state')).toHaveTextContent(/^running$/);
    expect(within(row).getByText('12.3')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('domain-row-Domain-0')).getByTestId('domain-memory'),
    ).toHaveTextContent('2048 MiB');
  });

  it('offers no actions on dom0 and the right ones per state', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={[dom0, web1, paused1]} />);
    expect(within(screen.getByTestId('domain-row-Domain-0')).queryByRole('button')).toBeNull();

    const running = within(screen.getByTestId('domain-row-web1'));
    expect(running.getByRole('button', { name: 'Shutdown' })).toBeEnabled();
    expect(running.getByRole('button', { name: 'Pause' })).toBeEnabled();
    expect(running.getByRole('button', { name: 'Resume' })).toBeDisabled();

    const paused = within(screen.getByTestId('domain-row-paused1'));
    expect(paused.getByRole('button', { name: 'Resume' })).toBeEnabled();
    expect(paused.getByRole('button', { name: 'Pause' })).toBeDisabled();
    expect(paused.getByRole('button', { name: 'Destroy' })).toBeEnabled();
  });

  it('shows the xl command of each action as its tooltip', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={[web1]} />);
    const row = within(screen.getByTestId('domain-row-web1'));
    expect(row.getByRole('button', { name: 'Reboot' })).toHaveAttribute('title', 'xl reboot web1');
    expect(row.getByRole('button', { name: 'Destroy' })).toHaveAttribute(
      'title',
      'xl destroy web1',
    );
  });

  it('destroy asks first: no request until Destroy is clicked in the dialog', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'POST' ? new Response(null, { status: 204 }) : jsonResponse(200, [dom0]),
    );
    renderWithProviders(<DomainsTableView domains={[dom0, web1]} />);

    await user.click(
      within(screen.getByTestId('domain-row-web1')).getByRole('button', { name: 'Destroy' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('web1');
    expect(dialog).toHaveTextContent(/pulling the power cord/);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    // Cancel: still nothing sent.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.click(
      within(screen.getByTestId('domain-row-web1')).getByRole('button', { name: 'Destroy' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Destroy' }),
    );
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'POST')?.url).toBe('/api/v1/domains/web1/destroy');
  });

  it('disables the row buttons while a request runs and shows its error', async () => {
    const user = userEvent.setup();
    let fail: (r: Response) => void = () => {};
    mockFetch((req) =>
      req.method === 'POST'
        ? new Promise<Response>((resolve) => {
            fail = resolve;
          })
        : jsonResponse(200, [web1]),
    );
    renderWithProviders(<DomainsTableView domains={[web1]} />);
    const row = within(screen.getByTestId('domain-row-web1'));
    await user.click(row.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(row.getByRole('button', { name: 'Pause' })).toBeDisabled());
    expect(row.getByRole('button', { name: 'Shutdown' })).toBeDisabled();
    expect(row.getByRole('button', { name: 'Destroy' })).toBeDisabled();

    fail(
      jsonResponse(409, { error: { code: 'INVALID_STATE', message: 'web1 is already paused' } }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Pause web1');
    expect(alert).toHaveTextContent('web1 is already paused');
    await waitFor(() => expect(row.getByRole('button', { name: 'Pause' })).toBeEnabled());

    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
