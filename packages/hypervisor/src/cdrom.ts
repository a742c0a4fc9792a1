/**
 * The argument checks of `cdInsert` / `cdEject`, shared by both backends so they refuse the same
 * things with the same codes: the virtual device name, the CD-ROM drive looked up in the domain's
 * disk list, and the image file to insert. Owns no state.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { HypervisorError } from './errors.js';
import type { DomainDisk, DomainType } from './types.js';

/**
 * A virtual device name as xl writes them (`hdc`, `xvdb`, `sda`, `d0p1`…): lowercase letters and
 * digits, 2–16 characters, starting with a letter. Anything else is refused before it reaches
 * libxl (libxl_devid_to_device / xenstore paths).
 */
export const VDEV_NAME = /^[a-z][a-z0-9]{1,15}$/;

/** Throws INVALID_ARGUMENT unless `vdev` matches {@link VDEV_NAME}. */
export function checkVdev(vdev: unknown): asserts vdev is string {
  if (typeof vdev !== 'string' || !VDEV_NAME.test(vdev)) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `virtual device must be a name like "hdc" or "xvdb", got ${JSON.stringify(vdev)}`,
      { vdev },
    );
  }
}

/**
 * Only HVM domains have an emulated CD-ROM drive (QEMU's); libxl_cdrom_insert refuses the others
 * with ERROR_INVAL ("cdrom-insert operation is only supported for HVM"). Throws INVALID_STATE.
 */
export function checkCdromDomain(domid: number, type: DomainType): void {
  if (type !== 'hvm') {
    throw new HypervisorError(
      'INVALID_STATE',
      `domid ${domid} is ${type.toUpperCase()}: only HVM domains have an emulated CD-ROM drive`,
      { domid, type },
    );
  }
}

/**
 * The CD-ROM drive `vdev` among a domain's disks (from `domainDisks`). Throws INVALID_ARGUMENT
 * when there is none (no disk `vdev`, or it is not a CD-ROM); `details.cdroms` lists the drives
 * the domain has.
 */
export function findCdrom(domid: number, disks: readonly DomainDisk[], vdev: string): DomainDisk {
  const disk = disks.find((d) => d.vdev === vdev);
  if (disk?.devtype === 'cdrom') return disk;
  const cdroms = disks.filter((d) => d.devtype === 'cdrom').map((d) => d.vdev);
  throw new HypervisorError(
    'INVALID_ARGUMENT',
    disk
      ? `${vdev} of domid ${domid} is a disk, not a CD-ROM drive`
      : `domid ${domid} has no CD-ROM drive ${vdev} (CD-ROM drives: ${cdroms.join(', ') || 'none'})`,
    { domid, vdev, cdroms },
  );
}

/**
 * Checks that `target` is an absolute dom0 path of an existing regular file or block device
 * (stat(2), following symlinks), as QEMU must open it. Throws INVALID_ARGUMENT otherwise.
 */
export async function checkImageFile(target: unknown): Promise<string> {
  if (typeof target !== 'string' || !isAbsolute(target) || target.includes('\0')) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `image must be an absolute dom0 path, got ${JSON.stringify(target)}`,
      { target },
    );
  }
  try {
    const st = await stat(target);
    if (st.isFile() || st.isBlockDevice()) return target;
  } catch {
    // Reported below: missing or unreadable is the same to the caller.
  }
  throw new HypervisorError('INVALID_ARGUMENT', `no such image file: ${target}`, { target });
}
