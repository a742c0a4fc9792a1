/**
 * Starting, rebooting, stopping and reaching the lab. One lab per cache directory: its state lives
 * in `<cache>/run/` (overlay, vg.img, serial.log, qemu.pid, lab.json, share/).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { basename, join, relative } from 'node:path';
import { ensureImage } from './build.js';
import { assertPlainPath, type ImageFiles, imageFiles, type LabPaths, REPO_ROOT } from './paths.js';
import { alive, formatDuration, interruption, run, sleep } from './proc.js';
import { type QemuConfig, qemuArgs } from './qemu.js';
import { isPreAuthSshFailure, sshArgs } from './ssh.js';

/**
 * Boot-to-ready timeout (TCG boots Xen + systemd in ~80 s on a quiet machine; node adds a few
 * seconds): `XENDECK_LAB_READY_TIMEOUT_MS`, default 10 minutes. On a loaded machine (a load of
 * 13 on 2 cores) a boot took 6 minutes and a reboot's boot more than 10.
 */
function readyTimeoutMs(): number {
  const raw = process.env.XENDECK_LAB_READY_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 10 * 60 * 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 10_000)
    throw new Error(
      `XENDECK_LAB_READY_TIMEOUT_MS='${raw}' must be a whole number of ms, at least 10000`,
    );
  return n;
}
/** Where the run share is mounted in dom0 (see recipe/rootfs/etc/systemd/system-generators). */
const DOM0_RUN_MOUNT = '/var/lib/xendeck-lab/run';

/** Contents of `run/lab.json`, written at start. */
export interface LabState {
  pid: number;
  httpPort: number;
  sshPort: number;
  imageKey: string;
  startedAt: string;
  /** Server entry as seen in dom0. */
  serverEntry: string;
}

export type Log = (s: string) => void;

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name}='${raw}' is not a TCP port (1-65535)`);
  }
  return n;
}

/** Fails with a clear message when something already listens on 127.0.0.1:port. */
async function assertPortFree(port: number, envName: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `127.0.0.1:${port} is not available (${e.code ?? e.message}); ` +
            `stop what uses it or choose another port with ${envName}=...`,
        ),
      ),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

/** The lab's admin password: from the cache, else `XENDECK_ADMIN_PASSWORD`, else random. */
export async function adminPassword(paths: LabPaths): Promise<string> {
  if (existsSync(paths.adminPassword)) {
    const p = readFileSync(paths.adminPassword, 'utf8').replace(/\n$/, '');
    if (p !== '') return p;
  }
  const fromEnv = process.env.XENDECK_ADMIN_PASSWORD;
  const pw =
    fromEnv !== undefined && fromEnv !== '' ? fromEnv : randomBytes(12).toString('base64url');
  if (/[\n\r\0]/.test(pw))
    throw new Error('XENDECK_ADMIN_PASSWORD must not contain newlines or NUL');
  await mkdir(paths.cache, { recursive: true });
  writeFileSync(paths.adminPassword, `${pw}\n`, { mode: 0o600 });
  await chmod(paths.adminPassword, 0o600);
  return pw;
}

/** A value for a systemd EnvironmentFile line, double-quoted. */
export function envFileValue(v: string): string {
  if (/[\n\r\0]/.test(v)) throw new Error('environment values must not contain newlines or NUL');
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Reads run/lab.json; undefined when missing or unreadable. */
export function readState(paths: LabPaths): LabState | undefined {
  try {
    return JSON.parse(readFileSync(paths.stateFile, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** The pid of the lab's QEMU if it runs (checked against /proc/<pid>/cmdline). */
export function runningPid(paths: LabPaths): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('qemu-system') || !cmdline.includes(paths.run)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

/** Last `lines` lines of a file ('' when missing). */
export function tail(file: string, lines = 40): string {
  try {
    const size = statSync(file).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    const fd = openSync(file, 'r');
    readSync(fd, buf, 0, len, size - len);
    closeSync(fd);
    return buf.toString('utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Resolves true when anything answers HTTP at the URL (any status). */
function httpAnswers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 5000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Follows a growing file, writing new bytes to `out`; returns a stop function. */
function follow(file: string, out: NodeJS.WritableStream): () => void {
  let pos = 0;
  const timer = setInterval(() => {
    try {
      const size = statSync(file).size;
      if (size <= pos) return;
      const buf = Buffer.alloc(size - pos);
      const fd = openSync(file, 'r');
      readSync(fd, buf, 0, buf.length, pos);
      closeSync(fd);
      pos = size;
      out.write(buf);
    } catch {}
  }, 300);
  return () => clearInterval(timer);
}

/** Milestones seen in the serial log, for phase timings. */
const MILESTONES: [string, RegExp][] = [
  ['Xen started', /\(XEN\) Xen version/],
  ['dom0 kernel started', /Linux version|Booting paravirtualized kernel/],
  ['dom0 systemd started', /Welcome to .*Debian|systemd\[1\]/],
  ['dom0 login prompt', /xendeck-lab login:/],
];

function resolveServerEntry(): { host: string; copy: boolean } {
  const override = process.env.XENDECK_LAB_SERVER_ENTRY;
  if (override !== undefined && override !== '') {
    if (!override.startsWith('/'))
      throw new Error(`XENDECK_LAB_SERVER_ENTRY must be absolute: '${override}'`);
    if (!existsSync(override))
      throw new Error(`XENDECK_LAB_SERVER_ENTRY '${override}' does not exist`);
    const rel = relative(REPO_ROOT, override);
    return { host: override, copy: rel.startsWith('..') };
  }
  const entry = join(REPO_ROOT, 'apps', 'server', 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(
      `${entry} is missing: the lab runs the built server in dom0. Run \`pnpm build\` at the repository root first.`,
    );
  }
  return { host: entry, copy: false };
}

