/**
 * The `Storage` interface: LVM volume groups and logical volumes, in bytes. Two backends implement
 * it — `openLvmStorage` (the lvm commands) and `createSimulatedStorage` (in memory) — and one
 * contract suite (`src/testing/contract.ts`) holds both to the same behaviour.
 */

/** A physical volume of a volume group (`pvs`: pv_name, pv_size). */
export interface PhysicalVolume {
  /** Device path, e.g. `/dev/vdb` (pv_name). */
  name: string;
  /** Usable size in bytes (pv_size). */
  sizeBytes: number;
  /** Unallocated bytes on this PV (pv_free). */
  freeBytes: number;
}

/** A volume group (`vgs`: vg_name, vg_size, vg_free, vg_extent_size; `pvs` for its PVs). */
export interface VolumeGroup {
  name: string;
  /** Total size in bytes (vg_size = extent count × extent size). */
  sizeBytes: number;
  /** Unallocated bytes (vg_free). */
  freeBytes: number;
  /** Physical extent size in bytes (vg_extent_size; 4 MiB by default). Sizes round up to it. */
  extentSizeBytes: number;
  physicalVolumes: PhysicalVolume[];
}

/** A logical volume (`lvs`: lv_name, vg_name, lv_size, lv_attr, origin, lv_tags). */
export interface LogicalVolume {
  name: string;
  /** Its volume group's name. */
  vg: string;
  /** `/dev/<vg>/<lv>`, the path a `phy:` disk names. */
  path: string;
  /** Size in bytes (lv_size; a whole number of extents). */
  sizeBytes: number;
  /**
   * lv_attr as LVM prints it, e.g. `-wi-ao----`. Read by position from the start (new positions
   * are appended): [0] type (`-` plain, `s` snapshot, `o` origin), [4] state (`a` active),
   * [5] device open (`o`).
   */
  attr: string;
  /** For a snapshot, the name of the LV it snapshots (origin); otherwise null. */
  origin: string | null;
  /** The device is open (lv_attr[5] === 'o'): a running domain, a mount or a process holds it. */
  open: boolean;
  /** The LV is active (lv_attr[4] === 'a'), so `/dev/<vg>/<lv>` exists. */
  active: boolean;
  /** LVM tags (lv_tags, split at commas). */
  tags: string[];
}

/** Options of {@link Storage.createVolume}. */
export interface CreateVolumeOptions {
  /** LVM tags to add (`--addtag`); validated (lvm(8) TAGS). */
  tags?: string[];
}

/** Options of {@link Storage.snapshotVolume}. */
export interface SnapshotVolumeOptions {
  /** LVM tags to add to the snapshot (`--addtag`); validated (lvm(8) TAGS). */
  tags?: string[];
}

/** Options of {@link Storage.copyVolume}. */
export interface CopyVolumeOptions {
  /** LVM tags to add to the new volume (`--addtag`); validated. */
  tags?: string[];
  /**
   * Called as the copy goes: bytes copied so far and the total (the source's size), both in
   * bytes; at least once at the end with `copiedBytes === totalBytes`.
   */
  onProgress?: (copiedBytes: number, totalBytes: number) => void;
  /** Aborting stops the copy (dd gets SIGTERM); the half copy is removed and the call rejects. */
  signal?: AbortSignal;
}

/**
 * LVM storage. Every method may throw a `StorageError` (`src/errors.ts`); names are validated
 * before anything runs (INVALID_NAME), sizes are positive whole bytes (INVALID_SIZE) and are
 * rounded UP to the volume group's extent size — the returned volume carries the real size.
 */
export interface Storage {
  /** `lvm` (the commands) or `simulated` (in memory). */
  readonly kind: 'lvm' | 'simulated';

  /** Every volume group, by name. Throws LVM_UNAVAILABLE, LVM_ERROR. */
  volumeGroups(): Promise<VolumeGroup[]>;

  /** One volume group. Throws INVALID_NAME, VG_NOT_FOUND. */
  volumeGroup(vg: string): Promise<VolumeGroup>;

  /** The visible logical volumes of `vg`, by name. Throws INVALID_NAME, VG_NOT_FOUND. */
  logicalVolumes(vg: string): Promise<LogicalVolume[]>;

