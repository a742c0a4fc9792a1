/**
 * Storage (issue 9 §2): volume groups and logical volumes (LVM), image files in the image
 * directory, and who uses each ("used by"). Sizes are bytes everywhere. Every mutation answers
 * 202 `{task}` (kinds `volume.create|grow|snapshot|remove`, `image.create|remove`); checks that
 * can fail at once (names, confirmation, in use, shrink) answer 4xx before any task starts.
 *
 * The name rules are LVM's (lvm(8) "VALID NAMES"), written here once: the characters, length and
 * reserved parts below are also what `validateVgName` / `validateLvName` / `validateImageFileName`
 * of `@xendeck/storage` check (with their own error codes) before any command runs;
 * `apps/server/test/storage-names.test.ts` holds the schemas and the validators to the same answers.
 */
import { z } from 'zod';

/** lvm2 NAME_LEN (128) minus the terminating NUL. */
export const LVM_NAME_MAX_LENGTH = 127;

/** The characters of a VG or LV name: `A-Z a-z 0-9 + _ . -`. */
export const LVM_NAME_CHARS = /^[A-Za-z0-9+_.-]+$/;

/** LV name prefixes lvm2 reserves. */
export const LVM_RESERVED_LV_PREFIXES = ['snapshot', 'pvmove'] as const;

/** Substrings lvm2 reserves for internal sub-LVs (`_rimage`, `_tdata`, …). */
export const LVM_RESERVED_LV_SUBSTRINGS = [
  '_cdata',
  '_cmeta',
  '_corig',
  '_cpool',
  '_cvol',
  '_wcorig',
  '_imeta',
  '_iorig',
  '_mimage',
  '_mlog',
  '_pmspare',
  '_rimage',
  '_rmeta',
  '_tdata',
  '_tmeta',
  '_vdata',
  '_vorigin',
] as const;

const lvmNameBase = (what: string) =>
  z
    .string()
    .min(1, `a ${what} name is not empty`)
    .max(LVM_NAME_MAX_LENGTH, `a ${what} name is at most ${LVM_NAME_MAX_LENGTH} characters`)
    .regex(LVM_NAME_CHARS, `a ${what} name has only letters, digits, "+", "_", "." and "-"`)
    .refine((n) => !n.startsWith('-'), `a ${what} name does not start with "-"`)
    .refine((n) => n !== '.' && n !== '..', `"." and ".." are not ${what} names`);

/** A volume group name: 1–127 of `A-Z a-z 0-9 + _ . -`, not starting with `-`, not `.`/`..`. */
export const vgNameSchema = lvmNameBase('volume group');

/** A logical volume name: the volume group rules, and not starting `snapshot`/`pvmove` nor containing lvm2's sub-LV suffixes. */
export const lvNameSchema = lvmNameBase('logical volume')
  .refine(
    (n) => !LVM_RESERVED_LV_PREFIXES.some((p) => n.startsWith(p)),
    'a logical volume name does not start with "snapshot" or "pvmove" (reserved by LVM)',
  )
  .refine(
    (n) => !LVM_RESERVED_LV_SUBSTRINGS.some((s) => n.includes(s)),
    `a logical volume name does not contain ${LVM_RESERVED_LV_SUBSTRINGS.join(', ')} (reserved by LVM)`,
  );

/** Longest image file name (bytes = characters: the allowed characters are ASCII). */
export const IMAGE_FILE_NAME_MAX_LENGTH = 255;

/** The characters of an image file name: `A-Z a-z 0-9 . _ + -`. */
export const IMAGE_FILE_NAME_CHARS = /^[A-Za-z0-9._+-]+$/;

/**
 * An image file's name in the image directory: 1–255 of `A-Z a-z 0-9 . _ + -`, not starting with
 * `.` or `-` (so no hidden files, no `..`, nothing read as an option; never a `/`).
 */
export const imageFileNameSchema = z
  .string()
  .min(1, 'an image file name is not empty')
  .max(
    IMAGE_FILE_NAME_MAX_LENGTH,
    `an image file name is at most ${IMAGE_FILE_NAME_MAX_LENGTH} characters`,
  )
  .regex(
    IMAGE_FILE_NAME_CHARS,
    'an image file name has only letters, digits, ".", "_", "+" and "-"',
  )
  .refine(
    (n) => !n.startsWith('.') && !n.startsWith('-'),
    'an image file name does not start with "." or "-"',
  );

/** A size in bytes: a positive whole number (at most 2^53 − 1). */
export const sizeBytesSchema = z
  .number()
  .int('a size is a whole number of bytes')
  .positive('a size is more than 0 bytes')
  .max(Number.MAX_SAFE_INTEGER);

// ---------------------------------------------------------------------------------------------
// Who uses a disk (the server's `storage/used-by.ts`).

/** A config file in the config dir whose `disk = [...]` names it (`name` = file name without `.cfg`). */
export const configDiskUserSchema = z.object({
  kind: z.literal('config'),
  name: z.string(),
  /** Absolute path of the config file. */
  path: z.string(),
});

/** A running domain whose block devices (libxl_device_disk_list) include it. */
export const domainDiskUserSchema = z.object({
  kind: z.literal('domain'),
  name: z.string(),
  domid: z.number().int(),
});

