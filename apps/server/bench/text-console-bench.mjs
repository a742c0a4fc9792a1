#!/usr/bin/env node
/**
 * Benchmark of the text console fan-out: the built server (dist/main.js) as a child process on the
 * simulated host (temp state dir, 127.0.0.1 only), websocket viewers on one domain's PV console
 * (`WS /api/v1/domains/<name>/console/text?type=pv`, the fake shell of the simulated host), and a
 * burst typed into it: `burst <bytes>` makes the shell write that many bytes of its test pattern
 * (`burstPattern` of @xendeck/hypervisor) as fast as the server takes them. Two phases, side by
 * side: 1 viewer, then BENCH_VIEWERS (default 20). For each it prints the time from the keystroke
 * to the last viewer's last byte, throughput, the server's CPU time over the burst (utime + stime
 * from /proc/<pid>/stat), its RSS before, peak (sampled every 50 ms) and after, and whether every
 * viewer received the burst byte-exact (SHA-256 of the bytes between the echoed command line and
 * the burst's end, against the pattern's). Then a verdict line. No assertion: figures to read.
 *
 *   pnpm --filter @xendeck/server bench:console         # bundles the server first
 *   BENCH_VIEWERS=20 BENCH_BURST_BYTES=10485760 pnpm --filter @xendeck/server bench:console
 *
 * Bounded: the child is killed and the temp dir removed on exit, on error, and by a watchdog.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { burstPattern, MAX_BURST_BYTES } from '@xendeck/hypervisor';
import WebSocket from 'ws';
import {
  cleanupOnExit,
  clkTck,
  cpuSeconds,
  f1,
  f2,
  rssMiB,
  serverDir,
  sleep,
  startServer,
  tableRow,
} from './lib/bench-server.mjs';

const bundle = join(serverDir, 'dist', 'main.js');
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 20);
const BURST = Number(process.env.BENCH_BURST_BYTES ?? 10 * 1024 * 1024);
/** The simulated host's default guests include this running HVM domain (it has a PV console). */
const DOMAIN = process.env.BENCH_DOMAIN ?? 'db-01';
const PASSWORD = 'bench-password-not-secret';
const WATCHDOG_MS = 180_000;
const PHASE_TIMEOUT_MS = 60_000;

if (!existsSync(bundle)) {
  console.error(`missing ${bundle}: run pnpm --filter @xendeck/server build first`);
  process.exit(1);
}
if (!Number.isInteger(VIEWERS) || VIEWERS < 1 || VIEWERS > 200) {
  console.error(`BENCH_VIEWERS must be 1..200 (got ${VIEWERS})`);
  process.exit(1);
}
if (!Number.isInteger(BURST) || BURST < 1 || BURST > MAX_BURST_BYTES) {
  console.error(`BENCH_BURST_BYTES must be 1..${MAX_BURST_BYTES} (got ${BURST})`);
  process.exit(1);
}

const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-console-bench-'));
let child;
const viewers = [];
function cleanup() {
  for (const v of viewers) v.ws.terminate();
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
}
cleanupOnExit(cleanup);
const watchdog = setTimeout(() => {
  console.error('bench: watchdog fired (took far longer than planned); stopping');
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

/**
 * A viewer: counts every byte, and once armed for a burst finds the echoed command line in the
 * stream, then hashes exactly `BURST` bytes after it.
 */
function makeViewer(url, cookie, origin) {
  const ws = new WebSocket(url, { headers: { Cookie: cookie, Origin: origin } });
  const v = {
    ws,
    bytes: 0,
    attached: false,
    closed: undefined,
    /** Burst state: searching for the marker, then hashing. */
    marker: undefined,
    tail: Buffer.alloc(0),
    hash: undefined,
    left: 0,
    digest: undefined,
    doneAt: 0,
    onDone: undefined,
  };
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const m = JSON.parse(String(data));
      if (m.type === 'status') v.attached = m.state === 'attached';
      return;
    }
    v.bytes += data.length;
    if (v.marker) feed(v, data);
  });
  ws.on('close', (code, reason) => {
    v.closed = `${code} ${reason}`;
  });
  v.open = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) => reject(new Error(`refused ${r.statusCode}`)));
  });
  return v;
}

function feed(v, data) {
  let chunk = data;
  if (!v.hash) {
    const hay = Buffer.concat([v.tail, chunk]);
    const at = hay.indexOf(v.marker);
    if (at < 0) {
      v.tail = hay.subarray(Math.max(0, hay.length - v.marker.length + 1));
      return;
    }
    v.hash = createHash('sha256');
    v.left = BURST;
    chunk = hay.subarray(at + v.marker.length);
    v.tail = Buffer.alloc(0);
  }
  if (v.left > 0 && chunk.length > 0) {
    const take = chunk.subarray(0, Math.min(chunk.length, v.left));
    v.hash.update(take);
    v.left -= take.length;
    if (v.left === 0) {
      v.digest = v.hash.digest('hex');
      v.doneAt = performance.now();
      v.marker = undefined;
      v.onDone?.();
    }
  }
}

