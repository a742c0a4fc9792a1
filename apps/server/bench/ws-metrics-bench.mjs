#!/usr/bin/env node
/**
 * Benchmark of the metrics stream, what each browser tab receives: the built server
 * (dist/main.js) as a child process on the simulated host with 500 synthetic domains (temp state
 * dir, 127.0.0.1 only), measured in one run after SETTLE_SECONDS, BENCH_SECONDS each (default 12;
 * about 70 s in all), phase after phase:
 *   1. baseline: 50 clients on today's legacy stream (a full `sample` of every domain per tick);
 *   2. domains table: 50 clients subscribed with the fields the web's domains table shows
 *      (`frame` messages: a keyframe, then deltas; see `metrics-frames.ts` in @xendeck/api);
 *   3. xl top: 50 clients subscribed with every field;
 *   4. idle: the sampler runs, no client.
 * Each phase opens its clients, waits WARMUP_SECONDS, then measures. It prints, side by side, the
 * child's CPU (utime + stime from /proc/<pid>/stat, ms per second; mostly the sampler's, and on a
 * shared machine ± a few ms/s of noise), the part of it the hub spent sending to the clients
 * (`xendeck_metrics_ws_publish_seconds_total` of `GET /metrics`, wall time of the hub's
 * synchronous publish: encode, serialize, socket writes), its RSS (VmRSS from
 * /proc/<pid>/status) at the start and end of the phase, what one tab receives (KiB/s, messages/s,
 * KiB per message, KiB once at connect), and the verdict against the target: ≤ 20 KiB/s per tab
 * showing the domains table. One client per view decodes every frame with the web's decoder;
 * exits 1 if it had to resubscribe or saw the wrong number of domains, or if a client was
 * dropped (correctness, not a figure).
 *
 *   pnpm --filter @xendeck/server bench              # bundles the server first
 *   BENCH_SECONDS=5 BENCH_CLIENTS=50 BENCH_DOMAINS=500 pnpm --filter @xendeck/server bench
 *
 * Bounded: the child is killed and the temp dir removed on exit, on error, and by a watchdog.
 */
import { clkTck, cpuSeconds, f1, f2, rssMiB, sleep } from './lib/bench-server.mjs';
import {
  hubCounters,
  METRICS_VIEWS,
  metricsBenchRun,
  openMetricsClient,
  startMetricsServer,
} from './lib/metrics-clients.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const DOMAINS = Number(process.env.BENCH_DOMAINS ?? 500);
const WARMUP_SECONDS = 3;
const SETTLE_SECONDS = 5;
const TARGET_KIB_PER_SECOND = 20;

for (const [k, v] of Object.entries({ SECONDS, CLIENTS, DOMAINS })) {
  if (!Number.isInteger(v) || v < 1 || v > 100_000) {
    console.error(`BENCH_${k} must be a whole number ≥ 1 (got ${v})`);
    process.exit(1);
  }
}

// idle last: measured first, it caught the server's start-up work (40 ms/s against 15 later).
const PHASES = [
  { id: 'legacy', label: 'legacy (today)', view: METRICS_VIEWS.legacy },
  { id: 'table', label: METRICS_VIEWS.table.label, view: METRICS_VIEWS.table },
  { id: 'xltop', label: METRICS_VIEWS.xltop.label, view: METRICS_VIEWS.xltop },
  { id: 'idle', label: 'idle (0 clients)', view: undefined },
];

const run = metricsBenchRun({
  prefix: 'xendeck-bench-',
  name: 'bench',
  watchdogMs: (PHASES.length * (SECONDS + WARMUP_SECONDS + 5) + SETTLE_SECONDS + 90) * 1000,
});

/** Runs one phase: opens its clients, warms up, measures the child for SECONDS. */
async function runPhase(phase, ctx) {
  run.clients = [];
  if (phase.view) {
    for (let i = 0; i < CLIENTS; i++) {
      run.clients.push(openMetricsClient({ ...ctx, view: phase.view, decode: i === 0 }));
    }
    await Promise.all(run.clients.map((c) => c.ready));
  }
  await sleep(WARMUP_SECONDS * 1000);
  const { pid } = run.child;
  const rssStart = rssMiB(pid);
  const c0 = cpuSeconds(pid);
  const h0 = await hubCounters(ctx);
  const own0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const c of run.clients) c.counting = true;
  await sleep(SECONDS * 1000);
  for (const c of run.clients) c.counting = false;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - c0;
  const h1 = await hubCounters(ctx);
  const own = process.cpuUsage(own0);
  const sum = (k) => run.clients.reduce((a, c) => a + c[k], 0);
  const n = Math.max(1, run.clients.length);
  const checker = run.clients[0];
  const result = {
    cpuMsPerSecond: (cpu * 1000) / wall,
    hubMsPerSecond: ((h1.publishSeconds - h0.publishSeconds) * 1000) / wall,
    rssStart,
    rssEnd: rssMiB(pid),
    kibPerSecondPerTab: sum('bytes') / n / wall / 1024,
    messagesPerSecondPerTab: sum('messages') / n / wall,
    kibPerMessage: sum('messages') ? sum('bytes') / sum('messages') / 1024 : 0,
    mibPerSecondAll: sum('bytes') / wall / 1048576,
    connectKiB: sum('connectBytes') / n / 1024,
    dropped: run.clients.filter((c) => c.closed).length,
    resubscribes: checker?.resubscribes ?? 0,
    views: checker?.views ?? 0,
    domains: checker?.domains ?? 0,
    benchCpuMsPerSecond: (own.user + own.system) / 1000 / wall,
  };
  for (const c of run.clients) c.ws.close();
  run.clients = [];
  await sleep(500);
  process.stdout.write(`  ${phase.label}: done\n`);
  return result;
}