/** The QEMU configuration of a lab run: the run directory's overlay, vg disk, share and logs. */
export function labQemuConfig(
  paths: LabPaths,
  image: ImageFiles,
  ports: { httpPort: number; sshPort: number },
): QemuConfig {
  return {
    xen: image.xen,
    vmlinuz: image.vmlinuz,
    initrd: image.initrd,
    overlay: join(paths.run, 'dom0.qcow2'),
    vgDisk: join(paths.run, 'vg.img'),
    repo: REPO_ROOT,
    share: paths.share,
    serialLog: paths.serialLog,
    pidFile: paths.pidFile,
    httpPort: ports.httpPort,
    sshPort: ports.sshPort,
  };
}

/** A QEMU process the lab started: its pid, the child, and how it exited (undefined while it runs). */
interface Launched {
  pid: number;
  child: ChildProcess;
  exited: () => string | undefined;
}

/**
 * Spawns QEMU on the run directory (see {@link labQemuConfig}), writes `qemu.pid` and `lab.json`.
 * @throws Error when qemu-system-x86_64 cannot be started.
 */
function launchQemu(
  paths: LabPaths,
  image: ImageFiles,
  run: { httpPort: number; sshPort: number; serverEntry: string; startedAt?: string },
  opts: { foreground: boolean },
): Launched {
  const args = qemuArgs(labQemuConfig(paths, image, run));
  const qlog = openSync(paths.qemuLog, 'w');
  const child: ChildProcess = spawn('qemu-system-x86_64', args, {
    detached: !opts.foreground,
    stdio: ['ignore', qlog, qlog],
  });
  closeSync(qlog);
  let exited: string | undefined;
  child.on('exit', (code, sig) => {
    exited = sig !== null ? `signal ${sig}` : `exit code ${code}`;
  });
  child.on('error', (e) => {
    exited = e.message;
  });
  const pid = child.pid;
  if (pid === undefined)
    throw new Error('could not start qemu-system-x86_64 (is qemu-system-x86 installed?)');
  if (!opts.foreground) child.unref();
  writeFileSync(paths.pidFile, `${pid}\n`);
  const state: LabState = {
    pid,
    httpPort: run.httpPort,
    sshPort: run.sshPort,
    imageKey: image.key,
    startedAt: run.startedAt ?? new Date().toISOString(),
    serverEntry: run.serverEntry,
  };
  writeFileSync(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return { pid, child, exited: () => exited };
}

/**
 * Waits until Xendeck answers on `<url>/api/v1/host` (any HTTP status), logging the boot
 * milestones of the serial log. On failure (QEMU exited, interrupted, 10-minute timeout) stops
 * QEMU and throws with the logs' tails.
 */
async function waitReady(
  paths: LabPaths,
  launched: Launched,
  url: string,
  tBoot: number,
  log: Log,
): Promise<void> {
  const seen = new Set<string>();
  const timeoutMs = readyTimeoutMs();
  try {
    for (;;) {
      if (interruption() !== undefined) throw new Error(`interrupted by ${interruption()}`);
      const exited = launched.exited();
      if (exited !== undefined) {
        throw new Error(
          `QEMU exited (${exited}) before Xendeck answered.\n--- qemu.log:\n${tail(paths.qemuLog, 20)}\n--- serial.log (tail):\n${tail(paths.serialLog)}`,
        );
      }
      const serial = tail(paths.serialLog, 400);
      for (const [name, re] of MILESTONES) {
        if (!seen.has(name) && re.test(serial)) {
          seen.add(name);
          log(`  ${name}: +${formatDuration(Date.now() - tBoot)}`);
        }
      }
      if (await httpAnswers(`${url}/api/v1/host`)) break;
      if (Date.now() - tBoot > timeoutMs) {
        throw new Error(
          `Xendeck did not answer on ${url}/api/v1/host within ${formatDuration(timeoutMs)} (XENDECK_LAB_READY_TIMEOUT_MS).\n` +
            `--- serial.log (tail, full log: ${paths.serialLog}):\n${tail(paths.serialLog)}`,
        );
      }
      await sleep(2000);
    }
  } catch (e) {
    if (alive(launched.pid)) {
      log(`stopping QEMU (pid ${launched.pid})`);
      process.kill(launched.pid, 'SIGTERM');
    }
    throw e;
  }
}

export interface StartOptions {
  foreground: boolean;
}

/**
 * Starts the lab: builds or reuses the image, makes a fresh overlay and vg disk, boots QEMU and
 * waits until Xendeck answers on `http://127.0.0.1:<port>/api/v1/host` (any HTTP status).
 * @throws Error when already running, the server is not built, a port is taken, QEMU exits, or
 *   the 10-minute readiness timeout passes (the error carries the serial log's tail).
 */
export async function start(paths: LabPaths, opts: StartOptions, log: Log): Promise<number> {
  const t0 = Date.now();
  const existing = runningPid(paths);
  if (existing !== undefined) {
    const st = readState(paths);
    throw new Error(
      `the lab already runs (pid ${existing}, http://127.0.0.1:${st?.httpPort ?? '?'}); \`pnpm lab stop\` first`,
    );
  }
  assertPlainPath(REPO_ROOT, 'repository path');
  assertPlainPath(paths.run, 'lab run directory');
  const server = resolveServerEntry();
  const httpPort = portFromEnv('XENDECK_LAB_PORT', 8080);
  const sshPort = portFromEnv('XENDECK_LAB_SSH_PORT', 2222);
  await assertPortFree(httpPort, 'XENDECK_LAB_PORT');
  await assertPortFree(sshPort, 'XENDECK_LAB_SSH_PORT');

  const built = await ensureImage(paths, log);
  log(
    built.reused
      ? `image ${built.image.key}: cached (${formatDuration(built.elapsedMs)})`
      : `image ${built.image.key}: built in ${formatDuration(built.elapsedMs)}`,
  );
  const image = imageFiles(paths.images, built.image.key);
  const password = await adminPassword(paths);

  // A fresh run directory: every start is a clean host.
  const t1 = Date.now();
  await rm(paths.run, { recursive: true, force: true });
  await mkdir(paths.share, { recursive: true, mode: 0o700 });
  const { overlay, vgDisk } = labQemuConfig(paths, image, { httpPort, sshPort });
  await run([
    'qemu-img',
    'create',
    '-q',
    '-f',
    'qcow2',
    '-b',
    image.rootImage,
    '-F',
    'raw',
    overlay,
  ]);
  await writeFile(vgDisk, '');
  await run(['truncate', '-s', '8G', vgDisk]);
  await copyFile(process.execPath, join(paths.share, 'node'));
  await chmod(join(paths.share, 'node'), 0o755);
  let dom0Entry = server.host;
  if (server.copy) {
    await mkdir(join(paths.share, 'server'), { recursive: true });
    await copyFile(server.host, join(paths.share, 'server', basename(server.host)));
    dom0Entry = `${DOM0_RUN_MOUNT}/server/${basename(server.host)}`;
    log(`server entry override: ${server.host} (copied into the run share as ${dom0Entry})`);
  }
  const env: Record<string, string> = {
    XENDECK_ADMIN_PASSWORD: password,
    XENDECK_PORT: '8080',
    XENDECK_HOST: '0.0.0.0',
    // Plain HTTP on purpose: dom0's port is reached only through QEMU's user-mode forward, which
    // listens on the host's 127.0.0.1 (qemu.ts hostfwd), and the e2e lab specs speak http.
    XENDECK_HTTP: '1',
    XENDECK_STATE_DIR: '/var/lib/xendeck',
    XENDECK_BACKEND: 'libxl',
    XENDECK_CONFIG_DIR: '/etc/xen',
    NODE_ENV: 'production',
    XENDECK_LAB_SERVER_ENTRY: dom0Entry,
  };
  const envText = Object.entries(env)
    .map(([k, v]) => `${k}=${envFileValue(v)}`)
    .join('\n');
  writeFileSync(join(paths.share, 'xendeck.env'), `${envText}\n`, { mode: 0o600 });
  writeFileSync(paths.serialLog, '');
  log(`run directory ready: ${formatDuration(Date.now() - t1)}`);

  const launched = launchQemu(paths, image, { httpPort, sshPort, serverEntry: dom0Entry }, opts);
  log(`QEMU started (pid ${launched.pid}); serial log: ${paths.serialLog}`);
  const stopFollow = opts.foreground ? follow(paths.serialLog, process.stdout) : () => {};
  const url = `http://127.0.0.1:${httpPort}`;
  const tBoot = Date.now();
  try {
    await waitReady(paths, launched, url, tBoot, log);
  } catch (e) {
    stopFollow();
    throw e;
  }
  const { child, pid } = launched;
  log(`boot to Xendeck answering: ${formatDuration(Date.now() - tBoot)}`);
  log(`total: ${formatDuration(Date.now() - t0)}`);
  process.stdout.write(`url: ${url}\nadmin password: ${password}\n`);
  process.stdout.write(`ssh: pnpm lab exec -- CMD   (127.0.0.1:${sshPort}, key ${image.sshKey})\n`);

  if (!opts.foreground) return 0;
  log('running in the foreground; Ctrl-C stops the lab');
  await new Promise<void>((resolve) => {
    if (launched.exited() !== undefined) resolve();
    child.on('exit', () => resolve());
    const onSig = () => {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
    };
    process.on('SIGINT', onSig);
    process.on('SIGTERM', onSig);
    if (interruption() !== undefined) onSig();
  });
  stopFollow();
  await rm(paths.pidFile, { force: true });
  log(`QEMU exited (${launched.exited() ?? 'unknown'})`);
  return 0;
}

/**
 * Runs a command as root in dom0 over ssh; resolves with its exit code (255: ssh failed).
 * Under TCG, sshd now and then drops a connection during authentication; such a failure
 * (see {@link isPreAuthSshFailure}) happens before the remote command starts, so it is retried
 * (up to 4 attempts). Interactive runs (stdin a TTY) are not retried.
 */
export async function exec(paths: LabPaths, argv: string[]): Promise<number> {
  const pid = runningPid(paths);
  const st = readState(paths);
  if (pid === undefined || st === undefined)
    throw new Error('the lab is not running (`pnpm lab start`)');
  const key = imageFiles(paths.images, st.imageKey).sshKey;
  const tty = process.stdin.isTTY === true;
  const args = sshArgs({ keyFile: key, port: st.sshPort, tty }, argv);
  if (tty) {
    return new Promise((resolve, reject) => {
      const child = spawn('ssh', args, { stdio: 'inherit' });
      child.on('error', (e) => reject(new Error(`cannot run ssh: ${e.message}`)));
      child.on('exit', (code, sig) => resolve(code ?? (sig !== null ? 128 + 15 : 255)));
    });
  }
  // `pnpm lab exec -- … | head`: the reader went away; stop as a shell pipeline does (SIGPIPE's
  // 128 + 13) instead of dying on an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
    throw e;
  });
  for (let attempt = 1; ; attempt++) {
    const r = await new Promise<{ code: number; stderr: string; sawOutput: boolean }>(
      (resolve, reject) => {
        const child = spawn('ssh', args, { stdio: ['inherit', 'pipe', 'pipe'] });
        let stderr = '';
        let sawOutput = false;
        child.stdout.on('data', (c: Buffer) => {
          sawOutput = true;
          process.stdout.write(c);
        });
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          process.stderr.write(c);
        });
        child.on('error', (e) => reject(new Error(`cannot run ssh: ${e.message}`)));
        child.on('close', (code, sig) =>
          resolve({ code: code ?? (sig !== null ? 128 + 15 : 255), stderr, sawOutput }),
        );
      },
    );
    if (r.code !== 255 || r.sawOutput || !isPreAuthSshFailure(r.stderr) || attempt >= 4) {
      return r.code;
    }
    process.stderr.write(
      `lab exec: ssh failed before the command started; retrying (${attempt}/3)\n`,
    );
    await sleep(1000 * attempt);
  }
}

