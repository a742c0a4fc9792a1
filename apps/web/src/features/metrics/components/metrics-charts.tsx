import type { UseQueryResult } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useDomainMetrics } from '../api/get-domain-metrics';
import { useHostMetrics } from '../api/get-host-metrics';
import { useDomainSeries, useHostSeries, useMetricsView } from '../api/metrics-stream';
import { seedLiveSeries, toColumns } from '../lib/chart-data';
import type { ChartSeriesSpec } from '../lib/chart-options';
import type { MetricsHistory, MetricsRange } from '../lib/contract';
import type { LivePoint, MetricsStore } from '../lib/metrics-store';
import { ALL_FIELDS } from '../lib/metrics-view';
import { TimeSeriesChart } from './lazy-time-series-chart';
import { RangePicker } from './range-picker';

// Tailwind's 600 (light) and 400 (dark) shades.
const SKY = ['#0284c7', '#38bdf8'] as const;
const VIOLET = ['#7c3aed', '#a78bfa'] as const;
const EMERALD = ['#059669', '#34d399'] as const;
const AMBER = ['#d97706', '#fbbf24'] as const;
const ROSE = ['#e11d48', '#fb7185'] as const;
const ZINC = ['#71717a', '#a1a1aa'] as const;

const NO_POINTS: MetricsHistory['points'] = [];

/** Width of each range's x axis, ms. */
const RANGE_MS: Record<MetricsRange, number> = {
  '10m': 10 * 60_000,
  '1h': 3600_000,
  '24h': 24 * 3600_000,
  '30d': 30 * 24 * 3600_000,
};

interface RangeView {
  live: boolean;
  /** Points for the charts: live (seeded) for 10 min, the history answer's otherwise. */
  live10m: LivePoint[];
  history: MetricsHistory['points'];
  xWindow: readonly [number, number] | undefined;
  emptyText: string;
}

/** What the charts show for `range`: the live buffer (seeded by `10m` history) or a history answer. */
function useRangeView(
  range: MetricsRange,
  liveSeries: readonly LivePoint[],
  query: UseQueryResult<MetricsHistory>,
): RangeView {
  const live = range === '10m';
  const live10m = useMemo(
    () => (live ? seedLiveSeries(query.data?.points, liveSeries) : []),
    [live, query.data, liveSeries],
  );
  const history = live ? NO_POINTS : (query.data?.points ?? NO_POINTS);
  // The axis spans the whole range (a young history shows as such), ending at the newest point.
  const step = (query.data?.stepSeconds ?? 0) * 1000;
  const last = live ? live10m.at(-1)?.t : Math.max(Date.now(), (history.at(-1)?.t ?? 0) + step);
  let emptyText: string;
  if (query.isError && !live) emptyText = `Could not load history: ${query.error.message}`;
  else if (query.isPending && !live) emptyText = 'Loading history…';
  else if (live) emptyText = 'Waiting for the first sample…';
  else emptyText = 'Nothing recorded in this range yet';
  return {
    live,
    live10m,
    history,
    xWindow: last !== undefined ? [last - RANGE_MS[range], last] : undefined,
    emptyText,
  };
}

function ChartsHeader({
  range,
  onRange,
  stepSeconds,
}: {
  range: MetricsRange;
  onRange: (r: MetricsRange) => void;
  stepSeconds: number | undefined;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {range === '10m'
          ? 'Live: one sample a second from libxenstat (xentop’s source).'
          : `Averages per ${stepSeconds === undefined ? '…' : formatStep(stepSeconds)}; the faint line and band up to it are each step’s maximum.`}
      </p>
      <RangePicker value={range} onChange={onRange} />
    </div>
  );
}

