/**
 * The metrics history pieces on their own: the 10-minute ring, the 1-minute/1-hour downsampler
 * and its pruning, on a real SQLite database in a temp dir, with known samples.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../src/db.js';
import { vbdLabel } from '../src/metrics/prometheus.js';
import { MetricsRing, RING_WINDOW_MS } from '../src/metrics/ring.js';
import { HOST_SERIES, type SeriesPoint } from '../src/metrics/sample.js';
import { DAY_MS, HOUR_MS, MetricsStore, MINUTE_MS } from '../src/metrics/store.js';

/** A point with the given CPU % and memory; the I/O rates derived from them so each is checkable. */
function pt(cpu: number | null, mem = 1000, domid = 5): SeriesPoint {
  return {
    domid,
    cpuPercent: cpu,
    memoryBytes: mem,
    netRxBps: cpu === null ? null : cpu * 10,
    netTxBps: cpu === null ? null : cpu * 100,
    vbdRdPs: cpu === null ? null : cpu + 1,
    vbdWrPs: cpu === null ? null : cpu + 2,
  };
}
const one = (name: string, p: SeriesPoint) => new Map([[name, p]]);

/** 2026-01-01T00:00:00Z: a whole hour, so minute and hour buckets are easy to name. */
const T0 = Date.UTC(2026, 0, 1);

describe('MetricsRing', () => {
  it('keeps exactly the last 10 minutes of 1-second points, oldest first', () => {
    const ring = new MetricsRing({ intervalMs: 1000 });
    for (let i = 0; i < 700; i++) ring.push(T0 + i * 1000, one('web', pt(i)));
    const points = ring.points('web');
    expect(points).toHaveLength(RING_WINDOW_MS / 1000);
    // Window (latest − 10 min, latest]: 100 s … 699 s.
    expect(points[0]?.t).toBe(T0 + 100_000);
    expect(points.at(-1)?.t).toBe(T0 + 699_000);
    expect(points[0]).toEqual({
      t: T0 + 100_000,
      cpuPercent: 100,
      cpuPercentMax: 100,
      memoryBytes: 1000,
      memoryBytesMax: 1000,
      netRxBps: 1000,
      netTxBps: 10_000,
      vbdRdPs: 101,
      vbdWrPs: 102,
    });
    // Strictly increasing, no gap, no duplicate.
    expect(points.every((p, k) => k === 0 || p.t - (points[k - 1]?.t ?? 0) === 1000)).toBe(true);
  });

  it('keeps nulls as nulls and drops a series once its newest point left the window', () => {
    const ring = new MetricsRing({ intervalMs: 1000 });
    ring.push(
      T0,
      new Map([
        ['gone', pt(null)],
        ['stays', pt(1)],
      ]),
    );
    expect(ring.points('gone')[0]?.cpuPercent).toBeNull();
    ring.push(T0 + RING_WINDOW_MS - 1000, one('stays', pt(2)));
    expect(ring.has('gone')).toBe(true);
    ring.push(T0 + RING_WINDOW_MS, one('stays', pt(3)));
    expect(ring.has('gone')).toBe(false);
    expect(ring.points('gone')).toEqual([]);
    expect(ring.seriesCount).toBe(1);
  });

  it('caps the number of series, dropping the least recently seen', () => {
    const ring = new MetricsRing({ intervalMs: 1000, maxSeries: 3 });
    ring.push(T0, new Map(['a', 'b', 'c'].map((n) => [n, pt(1)])));
    ring.push(T0 + 1000, new Map(['a', 'c'].map((n) => [n, pt(1)])));
    ring.push(T0 + 2000, one('d', pt(1)));
    expect(ring.seriesCount).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((n) => ring.has(n))).toEqual([true, false, true, true]);
  });
});

