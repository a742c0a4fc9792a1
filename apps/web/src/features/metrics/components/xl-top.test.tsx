import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { metricsDomain, metricsSample } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { MetricsStore } from '../lib/metrics-store';
import { XlTop } from './xl-top';

const T0 = 1_700_000_000_000;

function rowNames(): string[] {
  return screen
    .getAllByTestId(/^top-row-/)
    .map((r) => r.getAttribute('data-testid')?.replace('top-row-', '') ?? '');
}

describe('<XlTop>', () => {
  it('shows xentop’s columns per domain and sorts by a clicked heading, toggling', async () => {
    const user = userEvent.setup();
    const store = new MetricsStore();
    store.ingest(
      metricsSample(T0, [
        metricsDomain({
          domid: 0,
          name: 'Domain-0',
          cpuPercent: 3.21,
          memoryBytes: 2048 * 1024 ** 2,
        }),
        metricsDomain({ domid: 2, name: 'web10', cpuPercent: 73.44, memoryBytes: 256 * 1024 ** 2 }),
        metricsDomain({ domid: 3, name: 'web2', cpuPercent: null, memoryBytes: 1024 ** 3 }),
      ]),
    );
    renderWithProviders(<XlTop store={store} />);

    expect(
      screen.getAllByRole('columnheader').map((h) => h.textContent?.replace(/[▲▼]/, '')),
    ).toEqual([
      'NAME',
      'STATE',
      'CPU(sec)',
      'CPU(%)',
      'MEM(k)',
      'MEM(%)',
      'MAXMEM(k)',
      'VCPUS',
      'NETS',
      'NETTX(k)',
      'NETRX(k)',
      'VBDS',
      'VBD_OO',
      'VBD_RD',
      'VBD_WR',
      'VBD_RSECT',
      'VBD_WSECT',
    ]);
    // Default: CPU(%) largest first, no rate last.
    expect(rowNames()).toEqual(['web10', 'Domain-0', 'web2']);
    const web10 = within(screen.getByTestId('top-row-web10'));
    expect(web10.getByTestId('top-cpu-percent')).toHaveTextContent(/^73\.4$/);
    expect(web10.getByText('262144')).toBeInTheDocument(); // MEM(k)
    expect(
      within(screen.getByTestId('top-row-web2')).getByTestId('top-cpu-percent'),
    ).toHaveTextContent('—');

    const memHeader = screen.getByRole('button', { name: 'MEM(k)' });
    await user.click(memHeader);
    expect(rowNames()).toEqual(['Domain-0', 'web2', 'web10']);
    expect(memHeader.closest('th')).toHaveAttribute('aria-sort', 'descending');
    expect(memHeader).toHaveTextContent('▼');
    await user.click(memHeader);
    expect(rowNames()).toEqual(['web10', 'web2', 'Domain-0']);
    expect(memHeader.closest('th')).toHaveAttribute('aria-sort', 'ascending');
    expect(memHeader).toHaveTextContent('▲');

    await user.click(screen.getByRole('button', { name: 'NAME' }));
    expect(rowNames()).toEqual(['Domain-0', 'web2', 'web10']);
  });

  it('updates with each sample and says when the stream is paused for a hidden tab', () => {
    const store = new MetricsStore();
    renderWithProviders(<XlTop store={store} />);
    expect(screen.getByText('Waiting for the first sample…')).toBeInTheDocument();
    act(() => {
      store.setStatus('live');
      store.ingest(metricsSample(T0, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: 1 })]));
    });
    expect(screen.getByTestId('metrics-status')).toHaveTextContent('live');
    expect(screen.getByTestId('top-cpu-percent')).toHaveTextContent('1.0');
    act(() => {
      store.ingest(
        metricsSample(T0 + 1000, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: 42.06 })]),
      );
      store.setStatus('paused');
    });
    expect(screen.getByTestId('top-cpu-percent')).toHaveTextContent('42.1');
    expect(screen.getByTestId('metrics-status')).toHaveTextContent('paused (tab hidden)');
  });

  it('with 500 domains mounts only the rows in view, filters by name and state, sorts by any column', async () => {
    const user = userEvent.setup();
    const store = new MetricsStore();
    const states = ['running', 'blocked', 'paused'] as const;
    store.ingest(
      metricsSample(
        T0,
        Array.from({ length: 500 }, (_, i) =>
          metricsDomain({
            domid: i + 1,
            name: `vm-${String(i + 1).padStart(3, '0')}`,
            state: states[i % 3],
            cpuPercent: i % 100,
            vcpus: 1 + (i % 4),
          }),
        ),
      ),
    );
    renderWithProviders(<XlTop store={store} initialRect={{ width: 1280, height: 500 }} />);
    // 500 px of 25 px rows: 20 in view, 12 beyond.
    expect(rowNames().length).toBeLessThanOrEqual(40);
    expect(screen.getByTestId('top-table')).toHaveAttribute('aria-rowcount', '501');
    // Default CPU(%) descending: the 99 % ones first, ties by name.
    expect(rowNames().slice(0, 2)).toEqual(['vm-100', 'vm-200']);
    act(() => {
      const scroller = screen.getByTestId('top-scroll');
      scroller.scrollTop = 480 * 25;
      fireEvent.scroll(scroller);
    });
    expect(rowNames()).toContain('vm-001'); // 0 % sorts to the end
    expect(rowNames().length).toBeLessThanOrEqual(40);
    act(() => {
      const scroller = screen.getByTestId('top-scroll');
      scroller.scrollTop = 0;
      fireEvent.scroll(scroller);
    });

    await user.type(screen.getByLabelText('Filter by name'), 'vm-0');
    await user.selectOptions(screen.getByLabelText('State'), 'blocked');
    expect(screen.getByTestId('top-count')).toHaveTextContent('33 of 500 domains');
    await user.click(screen.getByRole('button', { name: 'NAME' }));
    expect(screen.getByRole('button', { name: 'NAME' }).closest('th')).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    expect(rowNames().slice(0, 3)).toEqual(['vm-002', 'vm-005', 'vm-008']);
  });

  it('shows — for a field the stream has not sent yet (another page subscribed to fewer)', () => {
    const store = new MetricsStore();
    store.ingest({
      type: 'sample',
      t: T0,
      intervalMs: 1000,
      host: metricsSample(T0, []).host,
      domains: [{ domid: 1, name: 'web1', state: 'running', cpuPercent: 12.5 }],
    });
    renderWithProviders(<XlTop store={store} />);
    const row = within(screen.getByTestId('top-row-web1'));
    expect(row.getByTestId('top-cpu-percent')).toHaveTextContent('12.5');
    expect(row.getAllByText('—').length).toBeGreaterThan(10);
  });
});
