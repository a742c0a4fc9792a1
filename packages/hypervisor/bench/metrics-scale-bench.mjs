#!/usr/bin/env node
// The metrics sample at 2, 20 and 100 domains (issue 12 §1) and the many-guests check (§5),
// in the Xen lab's dom0, as root, after a build:
//   node packages/hypervisor/bench/metrics-scale-bench.mjs [--counts 2,20,100] [--new N]
//        [--xenstat N] [--xentop N] [--server http://127.0.0.1:8080]
// For each count of domains (dom0 and whatever already runs included) it adds paused PV domains
// named `bench-NNN` (bench/lib/tiny-pv-kernel.mjs: 4 MiB each, created with `xl create -p`, never
// run) until the count is reached or dom0's free memory runs short, then prints the per-call cost
// (mean / median / p95, ms) of
//   - `metricsSnapshot()` = the addon's metricsSample (xc_domain_getinfolist + cached names),
//   - the libxenstat path (`openLibxlHost({ metricsXenstat: true })`, the old sample),
//   - spawning `xentop -b -i 1` (what a server without the addon would run),
// the ratio xentop / new, and at the end each method's cost per domain (least squares over the
// counts) extrapolated to 500 domains. It also checks that the two samples agree (domids,
// names, memory) at every count.
// With --server: after the last count, logs in as admin (password from XENDECK_ADMIN_PASSWORD or
// the lab's /var/lib/xendeck-lab/run/xendeck.env) and checks that `GET /api/v1/domains` lists
// dom0 and every domain the bench started, and that `WS /api/v1/metrics` (legacy
// `{type:'subscribe', domains:'*'}`) delivers a sample with every one of them with a non-null
// cpuPercent; exits 1 if not.
// Every `bench-NNN` domain is destroyed at the end, also on failure or SIGINT/SIGTERM.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLibxlHost } from '../dist/index.js';
import { stats } from './lib/stats.mjs';
import { tinyPvKernel } from './lib/tiny-pv-kernel.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const counts = opt('--counts', '2,20,100')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const newRuns = Number(opt('--new', 200));
const xenstatRuns = Number(opt('--xenstat', 30));
const xentopRuns = Number(opt('--xentop', 10));
const server = opt('--server', undefined);
const PREFIX = 'bench-';
/** The names this bench gives its domains (`bench-000`…): the only ones it destroys. */
const BENCH_NAME = /^bench-\d{3}$/;
const DOMAIN_MiB = 4;
/** Free memory kept for dom0's own needs and other testers' guests, MiB. */
const RESERVE_MiB = 64;
/** `xl create` processes at once (xl's own startup dominates under TCG). */
const CREATE_PARALLEL = 2;
const workDir = '/tmp/xendeck-bench';

/** Runs a program (argument array, no shell); resolves with its exit code, wall ns and stdout. */
function run(file, argv) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    child.stderr.on('data', (b) => {
      err += b;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, ns: Number(process.hrtime.bigint() - t0), out, err }),
    );
  });
}

/** Times `n` calls of `fn` (after `warm` untimed ones); ns per call. */
async function timeCalls(fn, n, warm = 3) {
  for (let i = 0; i < warm; i++) await fn();
  const ns = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ns.push(Number(process.hrtime.bigint() - t0));
  }
  return ns;
}

/** Least squares slope and intercept of y over x. */
function leastSquares(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

const host = await openLibxlHost({});
const baseline = await openLibxlHost({ metricsXenstat: true });
let created = 0;

async function destroyBenchDomains() {
  const names = (await host.listDomains()).map((d) => d.name).filter((n) => BENCH_NAME.test(n));
  for (let i = 0; i < names.length; i += CREATE_PARALLEL) {
    await Promise.all(
      names.slice(i, i + CREATE_PARALLEL).map(async (name) => {
        const r = await run('xl', ['destroy', name]);
        if (r.code !== 0) console.error(`xl destroy ${name}: ${r.err.trim()}`);
      }),
    );
  }
  return names.length;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.error(`${sig}: destroying the bench domains`);
    destroyBenchDomains().finally(() => process.exit(130));
  });
}

/** Writes the config of bench domain `name` and runs `xl create -p` on it; its wall ns. */
async function createBenchDomain(name, kernelPath) {
  const cfg = join(workDir, `${name}.cfg`);
  writeFileSync(
    cfg,
    [
      `name = "${name}"`,
      'type = "pv"',
      `memory = ${DOMAIN_MiB}`,
      'vcpus = 1',
      `kernel = "${kernelPath}"`,
      'on_crash = "destroy"',
      '',
    ].join('\n'),
  );
  const r = await run('xl', ['create', '-p', '-q', cfg]);
  if (r.code !== 0) throw new Error(`xl create ${name} failed: ${r.err.trim()}`);
  return r.ns;
}