describe('MetricsStore', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'xendeck-metrics-store-'));
    db = openDatabase(dir);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = (table: string) =>
    db.prepare(`SELECT * FROM ${table} ORDER BY name, t`).all() as Record<string, unknown>[];

  it('writes a 1-minute row with averages and maxima once the next minute starts, in one transaction', () => {
    const store = new MetricsStore(db);
    // Minute 0: cpu 10, 20, 30 and one sample without a rate (first tick): avg 20, max 30.
    const cpus = [null, 10, 20, 30];
    const mems = [100, 200, 300, 400];
    cpus.forEach((c, k) => {
      store.add(
        T0 + k * 1000,
        new Map([
          ['web', pt(c, mems[k], 7)],
          [HOST_SERIES, pt(c, 5000)],
        ]),
      );
    });
    expect(rows('metrics_1m')).toEqual([]);
    store.add(T0 + MINUTE_MS, one('web', pt(99)));
    const [host, web] = rows('metrics_1m');
    expect(web).toEqual({
      name: 'web',
      t: T0,
      domid: 7,
      n: 4,
      cpu_avg: 20,
      cpu_max: 30,
      mem_avg: 250,
      mem_max: 400,
      net_rx_avg: 200,
      net_rx_max: 300,
      net_tx_avg: 2000,
      net_tx_max: 3000,
      vbd_rd_avg: 21,
      vbd_rd_max: 31,
      vbd_wr_avg: 22,
      vbd_wr_max: 32,
    });
    expect(host).toMatchObject({ name: HOST_SERIES, t: T0, n: 4, cpu_avg: 20, mem_avg: 5000 });
    // The hour row exists at once, computed from the minute rows.
    expect(rows('metrics_1h').find((r) => r.name === 'web')).toMatchObject({
      t: T0,
      n: 4,
      cpu_avg: 20,
      cpu_max: 30,
    });
    expect(store.minutes('web', T0 - HOUR_MS)).toEqual([
      {
        t: T0,
        cpuPercent: 20,
        cpuPercentMax: 30,
        memoryBytes: 250,
        memoryBytesMax: 400,
        netRxBps: 200,
        netTxBps: 2000,
        vbdRdPs: 21,
        vbdWrPs: 22,
      },
    ]);
  });

  it('weights the hour by samples per minute, and merges a minute written twice (restart)', () => {
    const store = new MetricsStore(db);
    // Minute 0: two samples of 10. Minute 1: one sample of 40 → hour avg (10+10+40)/3 = 20.
    store.add(T0, one('web', pt(10)));
    store.add(T0 + 1000, one('web', pt(10)));
    store.add(T0 + MINUTE_MS, one('web', pt(40)));
    store.flush();
    const hour = rows('metrics_1h')[0];
    expect(hour).toMatchObject({ name: 'web', t: T0, n: 3, cpu_avg: 20, cpu_max: 40 });
    // A second store (the server restarted) writes more of minute 1: 40 and 70 → (40+40+70)/3.
    const again = new MetricsStore(db);
    again.add(T0 + MINUTE_MS + 30_000, one('web', pt(70)));
    again.flush();
    const m1 = rows('metrics_1m').find((r) => r.t === T0 + MINUTE_MS);
    expect(m1).toMatchObject({ n: 2, cpu_avg: 55, cpu_max: 70 });
    expect(rows('metrics_1h')[0]).toMatchObject({ n: 4, cpu_avg: (10 + 10 + 40 + 70) / 4 });
  });

  it('prunes 1-minute rows older than 24 h and 1-hour rows older than 30 days', () => {
    const store = new MetricsStore(db);
    const now = T0 + 40 * DAY_MS;
    for (const t of [now - DAY_MS - MINUTE_MS, now - DAY_MS + MINUTE_MS]) {
      store.add(t, one('web', pt(1)));
      store.flush();
    }
    for (const t of [now - 31 * DAY_MS, now - 29 * DAY_MS]) {
      store.add(t, one('old', pt(1)));
      store.flush();
    }
    const r = store.prune(now);
    expect(rows('metrics_1m').map((x) => [x.name, x.t])).toEqual([
      ['web', now - DAY_MS + MINUTE_MS],
    ]);
    // 1-minute rows of "old" (29 and 31 days ago) are gone; its 1-hour row of 29 days ago stays.
    expect(rows('metrics_1h').map((x) => [x.name, x.t])).toEqual([
      ['old', Math.floor((now - 29 * DAY_MS) / HOUR_MS) * HOUR_MS],
      ['web', Math.floor((now - DAY_MS - MINUTE_MS) / HOUR_MS) * HOUR_MS],
      ['web', Math.floor((now - DAY_MS + MINUTE_MS) / HOUR_MS) * HOUR_MS],
    ]);
    expect(r.rows1m).toBe(3);
    expect(r.rows1h).toBe(1);
  });

  it('caps rows per series and the number of series (least recently seen go, never the host)', () => {
    const store = new MetricsStore(db, { maxSeries: 2, maxRows1m: 5, maxRows1h: 2 });
    // 8 minutes of "web" spread over 4 hours (so it has 4 hour rows); the host every time.
    for (let k = 0; k < 8; k++) {
      const t = T0 + k * 30 * MINUTE_MS;
      store.add(
        t,
        new Map([
          ['web', pt(k)],
          [HOST_SERIES, pt(k)],
        ]),
      );
      store.flush();
    }
    // Three more names seen later, "c" last.
    for (const [k, name] of ['a', 'b', 'c'].entries()) {
      store.add(T0 + 5 * HOUR_MS + k * MINUTE_MS, one(name, pt(1)));
      store.flush();
    }
    store.prune(T0 + 6 * HOUR_MS);
    const names = db.prepare('SELECT name FROM metrics_series ORDER BY name').pluck().all();
    expect(names).toEqual([HOST_SERIES, 'b', 'c']);
    expect(store.has('web')).toBe(false);
    expect(rows('metrics_1m').filter((r) => r.name === 'web')).toEqual([]);
    const host1m = rows('metrics_1m').filter((r) => r.name === HOST_SERIES);
    expect(host1m.map((r) => r.t)).toEqual([3, 4, 5, 6, 7].map((k) => T0 + k * 30 * MINUTE_MS));
    const host1h = rows('metrics_1h').filter((r) => r.name === HOST_SERIES);
    expect(host1h.map((r) => r.t)).toEqual([T0 + 2 * HOUR_MS, T0 + 3 * HOUR_MS]);
  });
});

describe('vbdLabel', () => {
  it('names xvd devices as Linux does and keeps other numbers', () => {
    expect(vbdLabel(51712)).toBe('xvda');
    expect(vbdLabel(51728)).toBe('xvdb');
    expect(vbdLabel(51713)).toBe('xvda1');
    expect(vbdLabel((1 << 28) | (26 << 8))).toBe('xvdaa');
    expect(vbdLabel(768)).toBe('768');
  });
});
