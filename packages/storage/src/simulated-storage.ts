/**
 * The simulated backend: volume groups and logical volumes in memory, with LVM's behaviour —
 * whole-extent rounding, free-space accounting per VG, snapshots with their origin, lv_attr
 * strings like lvs prints — and the same checks and errors as the LVM backend (`guards.ts`,
 * `names.ts`). Tests set a volume open with {@link SimulatedStorage.setOpen} and make the next copy
 * fail with {@link SimulatedStorage.failNextCopy}. A merge removes the snapshot (contents are not
 * modelled); a copy reports progress in ten steps, `copyStepMs` apart.
 */
import { StorageError } from './errors.js';
import {
  assertCopyable,
  assertMergeable,
  assertNotShrinking,
  assertRemovable,
  assertSpace,
} from './guards.js';
import {
  roundUpToExtent,
  validateLvName,
  validateSizeBytes,
  validateTag,
  validateVgName,
} from './names.js';
import type {
  CopyVolumeOptions,
  CreateVolumeOptions,
  LogicalVolume,
  SnapshotVolumeOptions,
  Storage,
  VolumeGroup,
} from './types.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A volume group to start with. */
export interface SimulatedVolumeGroupSpec {
  name: string;
  /** Extent size in bytes; default 4 MiB (vgcreate's default). */
  extentSizeBytes?: number;
  /** Its PVs; each contributes floor(sizeBytes / extent) extents. */
  physicalVolumes: { name: string; sizeBytes: number }[];
  /** LVs present at start (linear, active, closed). */
  logicalVolumes?: { name: string; sizeBytes: number; tags?: string[] }[];
}

export interface SimulatedStorageOptions {
  /** Default: `vg0` on one 100 GiB PV `/dev/vdb`, holding nothing. */
  volumeGroups?: SimulatedVolumeGroupSpec[];
  /** Delay before each answer, ms (UI work); default 0. */
  delayMs?: number;
  /** Delay between a copy's ten progress steps, ms; default 0. */
  copyStepMs?: number;
}

/** The simulated backend plus test hooks. */
export interface SimulatedStorage extends Storage {
  readonly kind: 'simulated';
  /** Marks an LV open or closed, as a running domain holding it would (lv_attr[5] = 'o'). */
  setOpen(vg: string, name: string, open: boolean): void;
  /**
   * Makes the next {@link Storage.copyVolume} fail half-way with LVM_ERROR `message` (after the
   * new LV exists and half the progress was reported), as a dd read error would.
   */
  failNextCopy(message: string): void;
}

interface SimLv {
  name: string;
  sizeBytes: number;
  origin: string | null;
  open: boolean;
  tags: string[];
}

interface SimVg {
  name: string;
  extentSizeBytes: number;
  pvs: { name: string; sizeBytes: number }[];
  lvs: Map<string, SimLv>;
}