/**
 * Adds paused bench domains, CREATE_PARALLEL at a time, until `target` domains exist or dom0's
 * free memory runs short; the number of domains then.
 */
async function growTo(target, kernelPath, createNs) {
  let n = (await host.listDomains()).length;
  while (n < target && !stopping) {
    const snap = await host.metricsSnapshot();
    const freeMiB = snap.host.freeMemoryBytes / 2 ** 20;
    const fit = Math.floor((freeMiB - RESERVE_MiB) / DOMAIN_MiB);
    const batch = Math.min(CREATE_PARALLEL, target - n, fit);
    if (batch <= 0) {
      console.log(`free memory ${freeMiB.toFixed(0)} MiB: stopping at ${n} domains`);
      break;
    }
    const names = [];
    for (let i = 0; i < batch; i++) names.push(`${PREFIX}${String(created++).padStart(3, '0')}`);
    createNs.push(...(await Promise.all(names.map((name) => createBenchDomain(name, kernelPath)))));
    n += batch;
  }
  return (await host.listDomains()).length;
}

/** Domids, names and memory of the new sample against libxenstat's: the mismatches, as text. */
function compare(a, b) {
  const problems = [];
  // A domain being built (no name yet) or destroyed (libxenstat skips it once its name is gone)
  // between the two samples is no disagreement.
  const settled = (s) => s.domains.filter((d) => d.name !== '' && d.state !== 'dying');
  const bm = new Map(settled(b).map((d) => [d.domid, d]));
  for (const d of settled(a)) {
    const o = bm.get(d.domid);
    if (!o) problems.push(`domid ${d.domid} missing from libxenstat's`);
    else if (o.name !== d.name) problems.push(`domid ${d.domid}: name ${d.name} vs ${o.name}`);
    else if (o.maxMemoryBytes !== d.maxMemoryBytes || o.maxVcpus !== d.maxVcpus)
      problems.push(`domid ${d.domid}: max memory / vCPUs differ`);
  }
  return problems;
}

