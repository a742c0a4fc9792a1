#!/usr/bin/env node
/**
 * Load run of the metrics stream (issue 12 §5, simulated half): the built server (dist/main.js)
 * as a child process on the simulated host with 1000 synthetic domains, 100 websocket clients on
 * `WS /api/v1/metrics` for XENDECK_LOAD_MINUTES (default 10; fractions allowed for a local trial):
 * 80 on the domains-table view, 10 on `xl top` (every field), 10 on the legacy full `sample`
 * (views: `lib/metrics-clients.mjs`). One client per frame view decodes every frame with the
 * web's `MetricsFrameDecoder`.
 *
 * Prints the server's CPU (utime + stime from /proc/<pid>/stat: ms per second, each minute and the
 * mean), its RSS (VmRSS from /proc/<pid>/status) at the start, every minute and at the end, raw
 * and right after a forced full garbage collection (through the child's inspector on 127.0.0.1:
 * `HeapProfiler.collectGarbage`, with the live heap from `Runtime.getHeapUsage`), the slopes
 * after the warm-up (least squares), messages per client per view, and clients dropped.
 * FAILS (exit 1) when:
 * - the slope of RSS after a full GC, after warm-up, is ≥ 1 MiB/min. Why after a GC: V8 lets
 *   garbage pile up between major collections, so raw RSS wanders by tens of MiB (measured: +3.5
 *   MiB/min raw over 10 minutes in one run, +0.7 in another, with the live heap flat at 34–36
 *   MiB); after a full GC only what the server holds remains. Why 1 MiB/min: the smallest leak
 *   worth catching, one ~200-byte object per client per tick (100 × 60 × 200 B = 1.1 MiB/min), is
 *   above it, and a retained frame per tick (80 × 4.4 KiB × 60 = 21 MiB/min) or legacy sample
 *   (377 KiB × 60 = 22 MiB/min) is 20× above; measured (2026-12-01, 10 min): 0.45 MiB/min with a
 *   1-minute warm-up, the live heap 0.06 MiB/min. Warm-up: the first 20 % of the run (2 minutes
 *   of 10), while malloc, SQLite's page cache and the history database grow to working size;
 * - a client was dropped (closed), or a decoding client had to resubscribe or saw the wrong
 *   number of domains.
 *
 *   pnpm --filter @xendeck/server bench:load           # bundles the server first
 *   XENDECK_LOAD_MINUTES=2 pnpm --filter @xendeck/server bench:load
 *
 * Bounded: the child is killed and the temp dir removed on exit, on error, and by a watchdog.
 */
import { cpuSeconds, f1, f2, rssMiB, sleep } from './lib/bench-server.mjs';
import {
  METRICS_VIEWS,
  metricsBenchRun,
  openHeapProbe,
  openMetricsClient,
  startMetricsServer,
} from './lib/metrics-clients.mjs';

const MINUTES = Number(process.env.XENDECK_LOAD_MINUTES ?? 10);
const DOMAINS = 1000;
const MIX = [
  { view: METRICS_VIEWS.table, count: 80 },
  { view: METRICS_VIEWS.xltop, count: 10 },
  { view: METRICS_VIEWS.legacy, count: 10 },
];
const CLIENTS = MIX.reduce((a, m) => a + m.count, 0);
const SAMPLE_MS = 5000;
const SLOPE_LIMIT_MIB_PER_MINUTE = 1;

if (!Number.isFinite(MINUTES) || MINUTES < 0.5 || MINUTES > 120) {
  console.error(`XENDECK_LOAD_MINUTES must be 0.5..120 (got ${process.env.XENDECK_LOAD_MINUTES})`);
  process.exit(1);
}
const durationMs = MINUTES * 60_000;
const warmupMs = 0.2 * durationMs;