  /**
   * Creates a linear LV of at least `sizeBytes` (rounded up to whole extents), active, with any
   * old filesystem or partition signatures at its start wiped (`lvcreate --yes --wipesignatures y`).
   * Returns it. Throws INVALID_NAME, INVALID_SIZE, VG_NOT_FOUND, LV_EXISTS, NO_SPACE, LVM_ERROR.
   */
  createVolume(
    vg: string,
    name: string,
    sizeBytes: number,
    options?: CreateVolumeOptions,
  ): Promise<LogicalVolume>;

  /**
   * Grows an LV to at least `newSizeBytes` (rounded up to whole extents; `lvextend`). A size
   * that rounds to the current size returns the LV unchanged; a smaller one is refused with
   * INVALID_SIZE (shrinking destroys data; it is never done). Throws INVALID_NAME, INVALID_SIZE,
   * VG_NOT_FOUND, LV_NOT_FOUND, NO_SPACE, LVM_ERROR.
   */
  growVolume(vg: string, name: string, newSizeBytes: number): Promise<LogicalVolume>;

  /**
   * Creates a copy-on-write snapshot `snapName` of LV `name` with `sizeBytes` of room for changed
   * blocks (rounded up; `lvcreate -s`). Returns the snapshot (its `origin` is `name`). Throws
   * INVALID_NAME, INVALID_SIZE, VG_NOT_FOUND, LV_NOT_FOUND, LV_EXISTS, NO_SPACE, LVM_ERROR
   * (snapshots of snapshots are not supported by LVM).
   */
  snapshotVolume(
    vg: string,
    name: string,
    snapName: string,
    sizeBytes: number,
    options?: SnapshotVolumeOptions,
  ): Promise<LogicalVolume>;

  /**
   * Reverts origin to snapshot `snapName`'s content (`lvconvert --merge <vg>/<snap>`) and waits
   * until the merge has finished: the snapshot LV is then gone (LVM consumes it) and the origin
   * holds the data it had when the snapshot was taken. Refused with VOLUME_IN_USE when the origin
   * or the snapshot is open (a running domain: LVM would defer the merge to the origin's next
   * activation; callers shut the domain down first). Should LVM still defer it (the origin was
   * opened between the check and the merge, or a stale activation), the origin is deactivated and
   * reactivated (`lvchange -an`, `lvchange -ay`), which starts the merge, and `lvs` is polled until
   * the snapshot is gone. Returns the origin. Throws INVALID_NAME, VG_NOT_FOUND, LV_NOT_FOUND (no
   * such LV, or it is not a snapshot), VOLUME_IN_USE, LVM_ERROR (including a merge still pending
   * after the wait).
   */
  mergeSnapshot(vg: string, snapName: string): Promise<LogicalVolume>;

  /**
   * Copies LV `source` to a NEW linear LV `target` of the same size in the same group
   * (`lvcreate` with {@link lvcreateArgs}'s flags, then `dd … bs=4M oflag=direct conv=fsync
   * status=progress`), reporting progress. On any failure or abort the new LV is removed
   * (`lvremove -f`) before the call rejects: a half copy never stays looking like a volume.
   * `source` must not be open (a running domain's disk would be copied inconsistently:
   * VOLUME_IN_USE). Returns the new LV. Throws INVALID_NAME, VG_NOT_FOUND, LV_NOT_FOUND, LV_EXISTS,
   * NO_SPACE, VOLUME_IN_USE, LVM_ERROR (dd's stderr as the message), LVM_UNAVAILABLE (no dd).
   */
  copyVolume(
    vg: string,
    source: string,
    target: string,
    options?: CopyVolumeOptions,
  ): Promise<LogicalVolume>;

  /**
   * Removes an LV (`lvremove -f`), only when it is not open and has no snapshots: otherwise
   * VOLUME_IN_USE, with the reason in the message and `details.reason`. Throws INVALID_NAME,
   * VG_NOT_FOUND, LV_NOT_FOUND, VOLUME_IN_USE, LVM_ERROR. Whether a domain's config names the
   * volume is not known here: the caller checks that first.
   */
  removeVolume(vg: string, name: string): Promise<void>;
}
