/**
 * The real backend: drives the lvm2 commands (`vgs`, `pvs`, `lvs`, `lvcreate`, `lvextend`,
 * `lvremove`, `lvconvert --merge`, `lvchange`) and `dd` (volume copies, `copy.ts`) as child processes with argument arrays (never a shell), a timeout, `LC_ALL=C` (so
 * stderr is in the English wording `lvmErrorCode` recognises) and a minimal environment. Reports
 * are read as JSON (`--reportformat json --units b --nosuffix`) through `parseLvmReport`, which
 * tolerates lvm2 2.03.16's trailing commas. Checks (names, sizes, existence, free space, open)
 * run before each change; LVM's own refusal, if it still comes, is mapped by `lvmErrorCode`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '@xendeck/api';
import { type DdRunner, spawnDdRunner } from './copy.js';
import { lvmErrorCode, StorageError } from './errors.js';
import {
  assertCopyable,
  assertMergeable,
  assertNotShrinking,
  assertRemovable,
  assertSpace,
} from './guards.js';
import {
  ddCopyArgs,
  lvchangeActivateArgs,
  lvconvertMergeArgs,
  lvremoveArgs,
  lvSnapshotArgs,
} from './lvm-args.js';
import {
  roundUpToExtent,
  validateLvName,
  validateSizeBytes,
  validateTag,
  validateVgName,
} from './names.js';
import { attrActive, attrOpen, bytesField, field, parseLvmReport } from './report.js';
import type {
  CopyVolumeOptions,
  CreateVolumeOptions,
  LogicalVolume,
  SnapshotVolumeOptions,
  Storage,
  VolumeGroup,
} from './types.js';

/** What one lvm command printed and how it ended. */
export interface LvmRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one lvm command (`command` is the bare name, e.g. `lvcreate`) with `args`. The default
 * spawns it; tests may pass their own. Throws LVM_UNAVAILABLE when the binary is missing.
 */
export type LvmRunner = (command: string, args: string[]) => Promise<LvmRunResult>;

export interface LvmStorageOptions {
  /** Directories searched for the lvm binaries, in order; default `/usr/sbin`, `/sbin`, `/usr/bin`, `/bin`. */
  binDirs?: string[];
  /** Per-command timeout, ms; default 60000. The command gets SIGTERM after it. */
  timeoutMs?: number;
  /** Replaces the spawning runner (tests). */
  runner?: LvmRunner;
  /** Replaces the spawning dd runner of {@link Storage.copyVolume} (tests). */
  ddRunner?: DdRunner;
  /** How long {@link Storage.mergeSnapshot} waits for a deferred merge to finish, ms; default 600000. */
  mergeWaitMs?: number;
  /** Period of its `lvs` polls, ms; default 500. */
  mergePollMs?: number;
}

const DEFAULT_BIN_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
/** stdout/stderr beyond this many bytes are cut (a report of thousands of LVs fits). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The report options every `vgs`/`pvs`/`lvs` call gets. */
const REPORT_ARGS = ['--reportformat', 'json', '--units', 'b', '--nosuffix'];
const VG_FIELDS = 'vg_name,vg_size,vg_free,vg_extent_size';
const PV_FIELDS = 'pv_name,vg_name,pv_size,pv_free';
const LV_FIELDS = 'lv_name,vg_name,lv_size,lv_attr,origin,lv_tags';