export function createSimulatedStorage(options: SimulatedStorageOptions = {}): SimulatedStorage {
  const specs = options.volumeGroups ?? [
    { name: 'vg0', physicalVolumes: [{ name: '/dev/vdb', sizeBytes: 100 * GiB }] },
  ];
  const delayMs = options.delayMs ?? 0;
  const copyStepMs = options.copyStepMs ?? 0;
  let copyFailure: string | undefined;
  const vgs = new Map<string, SimVg>();
  for (const s of specs) {
    const extentSizeBytes = s.extentSizeBytes ?? 4 * MiB;
    const vg: SimVg = {
      name: validateVgName(s.name),
      extentSizeBytes,
      pvs: s.physicalVolumes.map((p) => ({
        name: p.name,
        sizeBytes: Math.floor(p.sizeBytes / extentSizeBytes) * extentSizeBytes,
      })),
      lvs: new Map(),
    };
    vgs.set(vg.name, vg);
    for (const lv of s.logicalVolumes ?? []) {
      const bytes = roundUpToExtent(validateSizeBytes(lv.sizeBytes), extentSizeBytes);
      assertSpace(toVg(vg), bytes);
      vg.lvs.set(validateLvName(lv.name), {
        name: lv.name,
        sizeBytes: bytes,
        origin: null,
        open: false,
        tags: (lv.tags ?? []).map(validateTag),
      });
    }
  }

  const settle = () =>
    delayMs > 0 ? new Promise<void>((r) => setTimeout(r, delayMs)) : Promise.resolve();

  function toVg(vg: SimVg): VolumeGroup {
    const sizeBytes = vg.pvs.reduce((n, p) => n + p.sizeBytes, 0);
    const usedBytes = [...vg.lvs.values()].reduce((n, l) => n + l.sizeBytes, 0);
    // Allocation is modelled per VG, not per PV: PVs are filled in order.
    let left = usedBytes;
    const physicalVolumes = vg.pvs.map((p) => {
      const used = Math.min(p.sizeBytes, left);
      left -= used;
      return { name: p.name, sizeBytes: p.sizeBytes, freeBytes: p.sizeBytes - used };
    });
    return {
      name: vg.name,
      sizeBytes,
      freeBytes: sizeBytes - usedBytes,
      extentSizeBytes: vg.extentSizeBytes,
      physicalVolumes,
    };
  }

  function toLv(vg: SimVg, lv: SimLv): LogicalVolume {
    const isOrigin = [...vg.lvs.values()].some((o) => o.origin === lv.name);
    // lv_attr as lvs prints it for linear LVs, snapshots and origins (all active here).
    const type = lv.origin ? 's' : isOrigin ? 'o' : '-';
    const target = lv.origin || isOrigin ? 's' : '-';
    const attr = `${type}wi-a${lv.open ? 'o' : '-'}${target}---`;
    return {
      name: lv.name,
      vg: vg.name,
      path: `/dev/${vg.name}/${lv.name}`,
      sizeBytes: lv.sizeBytes,
      attr,
      origin: lv.origin,
      open: lv.open,
      active: true,
      tags: [...lv.tags],
    };
  }

  function getVg(name: string): SimVg {
    validateVgName(name);
    const vg = vgs.get(name);
    if (!vg) {
      throw new StorageError('VG_NOT_FOUND', `Volume group "${name}" not found`, { vg: name });
    }
    return vg;
  }

  function getLv(vg: SimVg, name: string): SimLv {
    validateLvName(name);
    const lv = vg.lvs.get(name);
    if (!lv) {
      throw new StorageError('LV_NOT_FOUND', `Logical volume "${vg.name}/${name}" not found`, {
        vg: vg.name,
        lv: name,
      });
    }
    return lv;
  }

  function assertAbsent(vg: SimVg, name: string): void {
    if (vg.lvs.has(name)) {
      throw new StorageError(
        'LV_EXISTS',
        `Logical Volume "${name}" already exists in volume group "${vg.name}"`,
        { vg: vg.name, lv: name },
      );
    }
  }

  const list = (vg: SimVg) =>
    [...vg.lvs.values()].map((l) => toLv(vg, l)).sort((a, b) => a.name.localeCompare(b.name));

  return {
    kind: 'simulated',

    async volumeGroups() {
      await settle();
      return [...vgs.values()].map(toVg).sort((a, b) => a.name.localeCompare(b.name));
    },

    async volumeGroup(vg) {
      await settle();
      return toVg(getVg(vg));
    },

    async logicalVolumes(vg) {
      await settle();
      return list(getVg(vg));
    },

    async createVolume(vgName, name, sizeBytes, opts: CreateVolumeOptions = {}) {
      await settle();
      validateVgName(vgName);
      validateLvName(name);
      validateSizeBytes(sizeBytes);
      const tags = (opts.tags ?? []).map(validateTag);
      const vg = getVg(vgName);
      assertAbsent(vg, name);
      const bytes = roundUpToExtent(sizeBytes, vg.extentSizeBytes);
      assertSpace(toVg(vg), bytes);
      const lv: SimLv = { name, sizeBytes: bytes, origin: null, open: false, tags };
      vg.lvs.set(name, lv);
      return toLv(vg, lv);
    },

    async growVolume(vgName, name, newSizeBytes) {
      await settle();
      validateVgName(vgName);
      validateLvName(name);
      validateSizeBytes(newSizeBytes, 'new size');
      const vg = getVg(vgName);
      const lv = getLv(vg, name);
      const bytes = roundUpToExtent(newSizeBytes, vg.extentSizeBytes);
      assertNotShrinking(toLv(vg, lv), bytes);
      assertSpace(toVg(vg), bytes - lv.sizeBytes);
      lv.sizeBytes = bytes;
      return toLv(vg, lv);
    },

    async snapshotVolume(vgName, name, snapName, sizeBytes, opts: SnapshotVolumeOptions = {}) {
      await settle();
      validateVgName(vgName);
      validateLvName(name);
      validateLvName(snapName);
      validateSizeBytes(sizeBytes, 'snapshot size');
      const tags = (opts.tags ?? []).map(validateTag);
      const vg = getVg(vgName);
      const origin = getLv(vg, name);
      assertAbsent(vg, snapName);
      if (origin.origin) {
        throw new StorageError('LVM_ERROR', 'Snapshots of snapshots are not supported.', {
          vg: vgName,
          lv: name,
        });
      }
      const bytes = roundUpToExtent(sizeBytes, vg.extentSizeBytes);
      assertSpace(toVg(vg), bytes);
      const snap: SimLv = { name: snapName, sizeBytes: bytes, origin: name, open: false, tags };
      vg.lvs.set(snapName, snap);
      return toLv(vg, snap);
    },

    async mergeSnapshot(vgName, snapName) {
      await settle();
      validateVgName(vgName);
      const vg = getVg(vgName);
      const snap = getLv(vg, snapName);
      if (snap.origin === null) {
        throw new StorageError('LV_NOT_FOUND', `${vgName}/${snapName} is not a snapshot`, {
          vg: vgName,
          lv: snapName,
        });
      }
      const origin = getLv(vg, snap.origin);
      assertMergeable(toLv(vg, origin), toLv(vg, snap));
      vg.lvs.delete(snapName);
      return toLv(vg, origin);
    },

    async copyVolume(vgName, source, target, opts: CopyVolumeOptions = {}) {
      await settle();
      validateVgName(vgName);
      validateLvName(source);
      validateLvName(target);
      const tags = (opts.tags ?? []).map(validateTag);
      const vg = getVg(vgName);
      const from = getLv(vg, source);
      assertAbsent(vg, target);
      assertCopyable(toLv(vg, from));
      assertSpace(toVg(vg), from.sizeBytes);
      opts.signal?.throwIfAborted();
      const lv: SimLv = {
        name: target,
        sizeBytes: from.sizeBytes,
        origin: null,
        open: false,
        tags,
      };
      vg.lvs.set(target, lv);
      const failure = copyFailure;
      copyFailure = undefined;
      try {
        for (let step = 0; step <= 10; step++) {
          if (opts.signal?.aborted) {
            throw new StorageError('LVM_ERROR', 'copy aborted', { command: 'dd' });
          }
          if (failure && step === 5) {
            throw new StorageError('LVM_ERROR', failure, { command: 'dd' });
          }
          opts.onProgress?.(Math.round((from.sizeBytes * step) / 10), from.sizeBytes);
          if (step < 10 && copyStepMs > 0) await new Promise((r) => setTimeout(r, copyStepMs));
        }
      } catch (err) {
        vg.lvs.delete(target);
        throw err;
      }
      return toLv(vg, lv);
    },

    async removeVolume(vgName, name) {
      await settle();
      validateVgName(vgName);
      validateLvName(name);
      const vg = getVg(vgName);
      const lv = getLv(vg, name);
      assertRemovable(toLv(vg, lv), list(vg));
      vg.lvs.delete(name);
    },

    setOpen(vgName, name, open) {
      getLv(getVg(vgName), name).open = open;
    },

    failNextCopy(message) {
      copyFailure = message;
    },
  };
}
