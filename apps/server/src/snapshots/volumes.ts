/**
 * A guest's volumes: the logical volumes its config file's disks name, for snapshots and clones.
 *
 * Read from `<configDir>/<name>.cfg` (`readConfigFile`: regular file, UTF-8, at most
 * CONFIG_MAX_BYTES), parsed with `@xendeck/xl-config` (`parseXlConfig`; each `disk = [...]` item
 * with `parseDiskSpec`, in the order xl reads them, so an item's index is the one `setListItem`
 * edits). A disk is a guest volume when it is writable, not a CD-ROM, and its target is a logical
 * volume (`/dev/<vg>/<lv>` or `/dev/mapper/<vg>-<lv>`: `diskKey` of `storage/used-by.ts`, the
 * one disk→LV matching). Other writable disks (image files, raw devices) are `notCovered`; CD-ROMs
 * and read-only disks are shared by a clone as they are and not snapshotted.
 * Sizes and the open flag come from `ctx.storage.logicalVolumes(vg)` (lvs).
 */
import type { GuestVolume } from '@xendeck/api';
import { isStorageError, type LogicalVolume } from '@xendeck/storage';
import { parseDiskSpec, parseXlConfig, type XlDocument } from '@xendeck/xl-config';
import type { ConfigFile } from '../configs/files.js';
import { readConfigFile } from '../configs/files.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { diskKey } from '../storage/used-by.js';

/** A guest volume with where the config names it. */
export interface GuestVolumeRef extends GuestVolume {
  /** Index of the item in the `disk` list as xl reads it (for `XlDocument.setListItem`). */
  diskIndex: number;
  /** The disk spec's target as written (`/dev/vg0/web`, `/dev/mapper/vg0-web`). */
  target: string;
}

/** What {@link readGuest} found. */
export interface GuestDisks {
  name: string;
  file: ConfigFile;
  doc: XlDocument;
  /** The disk items as xl reads them (strings), in order. */
  diskItems: string[];
  volumes: GuestVolumeRef[];
  /** Targets of writable disks that are not logical volumes. */
  notCovered: string[];
  /** Every LV of every volume group a guest volume is in, by VG name (lvs, read once). */
  lvsByVg: Map<string, LogicalVolume[]>;
}

/** The items of list setting `key` as xl reads them (a single string counts as one item). */
export function listItems(doc: XlDocument, key: string): string[] {
  const v = doc.get(key);
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  return v.map((item) => (typeof item === 'string' ? item : ''));
}

/**
 * Reads guest `name`'s config and volumes. Throws CONFIG_NOT_FOUND (404), CONFIG_NOT_REGULAR,
 * CONFIG_NOT_UTF8, CONFIG_TOO_LARGE, and CONFIG_INVALID (422) when xl could not read the file
 * or one of its disk specs (nothing can be said about its volumes then); a storage error other
 * than VG_NOT_FOUND (a config naming a missing group gets `sizeBytes: null`).
 */
export async function readGuest(
  ctx: Pick<AppContext, 'config' | 'storage'>,
  name: string,
): Promise<GuestDisks> {
  const file = await readConfigFile(ctx.config.configDir, name);
  const doc = parseXlConfig(file.text);
  const first = doc.errors[0];
  if (first) {
    throw new ApiError(
      'CONFIG_INVALID',
      `${file.path} line ${first.line}: ${first.message} (xl would not read it; fix it first)`,
      { path: file.path },
    );
  }
  const diskItems = listItems(doc, 'disk');
  const refs: Omit<GuestVolumeRef, 'sizeBytes' | 'open'>[] = [];
  const notCovered: string[] = [];
  diskItems.forEach((item, diskIndex) => {
    const parsed = parseDiskSpec(item);
    const disk = parsed.disk;
    if (!disk) {
      throw new ApiError(
        'CONFIG_INVALID',
        `${file.path}: disk ${JSON.stringify(item)}: ${parsed.errors[0]?.message ?? 'unreadable'}`,
        { path: file.path },
      );
    }
    if (disk.devtype === 'cdrom' || disk.access === 'ro' || disk.target === undefined) return;
    const key = diskKey(disk.target);
    if (!key.startsWith('lv:')) {
      notCovered.push(disk.target);
      return;
    }
    const [vg = '', lv = ''] = key.slice(3).split('/');
    refs.push({
      vg,
      lv,
      path: `/dev/${vg}/${lv}`,
      vdev: disk.vdev,
      diskIndex,
      target: disk.target,
    });
  });
  const lvsByVg = new Map<string, LogicalVolume[]>();
  for (const vg of new Set(refs.map((r) => r.vg))) {
    try {
      lvsByVg.set(vg, await ctx.storage.logicalVolumes(vg));
    } catch (err) {
      if (isStorageError(err) && (err.code === 'VG_NOT_FOUND' || err.code === 'INVALID_NAME')) {
        lvsByVg.set(vg, []);
        continue;
      }
      throw err;
    }
  }
  const volumes = refs.map((r) => {
    const lv = lvsByVg.get(r.vg)?.find((l) => l.name === r.lv);
    return { ...r, sizeBytes: lv?.sizeBytes ?? null, open: lv?.open ?? false };
  });
  return { name, file, doc, diskItems, volumes, notCovered, lvsByVg };
}

/** The API shape of a guest volume (without the config positions). */
export function toApiVolume(v: GuestVolumeRef): GuestVolume {
  return { vg: v.vg, lv: v.lv, path: v.path, sizeBytes: v.sizeBytes, open: v.open, vdev: v.vdev };
}

/** Throws LV_NOT_FOUND (404) naming the first guest volume that does not exist. */
export function assertVolumesExist(g: GuestDisks): void {
  const missing = g.volumes.find((v) => v.sizeBytes === null);
  if (missing) {
    throw new ApiError(
      'LV_NOT_FOUND',
      `${g.file.path} names ${missing.target} (${missing.vdev}), but there is no logical volume ${missing.vg}/${missing.lv}`,
      { vg: missing.vg, lv: missing.lv },
    );
  }
}