/** §5: the running server lists every domain of `domains` and streams live metrics for each. */
async function checkServer(url, domains) {
  let password = process.env.XENDECK_ADMIN_PASSWORD;
  if (!password) {
    const env = readFileSync('/var/lib/xendeck-lab/run/xendeck.env', 'utf8');
    const m = /^XENDECK_ADMIN_PASSWORD=(.*)$/m.exec(env);
    password = m ? m[1].replace(/^"(.*)"$/, '$1') : undefined;
  }
  if (!password) throw new Error('no admin password (XENDECK_ADMIN_PASSWORD or the lab env file)');
  // The server may still be starting (the e2e lab suite before this may reboot dom0): 90 s.
  let login;
  for (let i = 0; ; i++) {
    try {
      login = await fetch(`${url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      break;
    } catch (err) {
      if (i >= 45) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  if (login.status !== 204) throw new Error(`POST /session: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const listed = await (await fetch(`${url}/api/v1/domains`, { headers: { cookie } })).json();
  const listedNames = new Set(listed.map((d) => d.name));
  const missingRest = domains.filter((n) => !listedNames.has(n));
  console.log(
    `server: GET /api/v1/domains lists ${listed.length} domains, ${domains.length - missingRest.length} of the ${domains.length} to check (dom0 and the bench's)`,
  );
  // ws: the server's own dependency (Node 20 has no WebSocket client).
  const require = createRequire(join(here, '../../../apps/server/package.json'));
  const WebSocket = require('ws');
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/v1/metrics`;
  const best = await new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { cookie, origin: url } });
    let most = { samples: 0, withCpu: 0, missing: domains };
    const timer = setTimeout(() => {
      ws.close();
      resolve(most);
    }, 30_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', domains: '*' })));
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type !== 'sample') return;
      const live = new Set(msg.domains.filter((d) => d.cpuPercent !== null).map((d) => d.name));
      const missing = domains.filter((n) => !live.has(n));
      most = { samples: most.samples + 1, withCpu: domains.length - missing.length, missing };
      if (missing.length === 0) {
        clearTimeout(timer);
        ws.close();
        resolve(most);
      }
    });
  });
  console.log(
    `server: WS /api/v1/metrics: after ${best.samples} samples, ${best.withCpu} of ${domains.length} domains with a non-null cpuPercent`,
  );
  const ok = missingRest.length === 0 && best.missing.length === 0;
  if (!ok) {
    console.log(
      `server: missing from the list: ${missingRest.slice(0, 10).join(', ') || '-'}; without live metrics: ${best.missing.slice(0, 10).join(', ') || '-'}`,
    );
  }
  return ok;
}

let exitCode = 0;
try {
  mkdirSync(workDir, { recursive: true });
  const kernelPath = join(workDir, 'kernel');
  writeFileSync(kernelPath, tinyPvKernel());
  if ((await destroyBenchDomains()) > 0)
    console.log('destroyed bench domains left by a previous run');
  const rows = [];
  const createNs = [];
  for (const target of counts) {
    const n = await growTo(target, kernelPath, createNs);
    if (rows.length > 0 && n === rows[rows.length - 1].n) continue;
    const a = await host.metricsSnapshot();
    const b = await baseline.metricsSnapshot();
    const problems = compare(a, b);
    const collect = [];
    const fresh = stats(
      await timeCalls(async () => collect.push((await host.metricsSnapshot()).collectNs), newRuns),
    );
    const old = stats(await timeCalls(() => baseline.metricsSnapshot(), xenstatRuns));
    const xt = [];
    for (let i = 0; i < xentopRuns + 1; i++) {
      const r = await run('xentop', ['-b', '-i', '1']);
      if (r.code !== 0) throw new Error(`xentop exited with ${r.code}`);
      if (i > 0) xt.push(r.ns);
    }
    const row = {
      n,
      fresh,
      collect: stats(collect),
      old,
      xentop: stats(xt),
      problems,
    };
    rows.push(row);
    const f = (v) => v.toFixed(2).padStart(9);
    const line = (label, s) =>
      console.log(
        `  ${label.padEnd(40)}${String(s.n).padStart(5)}  ${f(s.meanMs)}  ${f(s.medianMs)}  ${f(s.p95Ms)}`,
      );
    console.log(`\n── ${n} domains (${n - 1} domUs)`);
    console.log(`  ${''.padEnd(40)}calls    mean ms  median ms     p95 ms`);
    line('new metricsSnapshot() (metricsSample)', row.fresh);
    line('  of which collectNs (in the addon)', row.collect);
    line('old libxenstat path (metricsXenstat)', row.old);
    line('spawn xentop -b -i 1', row.xentop);
    console.log(
      `  ratio xentop / new: ${(row.xentop.meanMs / row.fresh.meanMs).toFixed(1)}x by mean, ${(row.xentop.medianMs / row.fresh.medianMs).toFixed(1)}x by median; libxenstat / new: ${(row.old.medianMs / row.fresh.medianMs).toFixed(1)}x by median`,
    );
    console.log(
      `  new vs libxenstat: ${problems.length === 0 ? 'same domids, names, max memory and vCPUs' : problems.slice(0, 5).join('; ')}`,
    );
    if (problems.length > 0) exitCode = 1;
  }
  if (createNs.length > 0) {
    const c = stats(createNs);
    console.log(
      `\nxl create -p of a ${DOMAIN_MiB} MiB bench domain (${CREATE_PARALLEL} at a time): ${c.n} created, mean ${c.meanMs.toFixed(0)} ms, median ${c.medianMs.toFixed(0)} ms`,
    );
  }
  if (rows.length >= 2) {
    const xs = rows.map((r) => r.n);
    console.log(
      `\nper-domain cost: least squares over ${xs.join(', ')} domains, of the median (of the mean), extrapolated to 500:`,
    );
    for (const [label, key] of [
      ['new metricsSnapshot()', 'fresh'],
      ['  collectNs in the addon', 'collect'],
      ['old libxenstat path', 'old'],
      ['spawn xentop -b -i 1', 'xentop'],
    ]) {
      const med = leastSquares(
        xs,
        rows.map((r) => r[key].medianMs),
      );
      const mean = leastSquares(
        xs,
        rows.map((r) => r[key].meanMs),
      );
      const us = (v) => (v * 1000).toFixed(1);
      const at500 = (f) => (f.intercept + f.slope * 500).toFixed(1);
      console.log(
        `  ${label.padEnd(28)} ${us(med.slope).padStart(8)} (${us(mean.slope)}) µs/domain + ${med.intercept.toFixed(2)} (${mean.intercept.toFixed(2)}) ms → ${at500(med)} (${at500(mean)}) ms at 500`,
      );
    }
  }
  if (server) {
    // dom0 and every domain this bench started (others' domains may come and go meanwhile).
    const names = (await host.listDomains())
      .map((d) => d.name)
      .filter((n) => n === 'Domain-0' || BENCH_NAME.test(n));
    if (!(await checkServer(server, names))) exitCode = 1;
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  const n = await destroyBenchDomains();
  console.log(`destroyed ${n} bench domains`);
  await host.close();
  await baseline.close();
}
process.exit(exitCode);
