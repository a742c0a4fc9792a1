#!/usr/bin/env node
/**
 * Benchmark of a login flood against the rest of the server: the built server as a child process
 * on the simulated host (temp state dir, 127.0.0.1 only, metrics sampler every 250 ms), twice:
 *   1. "bounded": `dist/main.js` as shipped: libuv pool of 16 (set by that CommonJS entry), at
 *      most 2 password hashes at once (XENDECK_LOGIN_MAX_HASHES, 8 waiting, the rest 503);
 *   2. "unbounded": `dist/server.mjs` started directly (an ESM entry: libuv's default pool of 4,
 *      as before this change) with XENDECK_LOGIN_MAX_HASHES=256: every login hashes at once.
 * Each server is measured idle, then during a flood of BENCH_FLOOD_CLIENTS (default 32) clients
 * posting logins back to back for BENCH_SECONDS (default 10). The flood uses the right password
 * from one address — the case the throttle never refuses, so every request that passes the hash
 * bound costs a real argon2id verification (19 MiB, t=2); a guessing flood is cut off even earlier
 * by the throttle (per account, address and 120 attempts a minute in all).
 *
 * Figures: the metrics sampler's tick delay (gap between two `sample` messages on WS
 * /api/v1/metrics minus the 250 ms period: p50, p95, max), the latency of GET /api/v1/configs
 * polled every 200 ms (file reads on the same thread pool as argon2 and, on a dom0, every libxl
 * call), logins answered per second by status, and the server's threads (/proc). No assertion.
 *
 *   pnpm --filter @xendeck/server bench:login
 *   BENCH_SECONDS=20 BENCH_FLOOD_CLIENTS=64 BENCH_MAX_HASHES=1 pnpm --filter @xendeck/server bench:login
 *
 * Bounded: the children are killed and the temp dirs removed on exit, on error, and by a watchdog.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { cleanupOnExit, f1, serverDir, sleep, startServer, tableRow } from './lib/bench-server.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_FLOOD_CLIENTS ?? 32);
const INTERVAL_MS = 250;
/** The bounded server's XENDECK_LOGIN_MAX_HASHES (BENCH_MAX_HASHES, default the server's 2). */
const MAX_HASHES = Number(process.env.BENCH_MAX_HASHES ?? 2);
const PASSWORD = 'bench-password-not-secret';
const entries = {
  bounded: join(serverDir, 'dist', 'main.js'),
  unbounded: join(serverDir, 'dist', 'server.mjs'),
};

for (const p of Object.values(entries)) {
  if (!existsSync(p)) {
    console.error(`missing ${p}: run pnpm --filter @xendeck/server build first`);
    process.exit(1);
  }
}
for (const [k, v] of Object.entries({ SECONDS, CLIENTS, MAX_HASHES })) {
  if (!Number.isInteger(v) || v < 1 || v > 10_000) {
    console.error(`BENCH_${k} must be a whole number from 1 (got ${v})`);
    process.exit(1);
  }
}

