/**
 * The safety rules both backends apply before changing a volume, written once: why a volume may
 * not be removed, and the shrink refusal.
 */
import { StorageError } from './errors.js';
import type { LogicalVolume } from './types.js';

/**
 * Why `lv` may not be removed now, or undefined when it may: it is open (lv_attr[5] = 'o'), or
 * snapshots in `all` (the LVs of its VG) name it as their origin (`lvremove` would remove them too).
 */
export function removeRefusal(lv: LogicalVolume, all: LogicalVolume[]): string | undefined {
  if (lv.open) {
    return `${lv.vg}/${lv.name} is open (lv_attr "${lv.attr}"): a running domain, a mount or another process holds ${lv.path}`;
  }
  const snaps = all.filter((o) => o.origin === lv.name).map((o) => o.name);
  if (snaps.length > 0) {
    return `${lv.vg}/${lv.name} is the origin of snapshot${snaps.length > 1 ? 's' : ''} ${snaps.join(', ')}: remove ${snaps.length > 1 ? 'them' : 'it'} first`;
  }
  return undefined;
}

/** Throws VOLUME_IN_USE when {@link removeRefusal} gives a reason. */
export function assertRemovable(lv: LogicalVolume, all: LogicalVolume[]): void {
  const reason = removeRefusal(lv, all);
  if (reason) throw new StorageError('VOLUME_IN_USE', reason, { reason, vg: lv.vg, lv: lv.name });
}

/** Throws INVALID_SIZE when `newSizeBytes` (already rounded) is below the LV's size. */
export function assertNotShrinking(lv: LogicalVolume, newSizeBytes: number): void {
  if (newSizeBytes < lv.sizeBytes) {
    throw new StorageError(
      'INVALID_SIZE',
      `${lv.vg}/${lv.name} is ${lv.sizeBytes} bytes; shrinking it to ${newSizeBytes} bytes is refused (it would destroy data)`,
      { sizeBytes: lv.sizeBytes, requestedBytes: newSizeBytes },
    );
  }
}

/** Throws NO_SPACE when `neededBytes` exceed the VG's `freeBytes`. */
export function assertSpace(vg: { name: string; freeBytes: number }, neededBytes: number): void {
  if (neededBytes > vg.freeBytes) {
    throw new StorageError(
      'NO_SPACE',
      `Volume group ${vg.name} has ${vg.freeBytes} bytes free; ${neededBytes} bytes are needed`,
      { requestedBytes: neededBytes, freeBytes: vg.freeBytes },
    );
  }
}

/**
 * Throws VOLUME_IN_USE when the origin or the snapshot of a merge is open: LVM would defer the
 * merge to the origin's next activation, and a running domain would see its disk change under it.
 */
export function assertMergeable(origin: LogicalVolume, snap: LogicalVolume): void {
  for (const lv of [origin, snap]) {
    if (lv.open) {
      const reason = `${lv.vg}/${lv.name} is open (lv_attr "${lv.attr}"): shut down the domain using ${lv.path} before reverting to ${snap.name}`;
      throw new StorageError('VOLUME_IN_USE', reason, { reason, vg: lv.vg, lv: lv.name });
    }
  }
}

/** Throws VOLUME_IN_USE when the source of a copy is open (the copy would be inconsistent). */
export function assertCopyable(source: LogicalVolume): void {
  if (source.open) {
    const reason = `${source.vg}/${source.name} is open (lv_attr "${source.attr}"): a copy of a disk in use would be inconsistent; shut the domain down first`;
    throw new StorageError('VOLUME_IN_USE', reason, { reason, vg: source.vg, lv: source.name });
  }
}
