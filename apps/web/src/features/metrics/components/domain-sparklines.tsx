import { memo, useMemo } from 'react';
import { useDomainSeries } from '../api/metrics-stream';
import type { LivePoint, MetricsStore } from '../lib/metrics-store';
import { sparklinePath } from '../lib/sparkline';

const WIDTH = 80;
const HEIGHT = 20;
/** The sparklines show this much of the live buffer. */
export const SPARKLINE_WINDOW_MS = 2 * 60_000;

/**
 * One domain series drawn as a sparkline: `pick` chooses the value, `minTop` the top edge.
 * Memoized twice over: the component re-renders only when its props or its series change (the
 * store replaces a series array only when a point is added), and the path string is recomputed
 * only for a new series identity; a row outside a virtualized table's window is not mounted.
 */
const DomainSparkline = memo(function DomainSparkline({
  name,
  store,
  pick,
  minTop,
  testId,
  width = WIDTH,
}: {
  name: string;
  store?: MetricsStore | undefined;
  pick: (p: LivePoint) => number | null;
  minTop: number;
  testId: string;
  width?: number;
}) {
  const series = useDomainSeries(name, store);
  const d = useMemo(() => {
    const last = series.at(-1);
    if (!last) return '';
    return sparklinePath({
      points: series.map((p) => ({ t: p.t, v: pick(p) })),
      now: last.t,
      windowMs: SPARKLINE_WINDOW_MS,
      width,
      height: HEIGHT,
      minTop,
    });
  }, [series, pick, minTop, width]);
  return (
    <svg
      width={width}
      height={HEIGHT}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      aria-hidden="true"
      data-testid={testId}
      className="shrink-0 overflow-visible rounded-sm bg-zinc-100/70 text-sky-600 dark:bg-zinc-800/60 dark:text-sky-400"
    >
      {d ? (
        <path d={d} fill="none" stroke="currentColor" strokeWidth={1.25} strokeLinejoin="round" />
      ) : null}
    </svg>
  );
});

const pickCpu = (p: LivePoint) => p.cpuPercent;
const pickMemory = (p: LivePoint) => p.memoryBytes;

/**
 * The last 2 minutes of a domain's CPU % as a small line (0 at the bottom, 100 % of one physical
 * CPU at the top unless the domain used more). Decorative: the number beside it carries the value.
 */
export function CpuSparkline({ name, store }: { name: string; store?: MetricsStore }) {
  return (
    <DomainSparkline name={name} store={store} pick={pickCpu} minTop={100} testId="cpu-sparkline" />
  );
}

/**
 * The last 2 minutes of a domain's memory (xenstat cur_mem, bytes) as a small line: 0 at the
 * bottom, the domain's maximum (`maxMemoryBytes`, `maxmem`) at the top, so a balloon going up or
 * down shows as a step. Decorative: the figure beside it carries the value.
 */
export function MemorySparkline({
  name,
  maxMemoryBytes,
  store,
}: {
  name: string;
  /** Top edge, bytes (the domain's maximum memory); larger samples raise it. */
  maxMemoryBytes: number;
  store?: MetricsStore;
}) {
  return (
    <DomainSparkline
      name={name}
      store={store}
      pick={pickMemory}
      minTop={Math.max(1, maxMemoryBytes)}
      testId="memory-sparkline"
      width={48}
    />
  );
}