/**
 * Stops the lab: `systemctl poweroff` in dom0 over ssh (10 s), waits up to 60 s for QEMU to exit
 * or Xen to log "Entering ACPI S5 state", then SIGTERM, then SIGKILL. The overlay is thrown away
 * at the next start anyway.
 */
export async function stop(paths: LabPaths, log: Log): Promise<number> {
  const pid = runningPid(paths);
  if (pid === undefined) {
    log('the lab is not running');
    await rm(paths.pidFile, { force: true });
    return 0;
  }
  const st = readState(paths);
  const t0 = Date.now();
  if (st !== undefined) {
    const key = imageFiles(paths.images, st.imageKey).sshKey;
    const args = sshArgs({ keyFile: key, port: st.sshPort, tty: false, connectTimeout: 5 }, [
      'systemctl',
      'poweroff',
    ]);
    await run(['timeout', '10', 'ssh', ...args], { output: 'capture' }).catch(() => undefined);
  }
  const waitExit = async (ms: number, untilS5 = false) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (!alive(pid)) return true;
      // Xen reached ACPI S5: dom0 is cleanly down; QEMU under TCG may sit there a while.
      if (untilS5 && tail(paths.serialLog, 20).includes('Entering ACPI S5 state')) return false;
      await sleep(500);
    }
    return !alive(pid);
  };
  if (await waitExit(60_000, true)) {
    log(`dom0 powered off, QEMU exited (${formatDuration(Date.now() - t0)})`);
  } else {
    if (tail(paths.serialLog, 20).includes('Entering ACPI S5 state'))
      log('dom0 powered off (Xen in ACPI S5)');
    process.kill(pid, 'SIGTERM');
    if (!(await waitExit(5_000))) {
      process.kill(pid, 'SIGKILL');
      await waitExit(5_000);
    }
    log(`QEMU (pid ${pid}) terminated (${formatDuration(Date.now() - t0)})`);
  }
  await rm(paths.pidFile, { force: true });
  return 0;
}

