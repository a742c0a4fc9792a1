/**
 * The one error class every {@link Storage} backend throws, and the mapping from LVM's own stderr
 * to its codes (written once here: both backends and the server use these codes).
 *
 * `code` is stable and meant for programs (the server maps it to an HTTP status); `message` is for
 * people — for errors LVM reported, it is LVM's stderr text as is; `details` carries structured
 * context: `{ command, args, exitCode, stderr }` for anything a command reported,
 * `{ reason }` for VOLUME_IN_USE, `{ requestedBytes, freeBytes }` for NO_SPACE.
 */
export type StorageErrorCode =
  /** No volume group of that name (`vgs <vg>` lists none). */
  | 'VG_NOT_FOUND'
  /** No logical volume of that name in the volume group. */
  | 'LV_NOT_FOUND'
  /** A logical volume of that name already exists in the volume group. */
  | 'LV_EXISTS'
  /**
   * The volume is in use: open (lv_attr[5] === 'o': a running domain, a mount or another process
   * holds the device), or it is the origin of snapshots. `details.reason` says which.
   */
  | 'VOLUME_IN_USE'
  /** The volume group has fewer free extents than the request needs (`details` has the figures). */
  | 'NO_SPACE'
  /** A VG, LV or tag name breaks LVM's rules (lvm(8) "VALID NAMES"); nothing was run. */
  | 'INVALID_NAME'
  /** A size that is not a positive whole number of bytes, or a shrink (refused); nothing was run. */
  | 'INVALID_SIZE'
  /** Any other failure of an lvm command; `message` is LVM's stderr as is. */
  | 'LVM_ERROR'
  /** The lvm binaries (`vgs`, `lvs`, `lvcreate`, …) are not installed on this machine. */
  | 'LVM_UNAVAILABLE'
  /** No regular file of that name in the image directory (`image-files.ts`). */
  | 'IMAGE_NOT_FOUND'
  /** A file (or anything else) of that name already exists in the image directory. */
  | 'IMAGE_EXISTS';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isStorageError(e: unknown): e is StorageError {
  return e instanceof StorageError;
}

/**
 * The code for an lvm command's failure, from its stderr. Recognised (lvm2 2.03 wording):
 * `Volume group "x" not found` → VG_NOT_FOUND; `Failed to find logical volume "vg/x"` or
 * `… not found` → LV_NOT_FOUND; `… already exists …` → LV_EXISTS; `Insufficient free space`,
 * `insufficient free space`, `insufficient suitable allocatable extents` → NO_SPACE;
 * `… in use` / `Can't remove open logical volume` → VOLUME_IN_USE; anything else → LVM_ERROR.
 */
export function lvmErrorCode(stderr: string): StorageErrorCode {
  if (/Volume group "[^"]*" not found/i.test(stderr)) return 'VG_NOT_FOUND';
  if (/Failed to find logical volume|logical volume .*not found/i.test(stderr)) {
    return 'LV_NOT_FOUND';
  }
  if (/already exists/i.test(stderr)) return 'LV_EXISTS';
  if (/insufficient (free space|suitable allocatable extents)/i.test(stderr)) return 'NO_SPACE';
  if (/\bin use\b|open logical volume|\bis open\b/i.test(stderr)) return 'VOLUME_IN_USE';
  return 'LVM_ERROR';
}