async function main() {
  const {
    port,
    base,
    cookie,
    domainCount: domains,
  } = await startMetricsServer({
    stateDir: run.stateDir,
    domains: DOMAINS,
    clients: CLIENTS,
    onSpawn: (c) => {
      run.child = c;
    },
  });
  console.log(
    `bench: server pid ${run.child.pid}, simulated host with ${domains} domains, ${CLIENTS} clients ` +
      `per view, ${SECONDS} s per phase after ${WARMUP_SECONDS} s of warm-up (CLK_TCK ${clkTck})`,
  );
  // Let the server settle first (JIT, the first ticks, the history's first writes).
  await sleep(SETTLE_SECONDS * 1000);
  const r = {};
  for (const phase of PHASES) r[phase.id] = await runPhase(phase, { port, base, cookie });

  run.child.kill('SIGTERM');
  await new Promise((res) => run.child.once('exit', res));

  const ids = PHASES.map((p) => p.id);
  const row = (label, fmt) =>
    console.log(
      `  ${label.padEnd(36)}${ids.map((id) => String(fmt(r[id], id)).padStart(17)).join('')}`,
    );
  const clientPhase = (fn) => (x, id) => (id === 'idle' ? '-' : fn(x));
  console.log('');
  row('', (_x, id) => PHASES.find((p) => p.id === id)?.label ?? id);
  row('server CPU, ms per second', (x) => f1(x.cpuMsPerSecond));
  row('  of which sending to clients, ms/s', (x) => f2(x.hubMsPerSecond));
  row('server RSS at start, MiB', (x) => f1(x.rssStart));
  row('server RSS at end, MiB', (x) => f1(x.rssEnd));
  const perClientRows = [
    ['per tab: KiB/s', (x) => f1(x.kibPerSecondPerTab)],
    ['per tab: messages/s', (x) => f1(x.messagesPerSecondPerTab)],
    ['per tab: KiB per message', (x) => f1(x.kibPerMessage)],
    ['per tab: KiB once at connect', (x) => f1(x.connectKiB)],
    [`all ${CLIENTS} tabs: MiB/s sent`, (x) => f1(x.mibPerSecondAll)],
    ['clients dropped', (x) => String(x.dropped)],
  ];
  for (const [label, fn] of perClientRows) row(label, clientPhase(fn));
  row('decoded views / resubscribes (1 tab)', (x, id) =>
    id === 'idle' || id === 'legacy' ? '-' : `${x.views} / ${x.resubscribes}`,
  );
  row(
    'bench process CPU (clients), ms/s',
    clientPhase((x) => f1(x.benchCpuMsPerSecond)),
  );

  const table = r.table;
  const met = table.kibPerSecondPerTab <= TARGET_KIB_PER_SECOND;
  console.log('');
  console.log(
    `verdict: domains table with ${domains} domains: ${f1(table.kibPerSecondPerTab)} KiB/s per tab ` +
      `(target ≤ ${TARGET_KIB_PER_SECOND} KiB/s; today's legacy stream ${f1(r.legacy.kibPerSecondPerTab)} KiB/s, ` +
      `${f1(r.legacy.kibPerSecondPerTab / Math.max(table.kibPerSecondPerTab, 1e-9))}× more): ${met ? 'MET' : 'NOT MET'}; ` +
      `server CPU with ${CLIENTS} tabs: ${f1(table.cpuMsPerSecond)} ms/s (legacy ${f1(r.legacy.cpuMsPerSecond)} ms/s, ` +
      `xl top ${f1(r.xltop.cpuMsPerSecond)} ms/s, idle ${f1(r.idle.cpuMsPerSecond)} ms/s); ` +
      `of which sending to the tabs: ${f2(table.hubMsPerSecond)} ms/s (legacy ${f2(r.legacy.hubMsPerSecond)}, ` +
      `xl top ${f2(r.xltop.hubMsPerSecond)})`,
  );
  const broken = ['legacy', 'table', 'xltop'].filter((id) => r[id].dropped > 0);
  const wrong = ['table', 'xltop'].filter(
    (id) => r[id].resubscribes > 0 || r[id].views === 0 || r[id].domains !== domains,
  );
  if (broken.length || wrong.length) {
    console.error(
      `bench: FAILED: clients dropped in ${broken.join(', ') || 'none'}; ` +
        `frames not decoded to ${domains} domains (or resubscribed) in ${wrong.join(', ') || 'none'}`,
    );
    process.exit(1);
  }
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