/** How long dom0 may take to shut down at a reboot (xendomains saves or shuts down every guest,
 * XENDOMAINS_STOP_MAXWAIT = 300 s each) before QEMU is stopped like a power cut. */
const REBOOT_SHUTDOWN_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * What the tail of the serial log says about dom0's shutdown: `reboot` once Xen resets the
 * machine (`Hardware Dom0 shutdown: rebooting machine`; QEMU, run with `-no-reboot`, then exits),
 * `poweroff` once Xen reached ACPI S5, else undefined (still shutting down, or running).
 */
export function shutdownSeen(serialTail: string): 'reboot' | 'poweroff' | undefined {
  if (/Entering ACPI S5 state/.test(serialTail)) return 'poweroff';
  if (
    /Dom0 shutdown: rebooting machine|Resetting with ACPI MEMORY or I\/O RESET_REG/.test(serialTail)
  )
    return 'reboot';
  return undefined;
}

/** Where the serial log of the boot before a reboot is kept (`run/serial.prev.log`). */
export function previousSerialLog(paths: LabPaths): string {
  return join(paths.run, 'serial.prev.log');
}

/**
 * Reboots dom0 and keeps the host: `systemctl reboot` in dom0 over ssh (systemd stops the
 * services, xendomains among them, and Xen resets the machine); QEMU runs with `-no-reboot`, so
 * the reset ends it; then QEMU is started again on the SAME run directory — overlay (dom0's disk),
 * `vg.img` (vg0), run share, ports, image — and this waits for Xendeck to answer as `start`
 * does. The previous boot's serial log is kept as `run/serial.prev.log`. If dom0 has not finished
 * shutting down after 10 minutes, QEMU is stopped (SIGTERM, then SIGKILL) as by a power cut, and
 * the lab boots again anyway (said in the log).
 * @throws Error when the lab is not running, its image is gone, a port stays taken, or the boot
 *   fails like `start`'s.
 */
