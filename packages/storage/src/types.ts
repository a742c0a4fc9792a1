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
  ): Promise<LogicalVolume>;

  /**
   * Removes an LV (`lvremove -f`), only when it is not open and has no snapshots: otherwise
   * VOLUME_IN_USE, with the reason in the message and `details.reason`. Throws INVALID_NAME,
   * VG_NOT_FOUND, LV_NOT_FOUND, VOLUME_IN_USE, LVM_ERROR. Whether a domain's config names the
   * volume is not known here: the caller checks that first.
   */
  removeVolume(vg: string, name: string): Promise<void>;
}