const run = metricsBenchRun({
  prefix: 'xendeck-load-',
  name: 'load',
  watchdogMs: durationMs + 120_000,
});

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main() {
  const {
    port,
    base,
    cookie,
    domainCount: domains,
    inspectPort,
  } = await startMetricsServer({
    inspect: true,
    stateDir: run.stateDir,
    domains: DOMAINS,
    clients: CLIENTS,
    onSpawn: (c) => {
      run.child = c;
    },
  });
  const { pid } = run.child;
  for (const m of MIX) {
    for (let i = 0; i < m.count; i++) {
      run.clients.push(openMetricsClient({ port, base, cookie, view: m.view, decode: i === 0 }));
    }
  }
  await Promise.all(run.clients.map((c) => c.ready));
  console.log(
    `load: server pid ${pid}, simulated host with ${domains} domains, ${CLIENTS} clients ` +
      `(${MIX.map((m) => `${m.count} ${m.view.label}`).join(', ')}), ${MINUTES} min, ` +
      `warm-up ${f1(warmupMs / 60_000)} min`,
  );
  for (const c of run.clients) c.counting = true;
  const probe = await openHeapProbe(inspectPort);
  /** Heap after a forced full GC and RSS right after it, MiB, at minute x. */
  const settled = [];
  const settle = async (x) => {
    const heap = await probe.heapAfterGc();
    settled.push({ x, heap, rss: rssMiB(pid) });
    return settled.at(-1);
  };

  const t0 = Date.now();
  const cpu0 = cpuSeconds(pid);
  const rss = [{ x: 0, y: rssMiB(pid) }];
  const first = await settle(0);
  console.log(
    `  start: RSS ${f1(rss[0].y)} MiB; after a full GC: heap ${f1(first.heap)} MiB, RSS ${f1(first.rss)} MiB`,
  );
  let minuteCpu = cpuSeconds(pid);
  let minuteT = Date.now();
  let nextMinute = t0 + 60_000;
  while (Date.now() - t0 < durationMs) {
    await sleep(Math.max(0, Math.min(SAMPLE_MS, durationMs - (Date.now() - t0))));
    const now = Date.now();
    rss.push({ x: (now - t0) / 60_000, y: rssMiB(pid) });
    if (now >= nextMinute || now - t0 >= durationMs) {
      const c = cpuSeconds(pid);
      const cpuMs = ((c - minuteCpu) * 1000) / ((now - minuteT) / 1000);
      const msgs = run.clients.reduce((a, x) => a + x.messages, 0) / CLIENTS;
      const g = await settle((now - t0) / 60_000);
      console.log(
        `  minute ${f1((now - t0) / 60_000).padStart(5)}: RSS ${f1(rss.at(-1).y)} MiB; after a full GC: ` +
          `heap ${f1(g.heap)} MiB, RSS ${f1(g.rss)} MiB; CPU ${f1(cpuMs)} ms/s; ` +
          `${f1(msgs)} messages per client so far, ${run.clients.filter((x) => x.closed).length} dropped`,
      );
      minuteCpu = cpuSeconds(pid);
      minuteT = Date.now();
      nextMinute += 60_000;
    }
  }
  const wall = (Date.now() - t0) / 1000;
  const cpuMean = ((cpuSeconds(pid) - cpu0) * 1000) / wall;
  for (const c of run.clients) c.counting = false;
  const dropped = run.clients.filter((c) => c.closed).length;
  const perView = MIX.map((m) => {
    const cs = run.clients.filter((c) => c.view === m.view);
    const msgs = cs.map((c) => c.messages);
    const checker = cs[0];
    return {
      label: m.view.label,
      min: Math.min(...msgs),
      mean: msgs.reduce((a, b) => a + b, 0) / msgs.length,
      kibPerSecond: cs.reduce((a, c) => a + c.bytes, 0) / cs.length / wall / 1024,
      decoded: m.view.subscribe?.fields ? checker : undefined,
    };
  });
  probe.close();
  for (const c of run.clients) c.ws.close();
  run.clients = [];
  run.child.kill('SIGTERM');
  await new Promise((r) => run.child.once('exit', r));

  const after = settled.filter((p) => p.x * 60_000 >= warmupMs);
  const s = slope(after.map((p) => ({ x: p.x, y: p.rss })));
  const sHeap = slope(after.map((p) => ({ x: p.x, y: p.heap })));
  const sRaw = slope(rss.filter((p) => p.x * 60_000 >= warmupMs));
  console.log('');
  console.log(`  server CPU, mean                         ${f1(cpuMean)} ms/s`);
  console.log(
    `  server RSS start / after warm-up / end   ${f1(rss[0].y)} / ${f1(after[0]?.rss ?? Number.NaN)} / ${f1(rss.at(-1).y)} MiB (peak ${f1(Math.max(...rss.map((p) => p.y)))})`,
  );
  console.log(
    `  RSS slope after warm-up (after GC)       ${f2(s)} MiB/min (limit < ${SLOPE_LIMIT_MIB_PER_MINUTE}); ` +
      `live heap ${f2(sHeap)} MiB/min; raw RSS every ${SAMPLE_MS / 1000} s ${f2(sRaw)} MiB/min`,
  );
  for (const v of perView) {
    console.log(
      `  ${`${v.label}: messages per client`.padEnd(41)}mean ${f1(v.mean)}, min ${v.min} (${f1(wall)} s); ${f1(v.kibPerSecond)} KiB/s per client` +
        (v.decoded
          ? `; 1 client decoded ${v.decoded.views} views of ${v.decoded.domains} domains, ${v.decoded.resubscribes} resubscribes`
          : ''),
    );
  }
  console.log(`  clients dropped                          ${dropped} of ${CLIENTS}`);
  const slopeOk = s < SLOPE_LIMIT_MIB_PER_MINUTE;
  const decodeOk = perView.every(
    (v) => !v.decoded || (v.decoded.resubscribes === 0 && v.decoded.domains === domains),
  );
  const ok = slopeOk && dropped === 0 && decodeOk;
  console.log('');
  console.log(
    `verdict: memory ${slopeOk ? 'flat' : 'NOT flat'} (${f2(s)} MiB/min after warm-up), ` +
      `${dropped} clients dropped, frames ${decodeOk ? 'decoded' : 'NOT decoded'} to ${domains} domains; ` +
      `CPU ${f1(cpuMean)} ms/s with ${CLIENTS} clients and ${domains} domains: ${ok ? 'PASS' : 'FAIL'}`,
  );
  if (!ok) process.exit(1);
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
