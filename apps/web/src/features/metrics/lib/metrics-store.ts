/**
 * The live metrics buffer: the latest sample of `WS /api/v1/metrics` and a rolling window of
 * points per domain (by name) and for the host. It lives outside React and outside TanStack
 * Query's cache (one tick a second would churn the cache); components read it with
 * `useSyncExternalStore` (see `../api/metrics-stream.ts`).
 *
 * Every getter returns the same object until the next change, as `useSyncExternalStore` needs;
 * series arrays are replaced, never mutated, so a consumer can compare them by identity.
 */
import type { MetricsDomain, MetricsSample } from './contract';

/**
 * One point of a live series. `t` is ms since the epoch; a point whose values are all null is a
 * gap marker (the stream was paused or lost), so charts break the line there instead of drawing
 * a straight segment across the missing minutes.
 */
export interface LivePoint {
  t: number;
  /** Domain: percent of one physical CPU (may exceed 100); host: percent of all CPUs. */
  cpuPercent: number | null;
  /** Domain: current memory; host: used memory (total − free). Bytes. */
  memoryBytes: number | null;
  /** Domain: maximum memory; host: total memory. Bytes. */
  maxMemoryBytes: number | null;
  /** Bytes per second, summed over the domain's vifs (null for the host). */
  netRxBps: number | null;
  netTxBps: number | null;
  /** Requests per second, summed over the domain's vbds (null for the host). */
  vbdRdPs: number | null;
  vbdWrPs: number | null;
}

/** State of the metrics websocket. `paused`: closed on purpose while the tab is hidden. */
export type MetricsStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'paused';

export interface MetricsStoreOptions {
  /** How much history each series keeps, ms (default 10 minutes). */
  windowMs?: number;
  /** Hard cap on points per series, whatever their timestamps say (default 900). */
  maxPoints?: number;
}

const EMPTY: readonly LivePoint[] = Object.freeze([]);

function gapAt(t: number): LivePoint {
  return {
    t,
    cpuPercent: null,
    memoryBytes: null,
    maxMemoryBytes: null,
    netRxBps: null,
    netTxBps: null,
    vbdRdPs: null,
    vbdWrPs: null,
  };
}

/** The latest sample plus a capped rolling buffer per domain name and for the host. */
export class MetricsStore {
  readonly windowMs: number;
  readonly maxPoints: number;
  private latest: MetricsSample | null = null;
  private host: readonly LivePoint[] = EMPTY;
  private domains = new Map<string, readonly LivePoint[]>();
  private latestByName = new Map<string, MetricsDomain>();
  private status: MetricsStatus = 'idle';
  private listeners = new Set<() => void>();

  constructor({ windowMs = 10 * 60_000, maxPoints = 900 }: MetricsStoreOptions = {}) {
    this.windowMs = windowMs;
    this.maxPoints = maxPoints;
  }

  /** Registers `listener` for every change; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getLatest = (): MetricsSample | null => this.latest;
  getStatus = (): MetricsStatus => this.status;
  getHostSeries = (): readonly LivePoint[] => this.host;
  /** The series of the domain called `name` (continues across restarts under a new domid). */
  getDomainSeries = (name: string): readonly LivePoint[] => this.domains.get(name) ?? EMPTY;
  /**
   * The latest sample's entry for the domain called `name` (a map lookup, not a scan: a table of
   * 500 rows asks for each of its rendered rows every tick), or undefined when it is not in it.
   */
  getDomainLatest = (name: string): MetricsDomain | undefined => this.latestByName.get(name);
  /** Names that have a series now. */
  domainNames(): string[] {
    return [...this.domains.keys()];
  }

  setStatus(status: MetricsStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.emit();
  }

  /**
   * Adds one sample: it becomes the latest (a field the subscription did not ask for is absent
   * from its domains and is a null value in their points), each domain's point is appended to the series of its
   * name and the host's to the host series. A point older than or equal to its series' last one
   * is dropped; a jump of more than 2.5 intervals inserts a gap marker first. Points older than
   * the window are trimmed from every series, series left empty are forgotten, and no series
   * keeps more than `maxPoints`.
   */
  ingest(sample: MetricsSample): void {
    this.latest = sample;
    const byName = new Map<string, MetricsDomain>();
    for (const d of sample.domains) byName.set(d.name, d);
    this.latestByName = byName;
    const { t, intervalMs, host } = sample;
    this.host = this.append(
      this.host,
      {
        t,
        cpuPercent: host.cpuPercent,
        memoryBytes: host.totalMemoryBytes - host.freeMemoryBytes,
        maxMemoryBytes: host.totalMemoryBytes,
        netRxBps: null,
        netTxBps: null,
        vbdRdPs: null,
        vbdWrPs: null,
      },
      intervalMs,
    );
    const seen = new Set<string>();
    for (const d of sample.domains) {
      seen.add(d.name);
      this.domains.set(
        d.name,
        this.append(
          this.domains.get(d.name) ?? EMPTY,
          {
            t,
            cpuPercent: d.cpuPercent ?? null,
            memoryBytes: d.memoryBytes ?? null,
            maxMemoryBytes: d.maxMemoryBytes ?? null,
            netRxBps: d.netRxBps ?? null,
            netTxBps: d.netTxBps ?? null,
            vbdRdPs: d.vbdRdPs ?? null,
            vbdWrPs: d.vbdWrPs ?? null,
          },
          intervalMs,
        ),
      );
    }
    // Domains absent from this tick keep their past until it ages out of the window.
    for (const [name, points] of this.domains) {
      if (seen.has(name)) continue;
      const kept = this.trim(points, t);
      if (kept.length === 0 || kept.every((p) => p.cpuPercent === null && p.memoryBytes === null)) {
        this.domains.delete(name);
      } else if (kept !== points) {
        this.domains.set(name, kept);
      }
    }
    this.emit();
  }

  /** Forgets every sample (on logout / stop), keeps the listeners. */
  clear(): void {
    this.latest = null;
    this.latestByName = new Map();
    this.host = EMPTY;
    this.domains = new Map();
    this.emit();
  }

  private append(
    points: readonly LivePoint[],
    p: LivePoint,
    intervalMs: number,
  ): readonly LivePoint[] {
    const last = points.at(-1);
    if (last && p.t <= last.t) return points;
    const next = points.slice();
    if (last && p.t - last.t > 2.5 * intervalMs) next.push(gapAt(last.t + intervalMs));
    next.push(p);
    return this.trim(next, p.t);
  }

  private trim(points: readonly LivePoint[], now: number): readonly LivePoint[] {
    const oldest = now - this.windowMs;
    let drop = 0;
    while (drop < points.length && (points[drop] as LivePoint).t < oldest) drop += 1;
    drop = Math.max(drop, points.length - this.maxPoints);
    return drop > 0 ? points.slice(drop) : points;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
