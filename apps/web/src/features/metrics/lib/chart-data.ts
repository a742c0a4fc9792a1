/**
 * Turns series of points (live buffer, history answers) into uPlot's columnar data.
 */
import type uPlot from 'uplot';
import type { MetricsHistoryPoint } from './contract';
import type { LivePoint } from './metrics-store';

/** Any point with a time `t` (ms since the epoch) and numeric or null fields. */
export type AnyPoint = { t: number } & { [K in string]?: number | null };

/** `[t[], ...one column per key]`; missing fields become null (uPlot's "no value"). */
export function toColumns<P extends { t: number }>(
  points: readonly P[],
  keys: readonly (keyof P & string)[],
): uPlot.AlignedData {
  const t = points.map((p) => p.t);
  const cols = keys.map((k) =>
    points.map((p) => {
      const v = p[k];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    }),
  );
  return [t, ...cols];
}

/**
 * The live 10-minute series, led by the history endpoint's `10m` answer for the time before the
 * first live point (so a chart opened now shows ten minutes at once, not one point). History
 * points have no max memory: the earliest live one stands in, as it rarely changes.
 */
export function seedLiveSeries(
  history: readonly MetricsHistoryPoint[] | undefined,
  live: readonly LivePoint[],
): LivePoint[] {
  const first = live[0];
  if (!history || history.length === 0) return [...live];
  const before = first ? history.filter((p) => p.t < first.t) : history;
  const maxMemoryBytes = live.find((p) => p.maxMemoryBytes !== null)?.maxMemoryBytes ?? null;
  const seeded: LivePoint[] = before.map((p) => ({
    t: p.t,
    cpuPercent: p.cpuPercent,
    memoryBytes: p.memoryBytes,
    maxMemoryBytes,
    netRxBps: p.netRxBps,
    netTxBps: p.netTxBps,
    vbdRdPs: p.vbdRdPs,
    vbdWrPs: p.vbdWrPs,
  }));
  return [...seeded, ...live];
}