function formatStep(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/**
 * A domain's CPU, memory, network and disk charts with a range picker: `10 min` is live (the
 * metrics websocket appends each second's sample to the `10m` history it starts from), `1 h`,
 * `24 h`, `30 days` come from `GET /domains/:name/metrics?range=` and show the average with the
 * maximum as a faint band (CPU, memory). Subscribes the page to every field of this domain.
 */
export function DomainMetricsCharts({ name, store }: { name: string; store?: MetricsStore }) {
  useMetricsView({ domains: [name], fields: ALL_FIELDS });
  const [range, setRange] = useState<MetricsRange>('10m');
  const liveSeries = useDomainSeries(name, store);
  const query = useDomainMetrics(name, range);
  const view = useRangeView(range, liveSeries, query);

  const charts = useMemo(() => {
    if (view.live) {
      const p = view.live10m;
      return {
        cpu: toColumns(p, ['cpuPercent']),
        memory: toColumns(p, ['memoryBytes', 'maxMemoryBytes']),
        network: toColumns(p, ['netRxBps', 'netTxBps']),
        disk: toColumns(p, ['vbdRdPs', 'vbdWrPs']),
      };
    }
    const p = view.history;
    return {
      cpu: toColumns(p, ['cpuPercent', 'cpuPercentMax']),
      memory: toColumns(p, ['memoryBytes', 'memoryBytesMax']),
      network: toColumns(p, ['netRxBps', 'netTxBps']),
      disk: toColumns(p, ['vbdRdPs', 'vbdWrPs']),
    };
  }, [view.live, view.live10m, view.history]);

  const cpuSeries: ChartSeriesSpec[] = view.live
    ? [{ label: 'CPU', color: SKY, fill: true }]
    : [
        { label: 'CPU avg', color: SKY, fill: true },
        { label: 'CPU max', color: SKY, bandTo: 0 },
      ];
  const memorySeries: ChartSeriesSpec[] = view.live
    ? [
        { label: 'memory', color: VIOLET, fill: true },
        { label: 'max memory', color: ZINC, dashed: true },
      ]
    : [
        { label: 'memory avg', color: VIOLET, fill: true },
        { label: 'memory max', color: VIOLET, bandTo: 0 },
      ];
  const common = {
    ...(view.xWindow ? { xWindow: view.xWindow } : {}),
    emptyText: view.emptyText,
  };

  return (
    <div className="flex flex-col gap-3">
      <ChartsHeader range={range} onRange={setRange} stepSeconds={query.data?.stepSeconds} />
      <div className="grid gap-4 lg:grid-cols-2">
        <TimeSeriesChart
          testId="chart-cpu"
          title="CPU (% of one physical CPU)"
          unit="percent"
          series={cpuSeries}
          data={charts.cpu}
          {...common}
        />
        <TimeSeriesChart
          testId="chart-memory"
          title="Memory"
          unit="bytes"
          series={memorySeries}
          data={charts.memory}
          {...common}
        />
        <TimeSeriesChart
          testId="chart-network"
          title="Network, all vifs (rx/tx as dom0’s backend sees them, like xentop)"
          unit="bytesPerSec"
          series={[
            { label: 'rx (sent by the guest)', color: EMERALD },
            { label: 'tx (received by the guest)', color: AMBER },
          ]}
          data={charts.network}
          {...common}
        />
        <TimeSeriesChart
          testId="chart-disk"
          title="Disk (all vbds)"
          unit="reqPerSec"
          series={[
            { label: 'read', color: SKY },
            { label: 'write', color: ROSE },
          ]}
          data={charts.disk}
          {...common}
        />
      </div>
    </div>
  );
}

/**
 * The host's CPU (percent of all physical CPUs, 0–100) and memory (used, with the total dashed
 * when live) charts with a range picker, as {@link DomainMetricsCharts} for one domain.
 */
export function HostMetricsCharts({ store }: { store?: MetricsStore }) {
  const [range, setRange] = useState<MetricsRange>('10m');
  const liveSeries = useHostSeries(store);
  const query = useHostMetrics(range);
  const view = useRangeView(range, liveSeries, query);

  const charts = useMemo(() => {
    if (view.live) {
      const p = view.live10m;
      return {
        cpu: toColumns(p, ['cpuPercent']),
        memory: toColumns(p, ['memoryBytes', 'maxMemoryBytes']),
      };
    }
    const p = view.history;
    return {
      cpu: toColumns(p, ['cpuPercent', 'cpuPercentMax']),
      memory: toColumns(p, ['memoryBytes', 'memoryBytesMax']),
    };
  }, [view.live, view.live10m, view.history]);

  const common = {
    ...(view.xWindow ? { xWindow: view.xWindow } : {}),
    emptyText: view.emptyText,
  };
  return (
    <div className="flex flex-col gap-3">
      <ChartsHeader range={range} onRange={setRange} stepSeconds={query.data?.stepSeconds} />
      <div className="grid gap-4 lg:grid-cols-2">
        <TimeSeriesChart
          testId="chart-host-cpu"
          title="Host CPU (% of all physical CPUs)"
          unit="percent"
          yMax={100}
          series={
            view.live
              ? [{ label: 'CPU', color: SKY, fill: true }]
              : [
                  { label: 'CPU avg', color: SKY, fill: true },
                  { label: 'CPU max', color: SKY, bandTo: 0 },
                ]
          }
          data={charts.cpu}
          {...common}
        />
        <TimeSeriesChart
          testId="chart-host-memory"
          title="Host memory in use (total − free in Xen’s heap)"
          unit="bytes"
          series={
            view.live
              ? [
                  { label: 'used', color: VIOLET, fill: true },
                  { label: 'total', color: ZINC, dashed: true },
                ]
              : [
                  { label: 'used avg', color: VIOLET, fill: true },
                  { label: 'used max', color: VIOLET, bandTo: 0 },
                ]
          }
          data={charts.memory}
          {...common}
        />
      </div>
    </div>
  );
}
