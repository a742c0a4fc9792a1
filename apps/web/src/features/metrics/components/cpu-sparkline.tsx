import { useMemo } from 'react';
import { useDomainSeries } from '../api/metrics-stream';
import type { MetricsStore } from '../lib/metrics-store';
import { sparklinePath } from '../lib/sparkline';

const WIDTH = 80;
const HEIGHT = 20;
/** The sparkline shows this much of the live buffer. */
export const SPARKLINE_WINDOW_MS = 2 * 60_000;

/**
 * The last 2 minutes of a domain's CPU % as a small line (0 at the bottom, 100 % of one physical
 * CPU at the top unless the domain used more). Decorative: the number beside it carries the value.
 */
export function CpuSparkline({ name, store }: { name: string; store?: MetricsStore }) {
  const series = useDomainSeries(name, store);
  const d = useMemo(() => {
    const last = series.at(-1);
    if (!last) return '';
    return sparklinePath({
      points: series.map((p) => ({ t: p.t, v: p.cpuPercent })),
      now: last.t,
      windowMs: SPARKLINE_WINDOW_MS,
      width: WIDTH,
      height: HEIGHT,
      minTop: 100,
    });
  }, [series]);
  return (
    <svg
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      aria-hidden="true"
      data-testid="cpu-sparkline"
      className="shrink-0 overflow-visible rounded-sm bg-zinc-100/70 text-sky-600 dark:bg-zinc-800/60 dark:text-sky-400"
    >
      {d ? (
        <path d={d} fill="none" stroke="currentColor" strokeWidth={1.25} strokeLinejoin="round" />
      ) : null}
    </svg>
  );
}
