/**
 * The domains table with hundreds of domains: only the rows in view are mounted (virtualized,
 * `?rows=all` mounts all), headings sort (aria-sort), the name and state filters, shut-off rows
 * sorted and filtered with the others, and the row count for assistive technology.
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Domain, DomainState } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsStore } from '@/features/metrics';
import { domain, metricsDomain, metricsSample } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { DomainsTableView, domainTableRows } from './domains-table';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));

afterEach(() => {
  vi.unstubAllGlobals();
  metricsStore.clear();
  window.history.replaceState(null, '', '/');
});

const STATES: DomainState[] = ['running', 'blocked', 'paused'];
/** 500 domains `vm-001`…`vm-500`, domid 1…500, states cycling, memory growing with the number. */
const many: Domain[] = Array.from({ length: 500 }, (_, i) =>
  domain({
    domid: i + 1,
    name: `vm-${String(i + 1).padStart(3, '0')}`,
    state: STATES[i % 3] as DomainState,
    memoryKiB: (i + 1) * 1024,
    maxMemoryKiB: 1024 * 1024,
  }),
);
/** 400 px of table: ten rows of 41 px in view. */
const RECT = { width: 1280, height: 400 };

const renderedRows = () => screen.queryAllByTestId(/^domain-row-/);
const renderedNames = () =>
  renderedRows().map((r) => r.getAttribute('data-testid')?.replace('domain-row-', ''));