export async function reboot(paths: LabPaths, log: Log): Promise<number> {
  const pid = runningPid(paths);
  const st = readState(paths);
  if (pid === undefined || st === undefined)
    throw new Error('the lab is not running (`pnpm lab start`)');
  const image = imageFiles(paths.images, st.imageKey);
  if (!existsSync(image.rootImage))
    throw new Error(`the lab's image ${image.dir} is gone; \`pnpm lab stop\` and start again`);
  const t0 = Date.now();
  log(`rebooting dom0 (pid ${pid}, http://127.0.0.1:${st.httpPort}): systemctl reboot`);
  const args = sshArgs({ keyFile: image.sshKey, port: st.sshPort, tty: false, connectTimeout: 5 }, [
    'systemctl',
    'reboot',
  ]);
  await run(['timeout', '15', 'ssh', ...args], { output: 'capture' }).catch(() => undefined);

  let resetAt: number | undefined;
  let forced = false;
  while (alive(pid)) {
    if (interruption() !== undefined) throw new Error(`interrupted by ${interruption()}`);
    const seen = shutdownSeen(tail(paths.serialLog, 30));
    if (seen !== undefined) resetAt ??= Date.now();
    // After the reset (or S5) QEMU should be gone at once; give it 10 s, then stop it.
    const late = resetAt !== undefined && Date.now() - resetAt > 10_000;
    const timedOut = Date.now() - t0 > REBOOT_SHUTDOWN_TIMEOUT_MS;
    if (late || timedOut) {
      if (timedOut) {
        forced = true;
        log(
          `dom0 did not finish shutting down in ${REBOOT_SHUTDOWN_TIMEOUT_MS / 60000} minutes: stopping QEMU like a power cut`,
        );
      }
      process.kill(pid, 'SIGTERM');
      const end = Date.now() + 5000;
      while (alive(pid) && Date.now() < end) await sleep(250);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      while (alive(pid)) await sleep(250);
      break;
    }
    await sleep(500);
  }
  const tDown = Date.now();
  log(`dom0 shut down${forced ? ' (forced)' : ''}, QEMU exited: ${formatDuration(tDown - t0)}`);

  await rename(paths.serialLog, previousSerialLog(paths)).catch(() => undefined);
  writeFileSync(paths.serialLog, '');
  for (let i = 0; ; i++) {
    try {
      await assertPortFree(st.httpPort, 'XENDECK_LAB_PORT');
      await assertPortFree(st.sshPort, 'XENDECK_LAB_SSH_PORT');
      break;
    } catch (e) {
      if (i >= 20) throw e;
      await sleep(500);
    }
  }
  const launched = launchQemu(
    paths,
    image,
    {
      httpPort: st.httpPort,
      sshPort: st.sshPort,
      serverEntry: st.serverEntry,
      startedAt: st.startedAt,
    },
    { foreground: false },
  );
  log(`QEMU started again on the same overlay and vg disk (pid ${launched.pid})`);
  const tBoot = Date.now();
  await waitReady(paths, launched, `http://127.0.0.1:${st.httpPort}`, tBoot, log);
  log(`boot to Xendeck answering: ${formatDuration(Date.now() - tBoot)}`);
  log(`reboot total: ${formatDuration(Date.now() - t0)}`);
  return 0;
}

/** Prints whether the lab runs, its pid, url and ssh port. */
export function status(paths: LabPaths): number {
  const pid = runningPid(paths);
  const st = readState(paths);
  if (pid === undefined || st === undefined) {
    process.stdout.write('status: stopped\n');
    return 3;
  }
  process.stdout.write(
    [
      'status: running',
      `pid: ${pid}`,
      `url: http://127.0.0.1:${st.httpPort}`,
      `ssh: 127.0.0.1:${st.sshPort}`,
      `image: ${st.imageKey}`,
      `started: ${st.startedAt}`,
      `server entry: ${st.serverEntry}`,
      `serial log: ${paths.serialLog}`,
      '',
    ].join('\n'),
  );
  return 0;
}
