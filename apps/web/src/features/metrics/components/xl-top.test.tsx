import { act, screen, within } from '@testing-library/react';
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
});
