import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsStore } from '@/features/metrics';
import { dom0, domain, metricsDomain, metricsSample } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { DomainsTableView, memoryDiffers } from './domains-table';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));

afterEach(() => {
  vi.unstubAllGlobals();
  metricsStore.clear();
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

  it('shows live CPU % with one decimal and a sparkline; — before the first rate', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={[dom0, web1]} />);
    const cpu = () =>
      within(screen.getByTestId('domain-row-web1')).getByTestId('domain-cpu-percent');
    expect(cpu()).toHaveTextContent(/^—$/);
    act(() => {
      metricsStore.ingest(
        metricsSample(1_000, [metricsDomain({ domid: 3, name: 'web1', cpuPercent: null })]),
      );
    });
    expect(cpu()).toHaveTextContent(/^—$/);
    act(() => {
      metricsStore.ingest(
        metricsSample(2_000, [metricsDomain({ domid: 3, name: 'web1', cpuPercent: 73.44 })]),
      );
      metricsStore.ingest(
        metricsSample(3_000, [metricsDomain({ domid: 3, name: 'web1', cpuPercent: 12 })]),
      );
    });
    expect(cpu()).toHaveTextContent(/^12\.0%$/);
    const line = within(screen.getByTestId('domain-row-web1'))
      .getByTestId('cpu-sparkline')
      .querySelector('path');
    // Two points with a rate, 1 s apart at the right end of a 2-minute, 80 px window.
    expect(line?.getAttribute('d')).toMatch(/^M79\.3 [\d.]+ L80\.0 [\d.]+$/);
    // The memory cell still shows xl list's figure only.
    expect(
      within(screen.getByTestId('domain-row-web1')).getByTestId('domain-memory'),
    ).toHaveTextContent(/^1023 MiB$/);
  });

  it('draws live memory as a sparkline from 0 to the domain maximum, beside the xl list figure', () => {
    mockFetch(() => jsonResponse(200, {}));
    const capped = { ...web1, maxMemoryKiB: 2 * 1_048_576 };
    renderWithProviders(<DomainsTableView domains={[dom0, capped]} />);
    const row = () => screen.getByTestId('domain-row-web1');
    const path = () => within(row()).getByTestId('memory-sparkline').querySelector('path');
    expect(path()).toBeNull();
    const gib = 1024 ** 3;
    act(() => {
      metricsStore.ingest(
        metricsSample(1_000, [metricsDomain({ domid: 3, name: 'web1', memoryBytes: gib })]),
      );
      metricsStore.ingest(
        metricsSample(2_000, [metricsDomain({ domid: 3, name: 'web1', memoryBytes: 2 * gib })]),
      );
    });
    // 48 px wide, 20 px high: 1 GiB of a 2 GiB maximum sits half-way, 2 GiB at the top edge.
    expect(path()?.getAttribute('d')).toBe('M47.6 10.0 L48.0 0.5');
    expect(within(row()).getByTestId('domain-memory')).toHaveTextContent(/^1023 MiB$/);
  });

  it('tells when live memory differs from the list (same domid, whole MiB)', () => {
    const sample = (memoryBytes: number, domid = 3) =>
      metricsSample(1_000, [metricsDomain({ domid, name: 'web1', memoryBytes })]);
    expect(memoryDiffers([web1], null)).toBe(false);
    expect(memoryDiffers([web1], sample(1_048_575 * 1024))).toBe(false);
    expect(memoryDiffers([web1], sample(2048 * 1024 * 1024))).toBe(true);
    expect(memoryDiffers([web1], sample(2048 * 1024 * 1024, 7))).toBe(false);
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

  it.each([
    ['Shutdown', 'shutdown', /shut down/],
    ['Reboot', 'reboot', /new domid/],
  ])('%s asks first, with the xl command; Cancel sends nothing', async (label, op, explains) => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'POST' ? new Response(null, { status: 204 }) : jsonResponse(200, [web1]),
    );
    renderWithProviders(<DomainsTableView domains={[web1]} />);
    const row = () => within(screen.getByTestId('domain-row-web1'));
    await user.click(row().getByRole('button', { name: label }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(explains);
    expect(dialog).toHaveTextContent(`xl ${op} web1`);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    await user.click(row().getByRole('button', { name: label }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: label }),
    );
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'POST')?.url).toBe(`/api/v1/domains/web1/${op}`);
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
