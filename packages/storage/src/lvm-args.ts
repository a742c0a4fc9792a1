/**
 * The argument vectors of the lvm2 and dd commands the LVM backend runs for snapshots, merges and
 * copies, written once: the backend spawns exactly these, and the server shows the same words as
 * the command a hoster would type (the audit log's `command`, the web's copyable lines). Names are
 * not validated here: callers validate them first (`names.ts`). `lvcreateArgs` (a plain volume)
 * lives beside the backend in `lvm-storage.ts`, for historical reasons; these complete it.
 */

/**
 * `lvcreate --yes -s -L <bytes>b -n <snap> [--addtag T]… <vg>/<origin>`: a copy-on-write snapshot
 * of `origin` with `sizeBytes` (a whole number of extents) of room for changed blocks. `--yes`
 * answers any prompt; no `--wipesignatures` (it would write into the snapshot's view of the origin).
 */
export function lvSnapshotArgs(
  vg: string,
  origin: string,
  snapName: string,
  sizeBytes: number,
  tags: readonly string[] = [],
): string[] {
  return [
    '--yes',
    '-s',
    '-L',
    `${sizeBytes}b`,
    '-n',
    snapName,
    ...tags.flatMap((t) => ['--addtag', t]),
    `${vg}/${origin}`,
  ];
}

/**
 * `lvconvert --merge <vg>/<snap>`: merges the snapshot back into its origin (the origin returns to
 * the snapshot's content; the snapshot LV disappears when the merge ends). lvconvert waits, polling,
 * until the merge has finished when neither LV is open; otherwise LVM defers the merge to the
 * origin's next activation (the backend then deactivates and reactivates it, see `mergeSnapshot`).
 */
export function lvconvertMergeArgs(vg: string, snapName: string): string[] {
  return ['--merge', `${vg}/${snapName}`];
}

/** `lvchange -an|-ay <vg>/<lv>`: deactivates or activates a logical volume. */
export function lvchangeActivateArgs(vg: string, name: string, active: boolean): string[] {
  return [active ? '-ay' : '-an', `${vg}/${name}`];
}

/** `lvremove -f <vg>/<lv>`: `-f` only skips the prompt; lvremove still refuses an open LV. */
export function lvremoveArgs(vg: string, name: string): string[] {
  return ['-f', `${vg}/${name}`];
}

/** Block size dd copies with: 4 MiB (one default extent; large sequential writes). */
export const COPY_BLOCK = '4M';

/**
 * `dd if=<from> of=<to> bs=4M oflag=direct conv=fsync status=progress`: a whole-device copy.
 * `oflag=direct` keeps the copy out of dom0's page cache (dom0 memory is small and the guests'
 * data are not worth caching there); `conv=fsync` flushes before dd exits, so a success means the
 * bytes are on the disk; `status=progress` prints the bytes copied about once a second on stderr
 * (read by {@link parseDdProgress}). No `conv=sparse`: the target is a new LV whose extents still
 * hold whatever an earlier LV left there, so zeros must be written as zeros.
 */
export function ddCopyArgs(fromPath: string, toPath: string): string[] {
  return [
    `if=${fromPath}`,
    `of=${toPath}`,
    `bs=${COPY_BLOCK}`,
    'oflag=direct',
    'conv=fsync',
    'status=progress',
  ];
}

/**
 * The bytes copied so far in a piece of dd's stderr: the last `<n> bytes` at the start of a
 * `status=progress` line (`67108864 bytes (67 MB, 64 MiB) copied, 2 s, 33.5 MB/s`, lines ended by
 * `\r`) or of its final summary; undefined when the text has none (e.g. `1+0 records in`).
 */
export function parseDdProgress(text: string): number | undefined {
  let last: number | undefined;
  for (const m of text.matchAll(/(?:^|[\r\n])(\d+) bytes\b/g)) last = Number(m[1]);
  return last;
}
