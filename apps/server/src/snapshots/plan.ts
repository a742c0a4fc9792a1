/**
 * Snapshot sets and clones of a guest, as plans: names, tags, sizes and the commands a hoster
 * would type for each (the twins the web shows and the audit log records). The LVM and dd words
 * come from `@xendeck/storage`'s argument builders — exactly what the LVM backend runs — and the
 * `xl pause`/`xl unpause` words from `@xendeck/xl-config`'s `xlTwin`.
 *
 * Naming: a set `<label>` of guest `<domain>` is one snapshot per guest volume, named
 * `<lv>-snap-<label>` beside its origin, tagged `xendeck-snapshot=<domain>:<label>` and
 * `xendeck-snapshot-at=<ISO time>`. A clone's volume is `<newName><rest>` when the source volume's
 * name starts with the source guest's name (`web1-disk` → `web2-disk`, `web1` → `web2`), else `<newName>-<lv>`.
 */
import {
  CLONE_TAG_PREFIX,
  type CloneMode,
  type ClonePlan,
  SNAPSHOT_LV_INFIX,
  SNAPSHOT_TAG_PREFIX,
  SNAPSHOT_TIME_TAG_PREFIX,
  type SnapshotSet,
} from '@xendeck/api';
import {
  ddCopyArgs,
  type LogicalVolume,
  lvconvertMergeArgs,
  lvcreateArgs,
  lvremoveArgs,
  lvSnapshotArgs,
  roundUpToExtent,
} from '@xendeck/storage';
import { commandLine, xlCommand } from '@xendeck/xl-config';
import type { GuestDisks, GuestVolumeRef } from './volumes.js';

/** `lvcreate …` etc. as one shell line. */
export const lvmLine = (command: string, args: string[]) => commandLine([command, ...args]);

/** The snapshot LV of `lv` in set `label`. */
export function snapshotLvName(lv: string, label: string): string {
  return `${lv}${SNAPSHOT_LV_INFIX}${label}`;
}

/** The tag naming set `label` of `domain`. */
export function snapshotTag(domain: string, label: string): string {
  return `${SNAPSHOT_TAG_PREFIX}${domain}:${label}`;
}

/** The time tag of a set taken at `when` (ISO 8601 UTC to the second). */
export function snapshotTimeTag(when: Date): string {
  return `${SNAPSHOT_TIME_TAG_PREFIX}${when.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

/** One snapshot to take: its origin, name, room (bytes, whole extents) and tags. */
export interface SnapshotToTake {
  volume: GuestVolumeRef;
  name: string;
  sizeBytes: number;
  tags: string[];
}

/**
 * The snapshots of a new set: each `sizePercent` of its volume, rounded up to the extent size
 * (`extentOf(vg)`), at least one extent.
 */
export function snapshotsToTake(
  g: GuestDisks,
  label: string,
  sizePercent: number,
  when: Date,
  extentOf: (vg: string) => number,
): SnapshotToTake[] {
  return g.volumes.map((v) => {
    const extent = extentOf(v.vg);
    const raw = Math.ceil(((v.sizeBytes ?? 0) * sizePercent) / 100);
    return {
      volume: v,
      name: snapshotLvName(v.lv, label),
      sizeBytes: Math.max(extent, roundUpToExtent(Math.max(raw, 1), extent)),
      tags: [snapshotTag(g.name, label), snapshotTimeTag(when)],
    };
  });
}

/** The commands of taking a set: `xl pause` when running, one `lvcreate -s` each, `xl unpause`. */
export function takeCommands(domain: string, pause: boolean, snaps: SnapshotToTake[]): string[] {
  return [
    ...(pause ? [xlCommand({ action: 'pause', name: domain })] : []),
    ...snaps.map((s) =>
      lvmLine('lvcreate', lvSnapshotArgs(s.volume.vg, s.volume.lv, s.name, s.sizeBytes, s.tags)),
    ),
    ...(pause ? [xlCommand({ action: 'unpause', name: domain })] : []),
  ];
}

/**
 * The sets of `domain` among `lvsByVg`: snapshots tagged `xendeck-snapshot=<domain>:<label>`,
 * grouped by label, newest first; `complete` when every one of `volumes` has its snapshot.
 */
export function snapshotSets(
  domain: string,
  volumes: readonly GuestVolumeRef[],
  lvsByVg: ReadonlyMap<string, readonly LogicalVolume[]>,
): SnapshotSet[] {
  const prefix = `${SNAPSHOT_TAG_PREFIX}${domain}:`;
  const byLabel = new Map<string, { createdAt: string | null; lvs: LogicalVolume[] }>();
  for (const lvs of lvsByVg.values()) {
    for (const lv of lvs) {
      if (lv.origin === null) continue;
      const tag = lv.tags.find((t) => t.startsWith(prefix));
      if (!tag) continue;
      const label = tag.slice(prefix.length);
      const at = lv.tags.find((t) => t.startsWith(SNAPSHOT_TIME_TAG_PREFIX));
      const set = byLabel.get(label) ?? { createdAt: null, lvs: [] };
      set.createdAt ??= at ? at.slice(SNAPSHOT_TIME_TAG_PREFIX.length) : null;
      set.lvs.push(lv);
      byLabel.set(label, set);
    }
  }
  return [...byLabel.entries()]
    .map(([label, set]) => {
      const snaps = set.lvs.sort((a, b) => a.name.localeCompare(b.name));
      return {
        label,
        createdAt: set.createdAt,
        volumes: snaps.map((l) => ({
          vg: l.vg,
          origin: l.origin as string,
          name: l.name,
          sizeBytes: l.sizeBytes,
          attr: l.attr,
        })),
        complete: volumes.every((v) => snaps.some((l) => l.vg === v.vg && l.origin === v.lv)),
        commands: {
          revert: snaps.flatMap((l) => [
            lvmLine('lvconvert', lvconvertMergeArgs(l.vg, l.name)),
            lvmLine(
              'lvcreate',
              lvSnapshotArgs(l.vg, l.origin as string, l.name, l.sizeBytes, l.tags),
            ),
          ]),
          remove: snaps.map((l) => lvmLine('lvremove', lvremoveArgs(l.vg, l.name))),
        },
      };
    })
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}

/** The clone's name for source volume `lv` (see the module comment). */
export function cloneVolumeName(source: string, newName: string, lv: string): string {
  return lv.startsWith(source) ? `${newName}${lv.slice(source.length)}` : `${newName}-${lv}`;
}

/** The commands of a clone's volumes (`lvcreate` + `dd` per copy, `lvcreate -s` per snapshot). */
export function cloneVolumeCommands(
  source: string,
  mode: CloneMode,
  volumes: ClonePlan['volumes'],
): string[] {
  return volumes.flatMap((v) =>
    mode === 'copy'
      ? [
          lvmLine('lvcreate', lvcreateArgs(v.vg, v.to, v.sizeBytes, [CLONE_TAG_PREFIX + source])),
          lvmLine('dd', ddCopyArgs(`/dev/${v.vg}/${v.from}`, `/dev/${v.vg}/${v.to}`)),
        ]
      : [
          lvmLine(
            'lvcreate',
            lvSnapshotArgs(v.vg, v.from, v.to, v.sizeBytes, [CLONE_TAG_PREFIX + source]),
          ),
        ],
  );
}
