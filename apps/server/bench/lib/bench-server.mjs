/**
 * What the server benchmarks (ws-metrics-bench, text-console-bench, vnc-proxy-bench) share, and
 * only that: reading a process's CPU time and RSS from /proc, `sleep`, a free loopback port,
 * starting a Xendeck server entry as a child process with a clean XENDECK_* environment and
 * logging in to it, running a cleanup at exit and on SIGINT/SIGTERM, and the two-column
 * results-table helpers. Each benchmark keeps its own phases, figures, output, watchdog and cleanup
 * function (what it kills and removes).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/server: the bundle is dist/main.js below it; its node_modules resolve the externals. */
export const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Clock ticks per second of /proc/<pid>/stat's times (getconf CLK_TCK; 100 if it does not answer). */
export const clkTck = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** CPU time of a process (user + system, utime + stime from /proc/<pid>/stat), seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / clkTck;
}

/** Resident set size of a process (VmRSS from /proc/<pid>/status), MiB; NaN if not found. */
export function rssMiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Runs `cleanup` when the process exits, and on SIGINT/SIGTERM (then exits with 130). */
export function cleanupOnExit(cleanup) {
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A TCP port free on 127.0.0.1 at the time of asking (listen on 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a Xendeck server entry (`entry`, a bundled .js/.mjs) with node on a free 127.0.0.1 port:
 * every XENDECK_* variable of this process dropped, then the simulated backend, `stateDir` as state
 * dir (its `no-web` as the absent web dir), admin password `password`, log level warn, and `env` on
 * top (which may override any of those). Its stderr is kept for the error messages. Polls
 * POST /api/v1/session every `retryMs` ms until it answers 204, and throws if the child exits or
 * `timeoutMs` ms pass first (`name` opens those messages).
 *
 * `onSpawn(child)` is called as soon as the child exists, so that the caller's cleanup can kill it
 * even if it never comes up. Resolves with { child, pid, port, base: 'http://127.0.0.1:<port>',
 * cookie: 'name=value' of the session }.
 */
export async function startServer({
  entry,
  stateDir,
  password,
  env: extra = {},
  onSpawn,
  name = 'server',
  timeoutMs = 30_000,
  retryMs = 200,
}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('XENDECK_')) delete env[k];
  Object.assign(env, {
    XENDECK_BACKEND: 'simulated',
    XENDECK_STATE_DIR: stateDir,
    XENDECK_WEB_DIR: join(stateDir, 'no-web'),
    XENDECK_HOST: '127.0.0.1',
    // Plain HTTP on loopback: the benchmarks measure the server, not TLS.
    XENDECK_HTTP: '1',
    XENDECK_PORT: String(port),
    XENDECK_ADMIN_PASSWORD: password,
    XENDECK_LOG_LEVEL: 'warn',
    ...extra,
  });
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  onSpawn?.(child);
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`${name} did not come up: ${stderr}`);
    try {
      const res = await fetch(`${base}/api/v1/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      if (res.status !== 204) throw new Error(`login answered ${res.status}`);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
      return { child, pid: child.pid, port, base, cookie };
    } catch {
      await sleep(retryMs);
    }
  }
}

/**
 * A results-table row maker: `row(label, a, b)` is the label padded to `labelWidth` characters,
 * then `a` and `b` right-aligned in 14 characters each, indented by two spaces.
 */
export const tableRow = (labelWidth) => (label, a, b) =>
  `  ${label.padEnd(labelWidth)}${String(a).padStart(14)}${String(b).padStart(14)}`;

/** A number with one decimal, as a string. */
export const f1 = (x) => x.toFixed(1);

/** A number with two decimals, as a string. */
export const f2 = (x) => x.toFixed(2);
