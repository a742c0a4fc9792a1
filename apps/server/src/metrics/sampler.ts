/**
 * The one metrics sampler of the server: every `intervalMs` (XENDECK_METRICS_INTERVAL_MS, default
 * 1 s) it takes `hypervisor.metricsSnapshot()` (libxenstat), computes rates against the previous
 * snapshot with `computeRates` (CPU % = Δcpu_ns / Δwall, as xentop), builds the `sample` message
 * once, and hands it to the in-memory ring (10 min), the downsampler (SQLite) and the listeners
 * (the websocket hub). However many clients watch, there is one timer and one snapshot per tick.
 *
 * No overlap: a tick that comes while the previous snapshot is still being read is skipped (logged
 * at debug). Failures (snapshot, SQLite) are logged, at most once a minute per kind with a count
 * of the ones not logged, and never stop the timer. History is keyed by domain **name**: a domain
 * restarted under the same name continues its series (computeRates gives it no rates for one
 * tick, so there is no spike).
 */
import type { MetricsSampleMessage } from '@xendeck/api';
import {
  computeRates,
  type Hypervisor,
  type MetricsRates,
  type MetricsSnapshot,
} from '@xendeck/hypervisor';
import type { Logger } from 'pino';
import type { MetricsRing } from './ring.js';
import { toSampleMessage, toSeriesPoints } from './sample.js';
import { HOUR_MS, type MetricsStore } from './store.js';

/** One tick's result. */
export interface MetricsTick {
  /** Wall time of the tick, ms since the epoch (the `t` of the message). */
  t: number;
  snapshot: MetricsSnapshot;
  rates: MetricsRates;
  /** The `sample` message for every domain. */
  message: MetricsSampleMessage;
  /** How long the snapshot and rates took, seconds. */
  durationSeconds: number;
}

export interface MetricsSamplerOptions {
  intervalMs: number;
  ring: MetricsRing;
  store: MetricsStore;
  /** Wall clock, ms since the epoch; default Date.now (tests inject one). */
  now?: () => number;
  /** Period of the history pruning, ms; default 1 h (it also runs at start). */
  pruneMs?: number;
}

/** Logs a recurring failure at most once per `periodMs`, with how many were not logged. */
class RateLimitedLog {
  private last = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  constructor(
    private readonly logger: Logger,
    private readonly msg: string,
    private readonly periodMs = 60_000,
  ) {}
  error(err: unknown, now: number): void {
    if (now - this.last < this.periodMs) {
      this.suppressed++;
      return;
    }
    this.logger.error({ err, notLoggedSinceLast: this.suppressed }, this.msg);
    this.last = now;
    this.suppressed = 0;
  }
}

export class MetricsSampler {
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private prev: MetricsSnapshot | undefined;
  private latestTick: MetricsTick | undefined;
  private readonly listeners = new Set<(tick: MetricsTick) => void>();
  private readonly now: () => number;
  private readonly snapshotErrors: RateLimitedLog;
  private readonly storeErrors: RateLimitedLog;
  private stopped = false;
  /** Ticks skipped because the previous one was still running. */
  skipped = 0;

  constructor(
    private readonly hv: Hypervisor,
    private readonly logger: Logger,
    private readonly opts: MetricsSamplerOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.snapshotErrors = new RateLimitedLog(logger, 'metrics: snapshot failed');
    this.storeErrors = new RateLimitedLog(logger, 'metrics: could not write the history');
  }

  /** The sampler's period, ms. */
  get intervalMs(): number {
    return this.opts.intervalMs;
  }

  /** The newest tick, or undefined before the first one. */
  get latest(): MetricsTick | undefined {
    return this.latestTick;
  }

  /** Calls `fn` after every tick; returns the unsubscribe function. */
  onTick(fn: (tick: MetricsTick) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts the timer and prunes the history once now. Idempotent. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.prune();
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => this.prune(), this.opts.pruneMs ?? HOUR_MS);
    this.pruneTimer.unref();
    void this.tick();
  }

  private prune(): void {
    try {
      const r = this.opts.store.prune(this.now());
      if (r.rows1m + r.rows1h + r.series > 0) this.logger.info(r, 'metrics: history pruned');
    } catch (err) {
      this.storeErrors.error(err, this.now());
    }
  }

  /**
   * Runs one tick now unless one is running (then it is skipped). Resolves when the tick is done;
   * never rejects. Tests call it directly for deterministic ticks.
   */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.skipped++;
      this.logger.debug({ skipped: this.skipped }, 'metrics: previous snapshot still running');
      return this.running;
    }
    this.running = this.runTick()
      .catch((err: unknown) => this.snapshotErrors.error(err, this.now()))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async runTick(): Promise<void> {
    const t = this.now();
    const started = process.hrtime.bigint();
    let snapshot: MetricsSnapshot;
    let rates: MetricsRates;
    try {
      snapshot = await this.hv.metricsSnapshot();
      rates = computeRates(this.prev, snapshot);
    } catch (err) {
      this.snapshotErrors.error(err, t);
      return;
    }
    if (this.stopped) return;
    this.prev = snapshot;
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const message = toSampleMessage(snapshot, rates, t, this.opts.intervalMs);
    const tick: MetricsTick = { t, snapshot, rates, message, durationSeconds };
    this.latestTick = tick;
    const points = toSeriesPoints(message);
    this.opts.ring.push(t, points);
    try {
      this.opts.store.add(t, points);
    } catch (err) {
      this.storeErrors.error(err, t);
    }
    for (const fn of this.listeners) {
      try {
        fn(tick);
      } catch (err) {
        this.logger.error({ err }, 'metrics: a tick listener failed');
      }
    }
  }

  /** Stops the timers, waits for a tick in flight, and writes the minute being accumulated. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.timer = undefined;
    this.pruneTimer = undefined;
    await this.running;
    try {
      this.opts.store.flush();
    } catch (err) {
      this.logger.error({ err }, 'metrics: could not write the last minute on shutdown');
    }
  }
}
