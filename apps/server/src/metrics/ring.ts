/**
 * The last 10 minutes of every series at full resolution (one point per sampler tick), in memory.
 * Each series is a fixed-size ring of typed arrays allocated when the series first appears, so
 * memory does not grow while the server runs: about 50 KiB per series at 1-second ticks.
 * A series whose newest point left the window is dropped; at most `maxSeries` are kept (the
 * least recently seen goes first).
 */
import type { MetricsPoint } from '@xendeck/api';
import type { SeriesPoint } from './sample.js';

/** The window kept in memory: 10 minutes, in ms. */
export const RING_WINDOW_MS = 10 * 60 * 1000;

const FIELDS = ['cpuPercent', 'memoryBytes', 'netRxBps', 'netTxBps', 'vbdRdPs', 'vbdWrPs'] as const;

class SeriesRing {
  readonly t: Float64Array;
  readonly domid: Int32Array;
  /** One array per field of FIELDS; NaN stands for null. */
  readonly values: Float64Array[];
  /** Index of the next write. */
  head = 0;
  size = 0;
  lastT = Number.NEGATIVE_INFINITY;

  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.domid = new Int32Array(capacity);
    this.values = FIELDS.map(() => new Float64Array(capacity));
    // Touch every page now: the ring's memory is resident from the series' first tick, not grown
    // into over the window (so RSS is flat while the server runs, as the header says).
    this.t.fill(0);
    this.domid.fill(0);
    for (const v of this.values) v.fill(Number.NaN);
  }

  push(t: number, p: SeriesPoint): void {
    const i = this.head;
    this.t[i] = t;
    this.domid[i] = p.domid;
    FIELDS.forEach((f, k) => {
      const v = p[f];
      (this.values[k] as Float64Array)[i] = v === null ? Number.NaN : v;
    });
    this.head = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.lastT = t;
  }
}

/** Options of {@link MetricsRing}. */
export interface MetricsRingOptions {
  /** The sampler's period, ms: sizes each ring (window / interval, plus slack for jitter). */
  intervalMs: number;
  /** Window kept, ms; default {@link RING_WINDOW_MS}. */
  windowMs?: number;
  /** Most series kept; default 2000. */
  maxSeries?: number;
}

export class MetricsRing {
  private readonly series = new Map<string, SeriesRing>();
  private readonly windowMs: number;
  private readonly capacity: number;
  private readonly maxSeries: number;
  /** Time of the newest push, ms since the epoch: the window ends here. */
  private latestT = Number.NEGATIVE_INFINITY;

  constructor(opts: MetricsRingOptions) {
    this.windowMs = opts.windowMs ?? RING_WINDOW_MS;
    // Ticks are never closer than the interval (setInterval only runs late); the slack covers
    // a clock step and keeps the ring from wrapping inside the window.
    this.capacity = Math.ceil(this.windowMs / opts.intervalMs) + 16;
    this.maxSeries = opts.maxSeries ?? 2000;
  }

  /** Number of series held. */
  get seriesCount(): number {
    return this.series.size;
  }

  /**
   * Adds one tick: every series' point at time `t` (ms since the epoch). Drops series whose
   * newest point is older than the window, then the least recently seen beyond `maxSeries`.
   */
  push(t: number, points: Map<string, SeriesPoint>): void {
    this.latestT = Math.max(this.latestT, t);
    for (const [name, p] of points) {
      let s = this.series.get(name);
      if (!s) {
        s = new SeriesRing(this.capacity);
        this.series.set(name, s);
      } else {
        // Map order = least recently seen first: move it to the end.
        this.series.delete(name);
        this.series.set(name, s);
      }
      s.push(t, p);
    }
    const cutoff = this.latestT - this.windowMs;
    for (const [name, s] of this.series) {
      if (s.lastT > cutoff && this.series.size <= this.maxSeries) break;
      this.series.delete(name);
    }
  }

  /** Whether a series of that name has a point in the window. */
  has(name: string): boolean {
    const s = this.series.get(name);
    return s !== undefined && s.lastT > this.latestT - this.windowMs;
  }

  /**
   * The points of a series in the window (`t` > newest tick − window), oldest first, as history
   * points (maxima equal the values: each point is one sample). Empty for an unknown series.
   */
  points(name: string): MetricsPoint[] {
    const s = this.series.get(name);
    if (!s) return [];
    const cutoff = this.latestT - this.windowMs;
    const out: MetricsPoint[] = [];
    const start = (s.head - s.size + s.capacity) % s.capacity;
    const val = (k: number, i: number): number | null => {
      const v = (s.values[k] as Float64Array)[i] as number;
      return Number.isNaN(v) ? null : v;
    };
    for (let j = 0; j < s.size; j++) {
      const i = (start + j) % s.capacity;
      const t = s.t[i] as number;
      if (t <= cutoff) continue;
      const cpu = val(0, i);
      const mem = val(1, i) ?? 0;
      out.push({
        t,
        cpuPercent: cpu,
        cpuPercentMax: cpu,
        memoryBytes: mem,
        memoryBytesMax: mem,
        netRxBps: val(2, i),
        netTxBps: val(3, i),
        vbdRdPs: val(4, i),
        vbdWrPs: val(5, i),
      });
    }
    return out;
  }
}