export const diskUserSchema = z.discriminatedUnion('kind', [
  configDiskUserSchema,
  domainDiskUserSchema,
]);
export type DiskUser = z.infer<typeof diskUserSchema>;

/**
 * What the used-by index could not read, so "used by" may be incomplete: config files skipped
 * (unreadable, over 1 MiB, or a syntax error: `reason` says which) and running domains whose disks
 * could not be listed.
 */
export const usedByGapsSchema = z.object({
  configs: z.array(z.object({ path: z.string(), reason: z.string() })),
  domains: z.array(z.object({ name: z.string(), domid: z.number().int(), reason: z.string() })),
});
export type UsedByGaps = z.infer<typeof usedByGapsSchema>;

// ---------------------------------------------------------------------------------------------
// Volume groups and logical volumes. Source: `vgs`, `pvs`, `lvs` (JSON reports, `--units b`).

/** A physical volume (`pvs`: pv_name, pv_size, pv_free). */
export const physicalVolumeSchema = z.object({
  /** Device path, e.g. `/dev/vdb`. */
  name: z.string(),
  sizeBytes: z.number(),
  freeBytes: z.number(),
});

/** `GET /storage/volume-groups` item (`vgs`: vg_name, vg_size, vg_free, vg_extent_size). */
export const volumeGroupSchema = z.object({
  name: z.string(),
  sizeBytes: z.number(),
  freeBytes: z.number(),
  /** Sizes round up to whole extents of this many bytes. */
  extentSizeBytes: z.number(),
  physicalVolumes: z.array(physicalVolumeSchema),
});
export type VolumeGroup = z.infer<typeof volumeGroupSchema>;

/** `GET /storage/volume-groups` answer. */
export const volumeGroupListSchema = z.object({ volumeGroups: z.array(volumeGroupSchema) });
export type VolumeGroupList = z.infer<typeof volumeGroupListSchema>;

/**
 * A logical volume (`lvs`: lv_name, lv_size, lv_attr, origin, lv_tags) and its users. `attr` is
 * lv_attr as LVM prints it (`-wi-ao----`); `open` = attr[5] `o`; `active` = attr[4] `a`.
 */
export const logicalVolumeSchema = z.object({
  name: z.string(),
  vg: z.string(),
  /** `/dev/<vg>/<lv>`, what a `phy:` disk names. */
  path: z.string(),
  sizeBytes: z.number(),
  attr: z.string(),
  /** The LV a snapshot copies; null otherwise. */
  origin: z.string().nullable(),
  open: z.boolean(),
  active: z.boolean(),
  tags: z.array(z.string()),
  /** Configs naming `/dev/<vg>/<lv>` or `/dev/mapper/<vg>-<lv>`, then running domains using it. */
  usedBy: z.array(diskUserSchema),
});
export type LogicalVolume = z.infer<typeof logicalVolumeSchema>;

/** `GET /storage/volume-groups/:vg/volumes` answer. */
export const volumeListSchema = z.object({
  volumeGroup: volumeGroupSchema,
  volumes: z.array(logicalVolumeSchema),
  usedByGaps: usedByGapsSchema,
});
export type VolumeList = z.infer<typeof volumeListSchema>;

/** `POST /storage/volume-groups/:vg/volumes` body; the size rounds up to whole extents. */
export const createVolumeRequestSchema = z.object({
  name: lvNameSchema,
  sizeBytes: sizeBytesSchema,
});
export type CreateVolumeRequest = z.infer<typeof createVolumeRequestSchema>;

/** `POST …/volumes/:lv/grow` body: the NEW TOTAL size (larger than now; never shrinks). */
export const growVolumeRequestSchema = z.object({ sizeBytes: sizeBytesSchema });
export type GrowVolumeRequest = z.infer<typeof growVolumeRequestSchema>;

/** `POST …/volumes/:lv/snapshot` body: the snapshot's name and its copy-on-write room. */
export const snapshotVolumeRequestSchema = z.object({
  name: lvNameSchema,
  sizeBytes: sizeBytesSchema,
});
export type SnapshotVolumeRequest = z.infer<typeof snapshotVolumeRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Image files: regular files in XENDECK_IMAGE_DIR (default /var/lib/xen/images). Source: lstat.

/** An image file: apparent size (st_size) and what it really occupies (st_blocks × 512). */
export const imageFileSchema = z.object({
  name: z.string(),
  /** Absolute path, what a `file:` disk names. */
  path: z.string(),
  sizeBytes: z.number(),
  allocatedBytes: z.number(),
  /** mtime, ISO 8601 UTC. */
  modifiedAt: z.string(),
  usedBy: z.array(diskUserSchema),
});
export type ImageFile = z.infer<typeof imageFileSchema>;

/** `GET /storage/images` answer. */
export const imageFileListSchema = z.object({
  /** The image directory (absolute). */
  directory: z.string(),
  images: z.array(imageFileSchema),
  usedByGaps: usedByGapsSchema,
});
export type ImageFileList = z.infer<typeof imageFileListSchema>;

/** `POST /storage/images` body: a new sparse raw file (never overwrites). */
export const createImageFileRequestSchema = z.object({
  name: imageFileNameSchema,
  sizeBytes: sizeBytesSchema,
});
export type CreateImageFileRequest = z.infer<typeof createImageFileRequestSchema>;
