/**
 * Downsampled metrics history in SQLite (tables `metrics_1m`, `metrics_1h`, `metrics_series`;
 * migration 3 in `src/db.ts`):
 *
 * - Every tick's points go into per-series accumulators for the current minute (sum, count and
 *   maximum of each field). When the first tick of a later minute arrives, the finished minute is
 *   written, all series in **one transaction**, and the hour that minute belongs to is recomputed
 *   from its 1-minute rows (averages weighted by sample count, maxima of maxima), so the hour
 *   being built is always present.
 * - {@link MetricsStore.prune} (hourly and at start): 1-minute rows older than 24 h, 1-hour rows
 *   older than 30 days; at most 1440 1-minute and 720 1-hour rows per series; at most
 *   `maxSeries` domain names (the least recently seen go, with their rows; the host series is
 *   always kept). Size bound: (maxSeries + 1) × 2160 rows (about 150 bytes each).
 */
import type { MetricsPoint } from '@xendeck/api';
import type { Db } from '../db.js';
import { HOST_SERIES, type SeriesPoint } from './sample.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Retention and caps (defaults as documented in API.md). */
export interface MetricsStoreOptions {
  /** Most domain names with history; default 2000. */
  maxSeries?: number;
  /** 1-minute rows kept per series; default 1440 (24 h). */
  maxRows1m?: number;
  /** 1-hour rows kept per series; default 720 (30 days). */
  maxRows1h?: number;
  /** Age after which 1-minute rows go, ms; default 24 h. */
  keep1mMs?: number;
  /** Age after which 1-hour rows go, ms; default 30 days. */
  keep1hMs?: number;
}

/** The accumulated fields, as column prefixes: `<col>_avg`, `<col>_max`. */
const COLUMNS = [
  ['cpu', 'cpuPercent'],
  ['mem', 'memoryBytes'],
  ['net_rx', 'netRxBps'],
  ['net_tx', 'netTxBps'],
  ['vbd_rd', 'vbdRdPs'],
  ['vbd_wr', 'vbdWrPs'],
] as const;

interface Acc {
  domid: number;
  n: number;
  sum: number[];
  count: number[];
  max: number[];
}

type Row = Record<string, number | null> & { name: string; t: number; n: number };

const avgCols = COLUMNS.map(([c]) => `${c}_avg`);
const maxCols = COLUMNS.map(([c]) => `${c}_max`);
const allCols = ['name', 't', 'domid', 'n', ...COLUMNS.flatMap(([c]) => [`${c}_avg`, `${c}_max`])];

/** Weighted merge of a row already there with a new one for the same minute (restart mid-minute). */
const mergeSet = [
  'domid = excluded.domid',
  'n = n + excluded.n',
  ...avgCols.map(
    (a) =>
      `${a} = CASE WHEN ${a} IS NULL THEN excluded.${a} WHEN excluded.${a} IS NULL THEN ${a} ` +
      `ELSE (${a} * n + excluded.${a} * excluded.n) / (n + excluded.n) END`,
  ),
  ...maxCols.map((m) => `${m} = max(coalesce(${m}, excluded.${m}), coalesce(excluded.${m}, ${m}))`),
].join(', ');

export class MetricsStore {
  private readonly maxSeries: number;
  private readonly maxRows1m: number;
  private readonly maxRows1h: number;
  private readonly keep1mMs: number;
  private readonly keep1hMs: number;
  /** Start of the minute being accumulated, ms since the epoch. */
  private minute: number | undefined;
  private acc = new Map<string, Acc>();
  private readonly insert1m;
  private readonly rollupHour;
  private readonly touchSeries;
  private readonly select1m;
  private readonly select1h;
  private readonly seriesExists;
  private readonly countSeries;

