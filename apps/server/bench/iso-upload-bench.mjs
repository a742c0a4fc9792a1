#!/usr/bin/env node
/**
 * Benchmark of the ISO upload path: the same bytes (BENCH_ISO_MIB, default 256 MiB of random data,
 * read from a temp file) PUT over loopback HTTP to
 *   1. a baseline: a plain node http server (child process) doing `req.pipe(fs.createWriteStream())`
 *      into a file, no hashing, no fsync — what a copy costs at the least;
 *   2. the same baseline with an fsync of the file before answering (`?fsync=1`): what durability
 *      alone costs on this disk;
 *   3. Xendeck: the built server (dist/main.js, simulated host, temp state and ISO dir) taking
 *      `PUT /api/v1/isos/<name>` with `X-Checksum-Sha256` (it hashes while streaming, checks the
 *      digest, fsyncs the file and the directory, then links the name).
 * Rounds alternate (BENCH_ROUNDS, default 3). For each: wall time from the first byte sent to the
 * answer, MB/s (10^6 bytes per second), the server's CPU time (utime + stime from /proc) and RSS
 * before / peak (sampled every 20 ms) / after. Then the means side by side and Xendeck's
 * throughput as a fraction of the baseline's. No assertion: figures to read.
 *
 *   pnpm --filter @xendeck/server bench:iso          # bundles the server first
 *   BENCH_ISO_MIB=1024 BENCH_ROUNDS=2 pnpm --filter @xendeck/server bench:iso
 *
 * Bounded: children killed and temp dirs removed on exit, on error, and by a watchdog.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanupOnExit,
  cpuSeconds,
  f1,
  f2,
  freePort,
  rssMiB,
  serverDir,
  sleep,
  startServer,
  tableRow,
} from './lib/bench-server.mjs';

const bundle = join(serverDir, 'dist', 'main.js');
const MIB = Number(process.env.BENCH_ISO_MIB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PASSWORD = 'bench-password-not-secret';
const WATCHDOG_MS = 600_000;

if (!existsSync(bundle)) {
  console.error(`missing ${bundle}: run pnpm --filter @xendeck/server build first`);
  process.exit(1);
}
if (!Number.isInteger(MIB) || MIB < 1 || MIB > 8192) {
  console.error(`BENCH_ISO_MIB must be 1..8192 (got ${MIB})`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'xendeck-iso-bench-'));
const children = [];
cleanupOnExit(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
setTimeout(() => {
  console.error('bench: watchdog fired; stopping');
  process.exit(2);
}, WATCHDOG_MS).unref();

// The source file, written in 16 MiB pieces (never the whole in memory), and its SHA-256.
const source = join(work, 'source.iso');
const sourceSha256 = (() => {
  const hash = createHash('sha256');
  writeFileSync(source, '');
  for (let left = MIB; left > 0; left -= 16) {
    const piece = randomBytes(Math.min(16, left) * 1024 * 1024);
    hash.update(piece);
    writeFileSync(source, piece, { flag: 'a' });
  }
  return hash.digest('hex');
})();
const sizeBytes = statSync(source).size;

/** The baseline server: one file per PUT, piped, 201 when the write stream closed. */
const BASELINE = `
const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
const dir = process.argv[1]; let n = 0;
http.createServer((req, res) => {
  const file = path.join(dir, 'copy-' + (n++) + '.iso');
  const out = fs.createWriteStream(file, { flags: 'wx' });
  req.pipe(out);
  out.on('close', () => {
    if (req.url.endsWith('?fsync=1')) { const fd = fs.openSync(file, 'r+'); fs.fsyncSync(fd); fs.closeSync(fd); }
    res.statusCode = 201; res.end();
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

async function startBaseline() {
  const dir = join(work, 'baseline');
  mkdirSync(dir);
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', BASELINE, dir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (c) => reject(new Error(`baseline exited ${c}`)));
  });
  const plain = { pid: child.pid, url: (i) => `http://127.0.0.1:${port}/copy-${i}`, headers: {} };
  const synced = { ...plain, url: (i) => `http://127.0.0.1:${port}/synced-${i}?fsync=1` };
  return { plain, synced };
}

