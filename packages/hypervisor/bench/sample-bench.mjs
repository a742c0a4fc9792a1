#!/usr/bin/env node
// Cost of one metrics sample of all domains at the domains that run now: the native snapshot
// (`metricsSnapshot()`: the addon's metricsSample; with --xenstat, the libxenstat path) against
// spawning `xentop -b -i 1` (what a server without the binding would run each tick). Run in the
// Xen lab's dom0, as root, after a build:
//   pnpm lab exec -- node <repo>/packages/hypervisor/bench/sample-bench.mjs [--native N] [--xentop N] [--xenstat] [--qdisk]
// (--qdisk: openLibxlHost({ metricsQdisk: true }), libxenstat's own vbd collector with QMP.)
// Prints per-call mean / median / p95 for both and the ratio. No assertions: figures only.
// metrics-scale-bench.mjs (what `pnpm test` runs) measures all three at 2, 20 and 100 domains.
import { spawn } from 'node:child_process';
import { openLibxlHost } from '../dist/index.js';
import { stats } from './lib/stats.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const nativeRuns = opt('--native', 200);
const xentopRuns = opt('--xentop', 30);
const xentop = args.includes('--xentop-path') ? args[args.indexOf('--xentop-path') + 1] : 'xentop';

/** Runs xentop once; resolves with its wall time (spawn to exit), ns, and the lines it printed. */
function runXentop() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(xentop, ['-b', '-i', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ns = Number(process.hrtime.bigint() - t0);
      if (code !== 0) reject(new Error(`xentop exited with ${code}`));
      else resolve({ ns, lines: out.trim().split('\n').length });
    });
  });
}

const host = await openLibxlHost({
  metricsQdisk: args.includes('--qdisk'),
  metricsXenstat: args.includes('--xenstat'),
});
try {
  // Warm-up: the first snapshot opens the xenstat handle; the first xentop warms the page cache.
  const first = await host.metricsSnapshot();
  await runXentop();
  const native = [];
  const collect = [];
  for (let i = 0; i < nativeRuns; i++) {
    const t0 = process.hrtime.bigint();
    const s = await host.metricsSnapshot();
    native.push(Number(process.hrtime.bigint() - t0));
    collect.push(s.collectNs);
  }
  const spawned = [];
  let lines = 0;
  for (let i = 0; i < xentopRuns; i++) {
    const r = await runXentop();
    spawned.push(r.ns);
    lines = r.lines;
  }
  const n = stats(native);
  const c = stats(collect);
  const x = stats(spawned);
  const f = (v) => v.toFixed(2).padStart(9);
  const devices = (k) => first.domains.reduce((sum, d) => sum + d[k].length, 0);
  console.log(
    `metricsQdisk: ${args.includes('--qdisk')}; vifs: ${devices('nets')}, vbds: ${devices('vbds')}`,
  );
  console.log(
    `domains: ${first.domains.length} (${first.domains.map((d) => d.name).join(', ')}); xentop printed ${lines} lines`,
  );
  console.log('                                   calls    mean ms  median ms     p95 ms');
  console.log(
    `native metricsSnapshot()          ${String(n.n).padStart(5)}  ${f(n.meanMs)}  ${f(n.medianMs)}  ${f(n.p95Ms)}`,
  );
  console.log(
    `  of which collectNs (in the addon)${String(c.n).padStart(5)}  ${f(c.meanMs)}  ${f(c.medianMs)}  ${f(c.p95Ms)}`,
  );
  console.log(
    `spawn xentop -b -i 1              ${String(x.n).padStart(5)}  ${f(x.meanMs)}  ${f(x.medianMs)}  ${f(x.p95Ms)}`,
  );
  console.log(
    `ratio xentop / native: ${(x.meanMs / n.meanMs).toFixed(1)}x by mean, ${(x.medianMs / n.medianMs).toFixed(1)}x by median`,
  );
} finally {
  await host.close();
}