  constructor(
    private readonly db: Db,
    opts: MetricsStoreOptions = {},
  ) {
    this.maxSeries = opts.maxSeries ?? 2000;
    this.maxRows1m = opts.maxRows1m ?? 1440;
    this.maxRows1h = opts.maxRows1h ?? 720;
    this.keep1mMs = opts.keep1mMs ?? DAY_MS;
    this.keep1hMs = opts.keep1hMs ?? 30 * DAY_MS;
    this.insert1m = db.prepare(
      `INSERT INTO metrics_1m (${allCols.join(', ')}) VALUES (${allCols.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (name, t) DO UPDATE SET ${mergeSet}`,
    );
    const weighted = COLUMNS.map(
      ([c]) =>
        `sum(${c}_avg * n) / sum(CASE WHEN ${c}_avg IS NULL THEN 0 ELSE n END), max(${c}_max)`,
    ).join(', ');
    this.rollupHour = db.prepare(
      `INSERT OR REPLACE INTO metrics_1h (${allCols.join(', ')})
       SELECT m.name, @hour,
              (SELECT l.domid FROM metrics_1m l WHERE l.name = m.name AND l.t >= @hour AND l.t < @end
               ORDER BY l.t DESC LIMIT 1),
              sum(n), ${weighted}
       FROM metrics_1m m WHERE m.t >= @hour AND m.t < @end GROUP BY m.name`,
    );
    this.touchSeries = db.prepare(
      `INSERT INTO metrics_series (name, domid, last_seen) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET domid = excluded.domid, last_seen = excluded.last_seen`,
    );
    this.select1m = db.prepare(
      'SELECT * FROM metrics_1m WHERE name = ? AND t >= ? ORDER BY t DESC LIMIT ?',
    );
    this.select1h = db.prepare(
      'SELECT * FROM metrics_1h WHERE name = ? AND t >= ? ORDER BY t DESC LIMIT ?',
    );
    this.seriesExists = db.prepare('SELECT 1 FROM metrics_series WHERE name = ?').pluck();
    this.countSeries = db.prepare('SELECT count(*) FROM metrics_series').pluck();
  }

  /**
   * Adds one tick's points (time `t`, ms since the epoch). The first tick of a later minute
   * writes the minute before (see the module comment). Throws the SQLite error if that write
   * fails (the finished minute is then lost, the new one is accumulated all the same).
   */
  add(t: number, points: Map<string, SeriesPoint>): void {
    const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    let failure: unknown;
    if (this.minute !== undefined && minute !== this.minute) {
      try {
        this.flush();
      } catch (err) {
        failure = err;
      }
      this.acc = new Map();
    }
    this.minute = minute;
    for (const [name, p] of points) {
      let a = this.acc.get(name);
      if (!a) {
        a = {
          domid: p.domid,
          n: 0,
          sum: COLUMNS.map(() => 0),
          count: COLUMNS.map(() => 0),
          max: COLUMNS.map(() => Number.NEGATIVE_INFINITY),
        };
        this.acc.set(name, a);
      }
      a.domid = p.domid;
      a.n++;
      COLUMNS.forEach(([, field], k) => {
        const v = p[field];
        if (v === null) return;
        (a.sum[k] as number) += v;
        (a.count[k] as number)++;
        if (v > (a.max[k] as number)) a.max[k] = v;
      });
    }
    if (failure) throw failure;
  }

  /**
   * Writes the minute being accumulated now (also called on shutdown, so a restart within the
   * same minute merges into its row, weighted by sample count), and recomputes its hour.
   */
  flush(): void {
    const minute = this.minute;
    if (minute === undefined || this.acc.size === 0) return;
    const acc = this.acc;
    const hour = Math.floor(minute / HOUR_MS) * HOUR_MS;
    this.db.transaction(() => {
      for (const [name, a] of acc) {
        const row: Record<string, number | string | null> = {
          name,
          t: minute,
          domid: a.domid,
          n: a.n,
        };
        COLUMNS.forEach(([c], k) => {
          const count = a.count[k] as number;
          row[`${c}_avg`] = count > 0 ? (a.sum[k] as number) / count : null;
          row[`${c}_max`] = count > 0 ? (a.max[k] as number) : null;
        });
        this.insert1m.run(row);
        this.touchSeries.run(name, name === HOST_SERIES ? null : a.domid, minute + MINUTE_MS);
      }
      this.rollupHour.run({ hour, end: hour + HOUR_MS });
    })();
    this.acc = new Map();
    if ((this.countSeries.get() as number) > this.maxSeries + 1) this.capSeries();
  }

