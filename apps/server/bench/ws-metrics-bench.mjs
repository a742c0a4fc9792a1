#!/usr/bin/env node
/**
 * Benchmark of the metrics stream: the built server (dist/main.js) as a child process on the
 * simulated host with 500 synthetic domains (temp state dir, 127.0.0.1 only), measured twice in
 * one run for BENCH_SECONDS each (default 60):
 *   1. baseline: the sampler runs, no client;
 *   2. 50 websocket clients on WS /api/v1/metrics, each reading every message.
 * It prints the child's CPU (utime + stime from /proc/<pid>/stat, in % of one core), its RSS
 * (VmRSS from /proc/<pid>/status) at the start, end and peak of each phase, the messages and bytes
 * received, side by side, and the verdict against the target: under 10 % of one core with 50
 * clients, memory flat. No assertion: figures to read.
 *
 *   pnpm --filter @xendeck/server bench              # bundles the server first
 *   BENCH_SECONDS=15 BENCH_CLIENTS=50 BENCH_DOMAINS=500 pnpm --filter @xendeck/server bench
 *
 * Bounded: the child is killed and the temp dir removed on exit, on error, and by a watchdog.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  cleanupOnExit,
  clkTck,
  cpuSeconds,
  f1,
  rssMiB,
  serverDir,
  sleep,
  startServer,
  tableRow,
} from './lib/bench-server.mjs';

const bundle = join(serverDir, 'dist', 'main.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const DOMAINS = Number(process.env.BENCH_DOMAINS ?? 500);
const WARMUP_SECONDS = 5;
const PASSWORD = 'bench-password-not-secret';

if (!existsSync(bundle)) {
  console.error(`missing ${bundle}: run pnpm --filter @xendeck/server build first`);
  process.exit(1);
}
for (const [k, v] of Object.entries({ SECONDS, CLIENTS, DOMAINS })) {
  if (!Number.isInteger(v) || v < 0 || v > 100_000) {
    console.error(`BENCH_${k} must be a whole number (got ${v})`);
    process.exit(1);
  }
}

const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-bench-'));
let child;
const sockets = [];
function cleanup() {
  for (const ws of sockets) ws.terminate();
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
}
cleanupOnExit(cleanup);
const watchdog = setTimeout(
  () => {
    console.error('bench: watchdog fired (took far longer than planned); stopping');
    process.exit(2);
  },
  (2 * SECONDS + 2 * WARMUP_SECONDS + 90) * 1000,
);
watchdog.unref();

/** Measures the child for SECONDS: CPU %, RSS start/end/peak. */
async function measure(pid, label) {
  const rss = [rssMiB(pid)];
  const c0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < SECONDS; i++) {
    await sleep(1000);
    rss.push(rssMiB(pid));
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(pid) - c0;
  process.stdout.write(`  ${label}: done\n`);
  return {
    cpuPercent: (cpu / wall) * 100,
    rssStart: rss[0],
    rssEnd: rss.at(-1),
    rssMax: Math.max(...rss),
    wall,
  };
}

async function main() {
  const { port, base, cookie } = await startServer({
    entry: bundle,
    stateDir,
    password: PASSWORD,
    env: {
      XENDECK_SIM_SYNTHETIC_DOMAINS: String(DOMAINS),
      // All clients share one session: lift the per-session websocket cap (default 32).
      XENDECK_WS_MAX_PER_SESSION: String(CLIENTS + 8),
    },
    onSpawn: (c) => {
      child = c;
    },
  });
  const pid = child.pid;
  const domains = (
    await (await fetch(`${base}/api/v1/domains`, { headers: { Cookie: cookie } })).json()
  ).length;
  console.log(
    `bench: server pid ${pid}, simulated host with ${domains} domains, ${CLIENTS} clients, ` +
      `${SECONDS} s per phase (CLK_TCK ${clkTck})`,
  );
  await sleep(WARMUP_SECONDS * 1000);
  const baseline = await measure(pid, 'baseline (0 clients)');

  let messages = 0;
  let bytes = 0;
  let counting = false;
  const firstMessage = [];
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/metrics`, {
      headers: { Cookie: cookie, Origin: base },
    });
    sockets.push(ws);
    firstMessage.push(
      new Promise((resolve, reject) => {
        ws.once('message', resolve);
        ws.once('error', reject);
        ws.once('unexpected-response', (_q, r) => reject(new Error(`refused ${r.statusCode}`)));
      }),
    );
    ws.on('message', (data) => {
      if (!counting) return;
      messages++;
      bytes += data.length;
    });
  }
  await Promise.all(firstMessage);
  await sleep(WARMUP_SECONDS * 1000);
  const ownCpu0 = process.cpuUsage();
  counting = true;
  const loaded = await measure(pid, `${CLIENTS} clients`);
  counting = false;
  const own = process.cpuUsage(ownCpu0);
  const dropped = sockets.filter((ws) => ws.readyState !== WebSocket.OPEN).length;
  for (const ws of sockets) ws.close();

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  const row = tableRow(34);
  console.log('');
  console.log(row('', 'baseline', `${CLIENTS} clients`));
  console.log(row('server CPU, % of one core', f1(baseline.cpuPercent), f1(loaded.cpuPercent)));
  console.log(row('RSS at start, MiB', f1(baseline.rssStart), f1(loaded.rssStart)));
  console.log(row('RSS at end, MiB', f1(baseline.rssEnd), f1(loaded.rssEnd)));
  console.log(row('RSS peak, MiB', f1(baseline.rssMax), f1(loaded.rssMax)));
  console.log(row('messages received / s (all clients)', '0', f1(messages / loaded.wall)));
  console.log(
    row('messages per client / s', '0', f1(messages / loaded.wall / Math.max(1, CLIENTS))),
  );
  console.log(row('bytes per message, KiB', '-', messages ? f1(bytes / messages / 1024) : '-'));
  console.log(row('MiB/s sent', '0', f1(bytes / loaded.wall / 1048576)));
  console.log(row('clients dropped', '-', String(dropped)));
  console.log(
    row(
      'bench process CPU (clients), %',
      '-',
      f1(((own.user + own.system) / 1e6 / loaded.wall) * 100),
    ),
  );
  const growth = loaded.rssEnd - baseline.rssStart;
  const cpuOk = loaded.cpuPercent < 10;
  const memOk = Math.abs(loaded.rssEnd - loaded.rssStart) < 0.1 * loaded.rssStart;
  console.log('');
  console.log(
    `verdict: CPU with ${CLIENTS} clients ${f1(loaded.cpuPercent)} % of one core ` +
      `(target < 10 %): ${cpuOk ? 'MET' : 'NOT MET'}; ` +
      `memory ${memOk ? 'flat' : 'NOT flat'} during the clients phase ` +
      `(${f1(loaded.rssStart)} → ${f1(loaded.rssEnd)} MiB; ${growth >= 0 ? '+' : ''}${f1(growth)} MiB since the baseline start)`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
