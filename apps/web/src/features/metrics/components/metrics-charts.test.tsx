import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MetricsHistory } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeUPlot } from '@/test/fake-uplot';
import { metricsDomain, metricsSample } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { MetricsStore } from '../lib/metrics-store';
import { DomainMetricsCharts, HostMetricsCharts } from './metrics-charts';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));

const T0 = 1_700_000_000_000;

function history(range: MetricsHistory['range'], t: number[]): MetricsHistory {
  return {
    range,
    stepSeconds: range === '10m' ? 1 : 60,
    points: t.map((ti, i) => ({
      t: ti,
      cpuPercent: 10 + i,
      cpuPercentMax: 20 + i,
      memoryBytes: 1000,
      memoryBytesMax: 2000,
      netRxBps: 1,
      netTxBps: 2,
      vbdRdPs: 3,
      vbdWrPs: 4,
    })),
  };
}

/** The plot living in the container with this test id. */
function plotOf(testId: string): FakeUPlot {
  const el = screen.getByTestId(testId);
  const plot = FakeUPlot.instances.filter((p) => !p.destroyed).find((p) => p.target === el);
  if (!plot) throw new Error(`no live plot in ${testId}`);
  return plot;
}

beforeEach(() => {
  FakeUPlot.instances = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('<DomainMetricsCharts>', () => {
  it('starts live on 10 min, and each range button requests its history URL', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) => {
      const range = new URL(req.url, 'http://x').searchParams.get(
        'range',
      ) as MetricsHistory['range'];
      return jsonResponse(200, history(range, [T0 - 120_000, T0 - 60_000]));
    });
    const store = new MetricsStore();
    renderWithProviders(<DomainMetricsCharts name="web 1" store={store} />);

    for (const id of ['chart-cpu', 'chart-memory', 'chart-network', 'chart-disk']) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    expect(screen.getByRole('button', { name: '10 min' })).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() =>
      expect(requests.map((r) => r.url)).toContain('/api/v1/domains/web%201/metrics?range=10m'),
    );

    await user.click(screen.getByRole('button', { name: '1 h' }));
    await waitFor(() =>
      expect(requests.at(-1)?.url).toBe('/api/v1/domains/web%201/metrics?range=1h'),
    );
    expect(screen.getByRole('button', { name: '1 h' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: '10 min' })).toHaveAttribute('aria-pressed', 'false');
    // History: average and maximum (the band) for CPU.
    await waitFor(() => expect(plotOf('chart-cpu').labels).toEqual(['CPU avg', 'CPU max']));
    expect(plotOf('chart-cpu').data).toEqual([
      [T0 - 120_000, T0 - 60_000],
      [10, 11],
      [20, 21],
    ]);

    await user.click(screen.getByRole('button', { name: '24 h' }));
    await waitFor(() =>
      expect(requests.at(-1)?.url).toBe('/api/v1/domains/web%201/metrics?range=24h'),
    );
    await user.click(screen.getByRole('button', { name: '30 days' }));
    await waitFor(() =>
      expect(requests.at(-1)?.url).toBe('/api/v1/domains/web%201/metrics?range=30d'),
    );
  });

  it('on 10 min, appends each live sample after the 10m history it starts from', async () => {
    mockFetch(() => jsonResponse(200, history('10m', [T0 - 2000, T0 - 1000, T0])));
    const store = new MetricsStore();
    renderWithProviders(<DomainMetricsCharts name="web1" store={store} />);
    await waitFor(() => expect(plotOf('chart-cpu').data[0]).toHaveLength(3));

    // The live buffer overlaps the history's last point: history is used only before it.
    act(() => {
      store.ingest(metricsSample(T0, [metricsDomain({ domid: 3, name: 'web1', cpuPercent: 50 })]));
      store.ingest(
        metricsSample(T0 + 1000, [metricsDomain({ domid: 3, name: 'web1', cpuPercent: 60 })]),
      );
    });
    const cpu = plotOf('chart-cpu');
    expect(cpu.labels).toEqual(['CPU']);
    expect(cpu.data).toEqual([
      [T0 - 2000, T0 - 1000, T0, T0 + 1000],
      [10, 11, 50, 60],
    ]);
    // Memory live: current and max memory.
    expect(plotOf('chart-memory').labels).toEqual(['memory', 'max memory']);
  });
});

describe('<HostMetricsCharts>', () => {
  it('requests the host history for the picked range', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) => {
      const range = new URL(req.url, 'http://x').searchParams.get(
        'range',
      ) as MetricsHistory['range'];
      return jsonResponse(200, history(range, [T0]));
    });
    renderWithProviders(<HostMetricsCharts store={new MetricsStore()} />);
    expect(screen.getByTestId('chart-host-cpu')).toBeInTheDocument();
    expect(screen.getByTestId('chart-host-memory')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '30 days' }));
    await waitFor(() => expect(requests.at(-1)?.url).toBe('/api/v1/host/metrics?range=30d'));
    await waitFor(() =>
      expect(plotOf('chart-host-memory').labels).toEqual(['used avg', 'used max']),
    );
  });
});