/** The spawning {@link LvmRunner}: argument array, `LC_ALL=C`, minimal env, timeout. */
export function spawnLvmRunner(
  options: { binDirs?: string[]; timeoutMs?: number } = {},
): LvmRunner {
  const binDirs = options.binDirs ?? DEFAULT_BIN_DIRS;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return (command, args) =>
    new Promise((resolve, reject) => {
      const bin = binDirs.map((d) => join(d, command)).find((p) => existsSync(p));
      if (!bin) {
        reject(
          new StorageError(
            'LVM_UNAVAILABLE',
            `${command} is not installed (looked in ${binDirs.join(', ')}); install lvm2`,
            { command, binDirs },
          ),
        );
        return;
      }
      const child = spawn(bin, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        // lvm warns about inherited descriptors it did not expect; none are passed, but keep
        // any warning out of stderr, which becomes the error message.
        env: childEnv({ LC_ALL: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' }),
        timeout: timeoutMs,
        killSignal: 'SIGTERM',
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      child.stdout.on('data', (b: Buffer) => {
        if (outBytes < MAX_OUTPUT_BYTES) out.push(b);
        outBytes += b.length;
      });
      child.stderr.on('data', (b: Buffer) => {
        if (errBytes < MAX_OUTPUT_BYTES) err.push(b);
        errBytes += b.length;
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        reject(
          e.code === 'ENOENT' || e.code === 'EACCES'
            ? new StorageError('LVM_UNAVAILABLE', `${bin} cannot be run: ${e.message}`, { command })
            : new StorageError('LVM_ERROR', `${command} failed to start: ${e.message}`, {
                command,
              }),
        );
      });
      child.on('close', (code, signal) => {
        const stderr = Buffer.concat(err).toString('utf8');
        if (signal) {
          reject(
            new StorageError(
              'LVM_ERROR',
              `${command} was stopped by ${signal}${signal === 'SIGTERM' ? ` after ${timeoutMs} ms` : ''}${stderr ? `: ${stderr.trim()}` : ''}`,
              { command, args, signal, stderr },
            ),
          );
          return;
        }
        resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr });
      });
    });
}

/** Opens the LVM backend. Nothing runs until the first call. */
/**
 * The arguments of `lvcreate` for a linear LV of `sizeBytes` (already a whole number of extents)
 * named `name` in `vg`, with `tags`. Proxmox's flags (pve-storage LVMPlugin): `--yes` answers
 * lvcreate's "wipe signature?" prompt; `--wipesignatures y` clears old filesystem/RAID signatures
 * from the new LV's start. Exported so the commands Xendeck shows (xl-config's `guestCommands`)
 * can be checked against what it runs. Names are not validated here (callers do).
 */
export function lvcreateArgs(
  vg: string,
  name: string,
  sizeBytes: number,
  tags: readonly string[] = [],
): string[] {
  return [
    '--yes',
    '--wipesignatures',
    'y',
    '-L',
    `${sizeBytes}b`,
    '-n',
    name,
    ...tags.flatMap((t) => ['--addtag', t]),
    vg,
  ];
}

export function openLvmStorage(options: LvmStorageOptions = {}): Storage {
  const runner = options.runner ?? spawnLvmRunner(options);
  const ddRunner = options.ddRunner ?? spawnDdRunner({ binDirs: options.binDirs });
  const mergeWaitMs = options.mergeWaitMs ?? 600_000;
  const mergePollMs = options.mergePollMs ?? 500;

  /** Runs a command; a non-zero exit becomes a StorageError with LVM's stderr as the message. */
  async function run(command: string, args: string[]): Promise<string> {
    const r = await runner(command, args);
    if (r.exitCode !== 0) {
      const text = r.stderr.trim();
      throw new StorageError(
        lvmErrorCode(r.stderr),
        text || `${command} exited with code ${r.exitCode}`,
        { command, args, exitCode: r.exitCode, stderr: r.stderr },
      );
    }
    return r.stdout;
  }

  async function report(command: string, fields: string, args: string[], key: string) {
    const rows = parseLvmReport(await run(command, [...REPORT_ARGS, '-o', fields, ...args]));
    return rows[key] ?? [];
  }

  async function listVgs(vg?: string): Promise<VolumeGroup[]> {
    const [vgRows, pvRows] = await Promise.all([
      report('vgs', VG_FIELDS, vg ? [vg] : [], 'vg'),
      report('pvs', PV_FIELDS, [], 'pv'),
    ]);
    return vgRows
      .map((r) => {
        const name = field(r, 'vg_name');
        return {
          name,
          sizeBytes: bytesField(r, 'vg_size'),
          freeBytes: bytesField(r, 'vg_free'),
          extentSizeBytes: bytesField(r, 'vg_extent_size'),
          physicalVolumes: pvRows
            .filter((p) => field(p, 'vg_name') === name)
            .map((p) => ({
              name: field(p, 'pv_name'),
              sizeBytes: bytesField(p, 'pv_size'),
              freeBytes: bytesField(p, 'pv_free'),
            }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async function getVg(vg: string): Promise<VolumeGroup> {
    validateVgName(vg);
    const found = (await listVgs(vg)).find((g) => g.name === vg);
    if (!found) throw new StorageError('VG_NOT_FOUND', `Volume group "${vg}" not found`, { vg });
    return found;
  }

  async function listLvs(vg: string): Promise<LogicalVolume[]> {
    const rows = await report('lvs', LV_FIELDS, [vg], 'lv');
    return rows
      .map((r) => {
        const name = field(r, 'lv_name');
        const attr = field(r, 'lv_attr');
        const origin = field(r, 'origin');
        // `json` prints lv_tags as one comma-joined string; `json_std` (newer lvm2) may print an array.
        const rawTags = r.lv_tags;
        const tags = Array.isArray(rawTags) ? rawTags.map(String) : field(r, 'lv_tags').split(',');
        return {
          name,
          vg: field(r, 'vg_name'),
          path: `/dev/${vg}/${name}`,
          sizeBytes: bytesField(r, 'lv_size'),
          attr,
          origin: origin === '' ? null : origin,
          open: attrOpen(attr),
          active: attrActive(attr),
          tags: tags.filter((t) => t !== ''),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  function findLv(all: LogicalVolume[], vg: string, name: string): LogicalVolume {
    const lv = all.find((l) => l.name === name);
    if (!lv) {
      throw new StorageError('LV_NOT_FOUND', `Logical volume "${vg}/${name}" not found`, {
        vg,
        lv: name,
      });
    }
    return lv;
  }

  function assertAbsent(all: LogicalVolume[], vg: string, name: string): void {
    if (all.some((l) => l.name === name)) {
      throw new StorageError(
        'LV_EXISTS',
        `Logical Volume "${name}" already exists in volume group "${vg}"`,
        {
          vg,
          lv: name,
        },
      );
    }
  }

  async function reread(vg: string, name: string): Promise<LogicalVolume> {
    return findLv(await listLvs(vg), vg, name);
  }

  return {
    kind: 'lvm',

    volumeGroups: () => listVgs(),

    volumeGroup: (vg) => getVg(vg),

    async logicalVolumes(vg) {
      await getVg(vg);
      return listLvs(vg);
    },

    async createVolume(vg, name, sizeBytes, opts: CreateVolumeOptions = {}) {
      validateVgName(vg);
      validateLvName(name);
      validateSizeBytes(sizeBytes);
      const tags = (opts.tags ?? []).map(validateTag);
      const group = await getVg(vg);
      assertAbsent(await listLvs(vg), vg, name);
      const bytes = roundUpToExtent(sizeBytes, group.extentSizeBytes);
      assertSpace(group, bytes);
      await run('lvcreate', lvcreateArgs(vg, name, bytes, tags));
      return reread(vg, name);
    },

    async growVolume(vg, name, newSizeBytes) {
      validateVgName(vg);
      validateLvName(name);
      validateSizeBytes(newSizeBytes, 'new size');
      const group = await getVg(vg);
      const lv = findLv(await listLvs(vg), vg, name);
      const bytes = roundUpToExtent(newSizeBytes, group.extentSizeBytes);
      assertNotShrinking(lv, bytes);
      if (bytes === lv.sizeBytes) return lv;
      assertSpace(group, bytes - lv.sizeBytes);
      await run('lvextend', ['-L', `${bytes}b`, `${vg}/${name}`]);
      return reread(vg, name);
    },

    async snapshotVolume(vg, name, snapName, sizeBytes, opts: SnapshotVolumeOptions = {}) {
      validateVgName(vg);
      validateLvName(name);
      validateLvName(snapName);
      validateSizeBytes(sizeBytes, 'snapshot size');
      const tags = (opts.tags ?? []).map(validateTag);
      const group = await getVg(vg);
      const all = await listLvs(vg);
      findLv(all, vg, name);
      assertAbsent(all, vg, snapName);
      const bytes = roundUpToExtent(sizeBytes, group.extentSizeBytes);
      assertSpace(group, bytes);
      await run('lvcreate', lvSnapshotArgs(vg, name, snapName, bytes, tags));
      return reread(vg, snapName);
    },

    async mergeSnapshot(vg, snapName) {
      validateVgName(vg);
      validateLvName(snapName);
      await getVg(vg);
      const all = await listLvs(vg);
      const snap = findLv(all, vg, snapName);
      const originName = snap.origin;
      if (originName === null) {
        throw new StorageError('LV_NOT_FOUND', `${vg}/${snapName} is not a snapshot`, {
          vg,
          lv: snapName,
        });
      }
      const origin = findLv(all, vg, originName);
      assertMergeable(origin, snap);
      await run('lvconvert', lvconvertMergeArgs(vg, snapName));
      // lvconvert waits for a merge it could start; one LVM deferred leaves the snapshot listed
      // (lv_attr[0] 'S', the origin 'O'): a fresh activation of the origin starts it.
      let left = (await listLvs(vg)).some((l) => l.name === snapName);
      if (left) {
        const now = findLv(await listLvs(vg), vg, originName);
        if (now.open) {
          throw new StorageError(
            'VOLUME_IN_USE',
            `the merge of ${vg}/${snapName} into ${originName} is deferred: ${vg}/${originName} is open (a running domain?); it finishes at the volume's next activation once nothing holds it`,
            { reason: 'origin open', vg, lv: originName },
          );
        }
        await run('lvchange', lvchangeActivateArgs(vg, originName, false));
        await run('lvchange', lvchangeActivateArgs(vg, originName, true));
        const deadline = Date.now() + mergeWaitMs;
        while (left && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, mergePollMs));
          left = (await listLvs(vg)).some((l) => l.name === snapName);
        }
        if (left) {
          throw new StorageError(
            'LVM_ERROR',
            `the merge of ${vg}/${snapName} into ${originName} has not finished after ${mergeWaitMs} ms (lvs still lists the snapshot); it goes on in the background`,
            { vg, lv: snapName },
          );
        }
      }
      return reread(vg, originName);
    },

    async copyVolume(vg, source, target, opts: CopyVolumeOptions = {}) {
      validateVgName(vg);
      validateLvName(source);
      validateLvName(target);
      const tags = (opts.tags ?? []).map(validateTag);
      const group = await getVg(vg);
      const all = await listLvs(vg);
      const from = findLv(all, vg, source);
      assertAbsent(all, vg, target);
      assertCopyable(from);
      assertSpace(group, from.sizeBytes);
      opts.signal?.throwIfAborted();
      await run('lvcreate', lvcreateArgs(vg, target, from.sizeBytes, tags));
      const toPath = `/dev/${vg}/${target}`;
      try {
        opts.onProgress?.(0, from.sizeBytes);
        const r = await ddRunner(
          ddCopyArgs(from.path, toPath),
          (copied) => opts.onProgress?.(Math.min(copied, from.sizeBytes), from.sizeBytes),
          opts.signal,
        );
        if (r.exitCode !== 0) {
          throw new StorageError(
            'LVM_ERROR',
            `dd of ${from.path} to ${toPath} failed (exit ${r.exitCode}): ${r.stderr
              .trim()
              .split(/[\r\n]+/)
              .slice(-3)
              .join(' ')}`,
            { command: 'dd', exitCode: r.exitCode, stderr: r.stderr },
          );
        }
        opts.onProgress?.(from.sizeBytes, from.sizeBytes);
      } catch (err) {
        // The half copy goes; if even that fails, say so in the error (never a silent leftover).
        await run('lvremove', lvremoveArgs(vg, target)).catch((e: Error) => {
          (err as Error).message +=
            ` (and removing the half copy ${vg}/${target} failed: ${e.message})`;
        });
        throw err;
      }
      return reread(vg, target);
    },

    async removeVolume(vg, name) {
      validateVgName(vg);
      validateLvName(name);
      await getVg(vg);
      const all = await listLvs(vg);
      assertRemovable(findLv(all, vg, name), all);
      // -f only skips the confirmation prompt; lvremove still refuses an open LV (mapped to
      // VOLUME_IN_USE should a domain open it between the check and here).
      await run('lvremove', lvremoveArgs(vg, name));
    },
  };
}
