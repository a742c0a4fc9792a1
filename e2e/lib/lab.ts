/**
 * Access to the Xen lab from the e2e tests: its URL, its admin password (kept by the lab in its
 * cache), and `pnpm lab exec` to run commands as root in dom0 (to compare the UI with `xl`).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