const children = new Set();
const dirs = [];
const sockets = [];
function cleanup() {
  for (const ws of sockets) ws.terminate();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
cleanupOnExit(cleanup);
const watchdog = setTimeout(
  () => {
    console.error('login-flood-bench: watchdog (took too long)');
    process.exit(1);
  },
  (SECONDS * 4 + 120) * 1000,
);
watchdog.unref();

/** p-quantile of a list (nearest rank); NaN when empty. */
function quantile(xs, q) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** Threads of a process (/proc/<pid>/status). */
function threads(pid) {
  const m = /^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Watches for `seconds`: sampler tick delays from the metrics websocket, GET /configs latency
 * every 200 ms, and (with `flood`) logins from `CLIENTS` clients back to back.
 */
async function observe({ base, port, cookie }, seconds, flood) {
  const gaps = [];
  const configsMs = [];
  const statuses = new Map();
  let last;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/metrics`, {
    headers: { Cookie: cookie, Origin: base },
  });
  sockets.push(ws);
  await new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.type !== 'sample') return;
    const t = performance.now();
    if (last !== undefined) gaps.push(t - last - INTERVAL_MS);
    last = t;
  });
  const until = performance.now() + seconds * 1000;
  const poller = (async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const r = await fetch(`${base}/api/v1/configs`, { headers: { Cookie: cookie } });
      await r.arrayBuffer();
      configsMs.push(performance.now() - t);
      await sleep(200);
    }
  })();
  const flooders = flood
    ? Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < until) {
          const r = await fetch(`${base}/api/v1/session`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.10' },
            body: JSON.stringify({ username: 'admin', password: PASSWORD }),
          });
          await r.arrayBuffer();
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 503) await sleep(Number(r.headers.get('retry-after') ?? 1) * 100);
        }
      })
    : [];
  await Promise.all([poller, ...flooders]);
  ws.close();
  return { gaps, configsMs, statuses, seconds };
}

async function run(name, entry, extraEnv) {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-login-bench-'));
  dirs.push(stateDir);
  const server = await startServer({
    entry,
    stateDir,
    password: PASSWORD,
    name,
    env: {
      XENDECK_METRICS_INTERVAL_MS: String(INTERVAL_MS),
      XENDECK_TRUSTED_PROXIES: '127.0.0.1,::1',
      ...extraEnv,
    },
    onSpawn: (c) => children.add(c),
  });
  await sleep(1000);
  const idle = await observe(server, Math.min(5, SECONDS), false);
  const flood = await observe(server, SECONDS, true);
  const threadCount = threads(server.pid);
  server.child.kill('SIGKILL');
  return { name, idle, flood, threadCount };
}

const bounded = await run('bounded', entries.bounded, {
  XENDECK_LOGIN_MAX_HASHES: String(MAX_HASHES),
});
const unbounded = await run('unbounded', entries.unbounded, { XENDECK_LOGIN_MAX_HASHES: '256' });

const row = tableRow(46);
console.log(
  `\nlogin flood: ${CLIENTS} clients posting logins (right password) for ${SECONDS} s; ` +
    `metrics sampler every ${INTERVAL_MS} ms; simulated host; bounded = ${MAX_HASHES} hash(es) at once`,
);
console.log(row('', 'bounded', 'unbounded'));
console.log(row('entry', 'dist/main.js', 'server.mjs'));
console.log(row('server threads (pool 16 vs 4)', bounded.threadCount, unbounded.threadCount));
const p50p95 = (xs) => `${Math.round(quantile(xs, 0.5))} / ${Math.round(quantile(xs, 0.95))}`;
for (const [what, key] of [
  ['sampler tick delay', 'gaps'],
  ['GET /configs', 'configsMs'],
]) {
  for (const phase of ['idle', 'flood']) {
    const label = `${what} ${phase}, p50 / p95 ms`;
    console.log(row(label, p50p95(bounded[phase][key]), p50p95(unbounded[phase][key])));
  }
  const max = (r) => f1(Math.max(...r.flood[key]));
  console.log(row(`${what} flood, max ms`, max(bounded), max(unbounded)));
}
const perSecond = (r, status) => f1((r.flood.statuses.get(status) ?? 0) / r.flood.seconds);
console.log(row('logins 204 / s (hashed)', perSecond(bounded, 204), perSecond(unbounded, 204)));
console.log(
  row(
    'logins 503 / s (refused before hashing)',
    perSecond(bounded, 503),
    perSecond(unbounded, 503),
  ),
);
const p95 = (r) => quantile(r.flood.configsMs, 0.95);
console.log(
  `\nverdict: during the flood GET /configs p95 is ${f1(p95(bounded))} ms with the bound, ` +
    `${f1(p95(unbounded))} ms without (${f1(p95(unbounded) / p95(bounded))}×).`,
);
clearTimeout(watchdog);
cleanup();
process.exit(0);