  /** Drops the least recently seen domain names beyond `maxSeries`, with their rows. */
  private capSeries(): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `DELETE FROM metrics_series WHERE name <> @host AND name NOT IN
             (SELECT name FROM metrics_series WHERE name <> @host
              ORDER BY last_seen DESC, name LIMIT @max)`,
        )
        .run({ host: HOST_SERIES, max: this.maxSeries });
      this.db.exec(
        `DELETE FROM metrics_1m WHERE name NOT IN (SELECT name FROM metrics_series);
         DELETE FROM metrics_1h WHERE name NOT IN (SELECT name FROM metrics_series);`,
      );
    })();
  }

  /**
   * Removes what is past retention or beyond the caps (see the module comment); `now` in ms
   * since the epoch. Returns how many rows went from each table.
   */
  prune(now: number): { rows1m: number; rows1h: number; series: number } {
    let rows1m = 0;
    let rows1h = 0;
    let series = 0;
    this.db.transaction(() => {
      rows1m += this.db
        .prepare('DELETE FROM metrics_1m WHERE t < ?')
        .run(now - this.keep1mMs).changes;
      rows1h += this.db
        .prepare('DELETE FROM metrics_1h WHERE t < ?')
        .run(now - this.keep1hMs).changes;
      for (const [table, max] of [
        ['metrics_1m', this.maxRows1m],
        ['metrics_1h', this.maxRows1h],
      ] as const) {
        const changes = this.db
          .prepare(
            `DELETE FROM ${table} WHERE (name, t) IN
               (SELECT name, t FROM
                  (SELECT name, t, row_number() OVER (PARTITION BY name ORDER BY t DESC) AS rn
                   FROM ${table})
                WHERE rn > ?)`,
          )
          .run(max).changes;
        if (table === 'metrics_1m') rows1m += changes;
        else rows1h += changes;
      }
      series += this.db
        .prepare('DELETE FROM metrics_series WHERE last_seen < ?')
        .run(now - this.keep1hMs).changes;
    })();
    const before = this.countSeries.get() as number;
    const c1m = this.db.prepare('SELECT count(*) FROM metrics_1m').pluck();
    const c1h = this.db.prepare('SELECT count(*) FROM metrics_1h').pluck();
    const [b1m, b1h] = [c1m.get() as number, c1h.get() as number];
    this.capSeries();
    series += before - (this.countSeries.get() as number);
    rows1m += b1m - (c1m.get() as number);
    rows1h += b1h - (c1h.get() as number);
    return { rows1m, rows1h, series };
  }

  /** Whether `name` has rows in the database (or is being accumulated now). */
  has(name: string): boolean {
    return this.acc.has(name) || this.seriesExists.get(name) !== undefined;
  }

  /** 1-minute points of `name` with t ≥ `since`, the newest `limit`, oldest first. */
  minutes(name: string, since: number, limit = this.maxRows1m): MetricsPoint[] {
    return (this.select1m.all(name, since, limit) as Row[]).reverse().map(toPoint);
  }

  /** 1-hour points of `name` with t ≥ `since`, oldest first. */
  hours(name: string, since: number, limit = this.maxRows1h): MetricsPoint[] {
    return (this.select1h.all(name, since, limit) as Row[]).reverse().map(toPoint);
  }
}

function toPoint(r: Row): MetricsPoint {
  return {
    t: r.t,
    cpuPercent: r.cpu_avg ?? null,
    cpuPercentMax: r.cpu_max ?? null,
    memoryBytes: r.mem_avg ?? 0,
    memoryBytesMax: r.mem_max ?? 0,
    netRxBps: r.net_rx_avg ?? null,
    netTxBps: r.net_tx_avg ?? null,
    vbdRdPs: r.vbd_rd_avg ?? null,
    vbdWrPs: r.vbd_wr_avg ?? null,
  };
}