/** Types the burst command in viewer 0 and waits for every viewer to receive the whole burst. */
async function burstPhase(pid, group, expectedDigest) {
  const command = `burst ${BURST}`;
  for (const v of group) {
    v.marker = Buffer.from(`${command}\r\n`);
    v.tail = Buffer.alloc(0);
    v.hash = undefined;
    v.digest = undefined;
  }
  const done = Promise.all(
    group.map(
      (v) =>
        new Promise((resolve) => {
          v.onDone = resolve;
        }),
    ),
  );
  const rss = [rssMiB(pid)];
  const sampler = setInterval(() => rss.push(rssMiB(pid)), 50);
  const cpu0 = cpuSeconds(pid);
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  group[0].ws.send(Buffer.from(`${command}\r`), { binary: true });
  const outcome = await Promise.race([
    done.then(() => 'ok'),
    sleep(PHASE_TIMEOUT_MS).then(() => 'timeout'),
  ]);
  const cpu = cpuSeconds(pid) - cpu0;
  const own = process.cpuUsage(own0);
  clearInterval(sampler);
  await sleep(300);
  const rssAfter = rssMiB(pid);
  const last = Math.max(t0, ...group.map((v) => v.doneAt));
  const seconds = (last - t0) / 1000;
  const exact = group.filter((v) => v.digest === expectedDigest).length;
  return {
    viewers: group.length,
    outcome,
    seconds,
    perViewerMiBps: BURST / 1048576 / seconds,
    aggregateMiBps: (BURST * group.length) / 1048576 / seconds,
    cpuSeconds: cpu,
    cpuMsPerMiB: (cpu * 1000) / ((BURST * group.length) / 1048576),
    rssBefore: rss[0],
    rssPeak: Math.max(...rss),
    rssAfter,
    exact,
    dropped: group.filter((v) => v.closed !== undefined).length,
    benchCpuSeconds: (own.user + own.system) / 1e6,
  };
}

async function main() {
  const { port, base, cookie } = await startServer({
    entry: bundle,
    stateDir,
    password: PASSWORD,
    env: { XENDECK_WS_MAX_PER_SESSION: String(VIEWERS + 8) },
    onSpawn: (c) => {
      child = c;
    },
  });
  const pid = child.pid;
  const url = `ws://127.0.0.1:${port}/api/v1/domains/${DOMAIN}/console/text?type=pv`;
  const expected = createHash('sha256').update(burstPattern(BURST)).digest('hex');
  console.log(
    `bench: server pid ${pid}, simulated host, PV console of ${DOMAIN}, burst ${BURST} bytes ` +
      `(${(BURST / 1048576).toFixed(1)} MiB), 1 then ${VIEWERS} viewers (CLK_TCK ${clkTck})`,
  );

  const connect = async (n) => {
    const fresh = Array.from({ length: n }, () => makeViewer(url, cookie, base));
    viewers.push(...fresh);
    await Promise.all(fresh.map((v) => v.open));
    const until = Date.now() + 10_000;
    while (!fresh.every((v) => v.attached) && Date.now() < until) await sleep(10);
    if (!fresh.every((v) => v.attached)) throw new Error('viewers did not reach "attached"');
  };

  await connect(1);
  await sleep(500);
  const one = await burstPhase(pid, viewers.slice(0, 1), expected);
  await connect(VIEWERS - 1);
  await sleep(1000);
  const many = await burstPhase(pid, viewers.slice(0, VIEWERS), expected);
  for (const v of viewers) v.ws.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  const row = tableRow(40);
  console.log('');
  console.log(row('', '1 viewer', `${VIEWERS} viewers`));
  console.log(row('burst complete at every viewer, s', f2(one.seconds), f2(many.seconds)));
  console.log(row('throughput per viewer, MiB/s', f1(one.perViewerMiBps), f1(many.perViewerMiBps)));
  console.log(
    row('throughput, all viewers, MiB/s', f1(one.aggregateMiBps), f1(many.aggregateMiBps)),
  );
  console.log(row('server CPU over the burst, s', f2(one.cpuSeconds), f2(many.cpuSeconds)));
  console.log(row('server CPU per MiB delivered, ms', f1(one.cpuMsPerMiB), f1(many.cpuMsPerMiB)));
  console.log(row('server RSS before, MiB', f1(one.rssBefore), f1(many.rssBefore)));
  console.log(row('server RSS peak, MiB', f1(one.rssPeak), f1(many.rssPeak)));
  console.log(row('server RSS after, MiB', f1(one.rssAfter), f1(many.rssAfter)));
  console.log(row('viewers byte-exact', `${one.exact}/1`, `${many.exact}/${VIEWERS}`));
  console.log(row('viewers dropped', one.dropped, many.dropped));
  console.log(
    row('bench process CPU (viewers), s', f2(one.benchCpuSeconds), f2(many.benchCpuSeconds)),
  );
  const allExact = one.exact === 1 && many.exact === VIEWERS && many.outcome === 'ok';
  console.log('');
  console.log(
    `verdict: ${VIEWERS} viewers ${allExact ? 'ALL byte-exact' : `NOT all byte-exact (${many.exact}/${VIEWERS}${many.outcome === 'timeout' ? ', timed out' : ''})`}; ` +
      `${f1(BURST / 1048576)} MiB reached all of them in ${f2(many.seconds)} s ` +
      `(${f1(many.aggregateMiBps)} MiB/s in total, ${f2(many.seconds / one.seconds)}× the 1-viewer time); ` +
      `server CPU ${f2(many.cpuSeconds)} s (${f2(many.cpuSeconds / Math.max(one.cpuSeconds, 0.01))}× 1 viewer); ` +
      `RSS peak +${f1(many.rssPeak - many.rssBefore)} MiB over the burst, ${f1(many.rssAfter)} MiB after`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