describe('<DomainsTableView> with 500 domains', () => {
  it('mounts only the rows in view and a few beyond, and the ones scrolled to', () => {
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={many} initialRect={RECT} />);
    const rows = renderedRows();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThan(30);
    expect(renderedNames()[0]).toBe('vm-001');
    expect(screen.queryByTestId('domain-row-vm-250')).toBeNull();
    // The whole count for assistive technology: 500 rows and the heading row.
    expect(screen.getByTestId('domains-table')).toHaveAttribute('aria-rowcount', '501');
    expect(rows[0]).toHaveAttribute('aria-rowindex', '2');

    const scroller = screen.getByTestId('domains-scroll');
    act(() => {
      scroller.scrollTop = 249 * 41;
      fireEvent.scroll(scroller);
    });
    const row = screen.getByTestId('domain-row-vm-250');
    expect(row).toHaveAttribute('aria-rowindex', '251');
    expect(screen.queryByTestId('domain-row-vm-001')).toBeNull();
    expect(renderedRows().length).toBeLessThan(40);
  });

  it('mounts every row under ?rows=all (the benchmark baseline)', () => {
    window.history.replaceState(null, '', '/domains?rows=all');
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={many.slice(0, 120)} initialRect={RECT} />);
    expect(renderedRows()).toHaveLength(120);
  });

  it('sorts by a clicked heading, again the other way, with aria-sort; CPU % from the stream', async () => {
    const user = userEvent.setup();
    mockFetch(() => jsonResponse(200, {}));
    const few = many.slice(0, 6);
    renderWithProviders(<DomainsTableView domains={few} initialRect={RECT} />);
    const heading = (name: string) => screen.getByRole('button', { name }).closest('th');
    expect(heading('ID')).toHaveAttribute('aria-sort', 'ascending');
    expect(renderedNames()).toEqual(['vm-001', 'vm-002', 'vm-003', 'vm-004', 'vm-005', 'vm-006']);

    await user.click(screen.getByRole('button', { name: 'Memory' }));
    expect(heading('Memory')).toHaveAttribute('aria-sort', 'descending');
    expect(heading('ID')).toHaveAttribute('aria-sort', 'none');
    expect(renderedNames()[0]).toBe('vm-006');
    await user.click(screen.getByRole('button', { name: 'Memory' }));
    expect(heading('Memory')).toHaveAttribute('aria-sort', 'ascending');
    expect(renderedNames()[0]).toBe('vm-001');

    // Live CPU %: busiest first, no rate yet last; the order follows the next sample.
    act(() => {
      metricsStore.ingest(
        metricsSample(1_000, [
          metricsDomain({ domid: 2, name: 'vm-002', cpuPercent: 5 }),
          metricsDomain({ domid: 4, name: 'vm-004', cpuPercent: 90 }),
          metricsDomain({ domid: 5, name: 'vm-005', cpuPercent: 40 }),
        ]),
      );
    });
    await user.click(screen.getByRole('button', { name: 'CPU %' }));
    expect(heading('CPU %')).toHaveAttribute('aria-sort', 'descending');
    expect(renderedNames().slice(0, 3)).toEqual(['vm-004', 'vm-005', 'vm-002']);
    act(() => {
      metricsStore.ingest(
        metricsSample(2_000, [
          metricsDomain({ domid: 2, name: 'vm-002', cpuPercent: 99 }),
          metricsDomain({ domid: 4, name: 'vm-004', cpuPercent: 90 }),
        ]),
      );
    });
    expect(renderedNames().slice(0, 2)).toEqual(['vm-002', 'vm-004']);
  });

  it('filters by part of the name and by state, and says how many are shown', async () => {
    const user = userEvent.setup();
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(<DomainsTableView domains={many} initialRect={RECT} />);
    expect(screen.getByTestId('domains-count')).toHaveTextContent('500 domains');

    await user.type(screen.getByLabelText('Filter by name'), 'VM-04');
    // vm-040…vm-049: ten rows, all mounted.
    expect(renderedNames()).toEqual(Array.from({ length: 10 }, (_, i) => `vm-04${i}`));
    expect(screen.getByTestId('domains-count')).toHaveTextContent('10 of 500 domains');
    expect(screen.getByTestId('domains-table')).toHaveAttribute('aria-rowcount', '11');

    await user.selectOptions(screen.getByLabelText('State'), 'paused');
    // Of vm-040…049, index i%3 == 2 is paused: vm-042, vm-045, vm-048.
    expect(renderedNames()).toEqual(['vm-042', 'vm-045', 'vm-048']);
    for (const row of renderedRows()) {
      expect(within(row).getByTestId('domain-state')).toHaveTextContent('paused');
    }

    await user.clear(screen.getByLabelText('Filter by name'));
    await user.type(screen.getByLabelText('Filter by name'), 'nothing-like-it');
    expect(renderedRows()).toHaveLength(0);
    expect(screen.getByText('No domain matches the filter.')).toBeInTheDocument();
  });

  it('keeps shut-off rows after the domains, in the filters and the count', async () => {
    const user = userEvent.setup();
    mockFetch(() => jsonResponse(200, {}));
    renderWithProviders(
      <DomainsTableView
        domains={many.slice(0, 3)}
        shutOff={['zz-off', 'aa-off']}
        initialRect={RECT}
      />,
    );
    const ids = () =>
      screen.getAllByTestId(/^(domain|shut-off)-row-/).map((r) => r.getAttribute('data-testid'));
    expect(ids()).toEqual([
      'domain-row-vm-001',
      'domain-row-vm-002',
      'domain-row-vm-003',
      'shut-off-row-aa-off',
      'shut-off-row-zz-off',
    ]);
    expect(screen.getByTestId('domains-count')).toHaveTextContent('5 domains');
    await user.selectOptions(screen.getByLabelText('State'), 'shut off');
    expect(ids()).toEqual(['shut-off-row-aa-off', 'shut-off-row-zz-off']);
    await user.type(screen.getByLabelText('Filter by name'), 'zz');
    expect(ids()).toEqual(['shut-off-row-zz-off']);
  });

  it('orders rows in one pass: filter, sort, shut-off names after (pure)', () => {
    const rows = domainTableRows(
      many.slice(0, 4),
      ['b-off', 'a-off', 'vm-002'],
      { text: '', state: '' },
      { key: 'name', direction: 'desc' },
    );
    expect(rows.map((r) => (r.kind === 'domain' ? r.domain.name : `off:${r.name}`))).toEqual([
      'vm-004',
      'vm-003',
      'vm-002',
      'vm-001',
      // A running name is not also shut off; desc by name reverses the shut-off ones too.
      'off:b-off',
      'off:a-off',
    ]);
  });
});
