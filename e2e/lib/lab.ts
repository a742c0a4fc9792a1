/**
 * Access to the Xen lab from the e2e tests: its URL, its admin password (kept by the lab in its
 * cache), and `pnpm lab exec` to run commands as root in dom0 (to compare the UI with `xl`).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installerFiles } from '../../lab/src/paths.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The lab's cache directory (`$XDG_CACHE_HOME/xendeck/lab`, default `~/.cache/xendeck/lab`). */
export function labCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'xendeck', 'lab');
}

/** The URL the lab forwards to Xendeck in dom0. */
export function labUrl(): string {
  return `http://127.0.0.1:${process.env.XENDECK_LAB_PORT ?? 8080}`;
}

/** The lab's admin password: XENDECK_LAB_ADMIN_PASSWORD, else the one the lab keeps in its cache. */
export function labAdminPassword(): string {
  if (process.env.XENDECK_LAB_ADMIN_PASSWORD) return process.env.XENDECK_LAB_ADMIN_PASSWORD;
  try {
    return readFileSync(join(labCacheDir(), 'admin-password'), 'utf8').trim();
  } catch {
    return '';
  }
}

/** Runs `pnpm lab exec -- ...args` (as root in dom0); resolves with its exit code and output. */
export function labExec(
  args: string[],
  timeoutMs = 180_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'pnpm',
      ['--silent', 'lab', 'exec', '--', ...args],
      { cwd: repo, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * {@link labExec}, tried again (up to 6 times, 5 s apart) while ssh itself fails (exit 255, e.g.
 * "Connection timed out during banner exchange" on a busy lab); the command's own failures come
 * back at once.
 */
export async function labExecRetry(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let r = await labExec(args);
  for (let i = 0; i < 5 && r.code === 255; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    r = await labExec(args);
  }
  return r;
}

/** One row of `xl list`: name, domid, Mem (MiB), vCPUs, state flags, CPU time (s). */
export interface XlListRow {
  name: string;
  domid: number;
  memMiB: number;
  vcpus: number;
  state: string;
  timeS: number;
}

/** Parses `xl list` output (header line, then `Name ID Mem VCPUs State Time(s)` rows). */
export function parseXlList(text: string): XlListRow[] {
  const rows: XlListRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const m = line.match(/^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+([\d.]+)\s*$/);
    if (m) {
      rows.push({
        name: m[1] as string,
        domid: Number(m[2]),
        memMiB: Number(m[3]),
        vcpus: Number(m[4]),
        state: m[5] as string,
        timeS: Number(m[6]),
      });
    }
  }
  return rows;
}

/** `xl list` in dom0, parsed. Throws with xl's output when it fails. */
export async function xlList(): Promise<XlListRow[]> {
  const r = await labExec(['xl', 'list']);
  if (r.code !== 0) throw new Error(`xl list failed (${r.code}): ${r.stdout}${r.stderr}`);
  return parseXlList(r.stdout);
}

/**
 * Counts TCP connection attempts (SYN without ACK) to QEMU's VNC ports (5900–5999) in dom0, with
 * an nftables counter on the input hook (loopback connections, the VNC proxy's to 127.0.0.1,
 * pass it too). `install()` creates table `inet xendeck_e2e` afresh (counter at 0), `read()`
 * returns the packets counted so far, `remove()` deletes the table.
 */
export const vncSynCounter = {
  async install(): Promise<void> {
    const script = [
      'set -e',
      'nft delete table inet xendeck_e2e 2>/dev/null || true',
      'nft add table inet xendeck_e2e',
      "nft add chain inet xendeck_e2e vncsyn '{ type filter hook input priority 0; policy accept; }'",
      "nft add rule inet xendeck_e2e vncsyn tcp dport 5900-5999 'tcp flags & (syn | ack) == syn' counter",
    ].join('\n');
    const r = await labExec(['sh', '-c', script]);
    if (r.code !== 0) throw new Error(`nft counter install failed (${r.code}): ${r.stderr}`);
  },
  async read(): Promise<number> {
    const r = await labExec(['nft', '-j', 'list', 'chain', 'inet', 'xendeck_e2e', 'vncsyn']);
    if (r.code !== 0) throw new Error(`nft list failed (${r.code}): ${r.stderr}`);
    const doc = JSON.parse(r.stdout) as {
      nftables: { rule?: { expr: { counter?: { packets: number } }[] } }[];
    };
    for (const item of doc.nftables) {
      for (const e of item.rule?.expr ?? []) if (e.counter) return e.counter.packets;
    }
    throw new Error(`no counter in: ${r.stdout}`);
  },
  async remove(): Promise<void> {
    await labExec(['nft', 'delete', 'table', 'inet', 'xendeck_e2e']);
  },
};

/** The domid of `name` in dom0 (`xl domid`), or null when no such domain runs. */
export async function xlDomid(name: string): Promise<number | null> {
  const r = await labExec(['xl', 'domid', name]);
  return r.code === 0 ? Number(r.stdout.trim()) : null;
}

/**
 * The lab installer ISO on the host (`<lab cache>/installer/xendeck-lab-installer.iso`, built by
 * `pnpm lab installer` or `pnpm lab build`) and what it and the system it installs show: the
 * question (`installerQuestion(sizeMiB)`, `INSTALLER_QUESTION_RE`), `INSTALLER_TEXTS.done`
 * before it powers off, `INSTALLER_TEXTS.greeting` from the installed system. Each line is on the
 * guest's screen (VNC) and its emulated serial port (`serial = "pty"`: the `?type=serial` text
 * console), not on the PV console (BIOS code: nothing in xenconsoled's guest-<name>.log).
 */
export {
  INSTALLER_ISO_NAME,
  INSTALLER_QUESTION_RE,
  INSTALLER_TEXTS,
  installerQuestion,
} from '../../lab/src/installer-texts.js';

/** Host path of the lab installer ISO (see above); it exists once `pnpm lab installer` ran. */
export function labInstallerIso(): string {
  return installerFiles(labCacheDir()).iso;
}

/**
 * Reboots the lab's dom0 with `pnpm lab reboot` (xendomains runs at shutdown and boot; QEMU is
 * started again on the same overlay and vg disk) and resolves once Xendeck answers again, with the
 * command's exit code, output and the time it took (ms). The lab's env (XDG_CACHE_HOME,
 * XENDECK_LAB_PORT, XENDECK_LAB_SSH_PORT) is passed on. Only the last lab spec may call it.
 */
export function labReboot(
  timeoutMs = 40 * 60_000,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      'pnpm',
      ['--silent', 'lab', 'reboot'],
      { cwd: repo, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      },
    );
  });
}