async function startXendeck() {
  const stateDir = join(work, 'xendeck');
  const s = await startServer({
    entry: bundle,
    stateDir,
    password: PASSWORD,
    env: { XENDECK_ISO_DIR: join(stateDir, 'iso') },
    onSpawn: (c) => children.push(c),
    name: 'xendeck',
  });
  return {
    pid: s.pid,
    url: (i) => `${s.base}/api/v1/isos/bench-${i}.iso`,
    headers: {
      Cookie: s.cookie,
      Origin: s.base,
      'Content-Type': 'application/octet-stream',
      'X-Checksum-Sha256': sourceSha256,
    },
  };
}

/** One PUT of the source file; resolves with seconds, CPU seconds and RSS figures of `pid`. */
async function upload(server, i) {
  const rssBefore = rssMiB(server.pid);
  const cpuBefore = cpuSeconds(server.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB(server.pid));
  }, 20);
  const t0 = process.hrtime.bigint();
  const status = await new Promise((resolve, reject) => {
    const req = request(server.url(i), {
      method: 'PUT',
      headers: { ...server.headers, 'Content-Length': sizeBytes },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    createReadStream(source, { highWaterMark: 1024 * 1024 }).pipe(req);
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  if (status !== 201) throw new Error(`PUT ${server.url(i)} answered ${status}`);
  await sleep(200);
  return {
    seconds,
    mbps: sizeBytes / 1e6 / seconds,
    cpu: cpuSeconds(server.pid) - cpuBefore,
    rssBefore,
    rssPeak,
    rssAfter: rssMiB(server.pid),
  };
}

const { plain: baseline, synced } = await startBaseline();
const xendeck = await startXendeck();
console.log(
  `ISO upload: ${MIB} MiB (${sizeBytes} bytes) over loopback, ${ROUNDS} rounds, alternating`,
);
const results = { baseline: [], synced: [], xendeck: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.baseline.push(await upload(baseline, r));
  results.synced.push(await upload(synced, r));
  results.xendeck.push(await upload(xendeck, r));
  const [b, s, x] = [results.baseline, results.synced, results.xendeck].map((l) => l.at(-1));
  console.log(
    `  round ${r + 1}: copy ${f1(b.mbps)} MB/s, copy + fsync ${f1(s.mbps)} MB/s, Xendeck ${f1(x.mbps)} MB/s`,
  );
}
const mean = (list, k) => list.reduce((s, x) => s + x[k], 0) / list.length;
const row3 = (label, a, b, c) => `${tableRow(30)(label, a, b)}${String(c).padStart(14)}`;
console.log('');
console.log(row3('', 'copy', 'copy + fsync', 'Xendeck'));
for (const [label, k, fmt] of [
  ['throughput, MB/s', 'mbps', f1],
  ['wall time, s', 'seconds', f2],
  ['server CPU per upload, s', 'cpu', f2],
  ['server RSS before, MiB', 'rssBefore', f1],
  ['server RSS peak, MiB', 'rssPeak', f1],
  ['server RSS after, MiB', 'rssAfter', f1],
]) {
  console.log(
    row3(
      label,
      fmt(mean(results.baseline, k)),
      fmt(mean(results.synced, k)),
      fmt(mean(results.xendeck, k)),
    ),
  );
}
const ratio = mean(results.xendeck, 'mbps') / mean(results.baseline, 'mbps');
const ratioSynced = mean(results.xendeck, 'mbps') / mean(results.synced, 'mbps');
const rssGrowth = mean(results.xendeck, 'rssPeak') - mean(results.xendeck, 'rssBefore');
console.log('');
console.log(
  `verdict: Xendeck uploads at ${f2(ratio)}× the plain copy's throughput and ${f2(ratioSynced)}× the copy + fsync's (it also hashes and checks the SHA-256); its RSS grows ${f1(rssGrowth)} MiB at peak for a ${MIB} MiB upload (streamed, not buffered)`,
);
process.exit(0);
