/**
 * CD-ROM drives of a running HVM domain (issue 9 §5): what is inserted now, insert an ISO of the
 * library, eject (`xl cd-insert` / `xl cd-eject`), and "Eject and boot from disk" (ejects, then
 * edits `<configDir>/<name>.cfg` so the next `xl create` boots from the disk). Paths are under
 * `/api/v1`; every route is admin-only.
 */
import { z } from 'zod';
import { isoNameSchema } from './isos.js';

/**
 * One emulated CD-ROM drive now (libxl_device_disk_list, `is_cdrom`). `target` is the dom0 path
 * of the inserted image, null when the drive is empty; `iso` is its file name when that path is a
 * file of the ISO library (`XENDECK_ISO_DIR`), else null (an image from elsewhere, or empty).
 */
export const cdromDriveSchema = z.object({
  vdev: z.string(),
  target: z.string().nullable(),
  iso: z.string().nullable(),
});
export type CdromDrive = z.infer<typeof cdromDriveSchema>;

/**
 * `GET /api/v1/domains/:name/cdrom`: the domain's CD-ROM drives in the order libxl lists its
 * disks. `hvm` is whether the domain is HVM (only HVM domains have emulated CD-ROM drives that can
 * be changed while running); a PV/PVH domain answers `hvm: false` and its (usually no) drives.
 */
export const cdromStatusSchema = z.object({
  name: z.string(),
  domid: z.number().int().nonnegative(),
  hvm: z.boolean(),
  drives: z.array(cdromDriveSchema),
});
export type CdromStatus = z.infer<typeof cdromStatusSchema>;

/**
 * `POST /api/v1/domains/:name/cdrom/:vdev/insert` body: the file name of an ISO in the library
 * (never a path: the server joins it to the library directory). Answers with the drives after.
 */
export const cdromInsertRequestSchema = z.object({ iso: isoNameSchema }).strict();
export type CdromInsertRequest = z.infer<typeof cdromInsertRequestSchema>;

/** `POST /api/v1/domains/:name/boot-from-disk` body: `dryRun: true` previews, writes nothing. */
export const bootFromDiskRequestSchema = z.object({ dryRun: z.boolean().default(false) }).strict();
export type BootFromDiskRequest = z.input<typeof bootFromDiskRequestSchema>;

/**
 * One change boot-from-disk makes to the config file: `boot` (the order without the CD, the disk
 * first) or a `cdrom` drive left empty (its spec before and after, as written in the file's list).
 */
export const bootFromDiskChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('boot'), before: z.string(), after: z.string() }),
  z.object({
    kind: z.literal('cdrom'),
    vdev: z.string(),
    before: z.string(),
    after: z.string(),
  }),
]);
export type BootFromDiskChange = z.infer<typeof bootFromDiskChangeSchema>;

/**
 * `POST /api/v1/domains/:name/boot-from-disk` answer. `before` is the file's text now (or, after
 * an apply, the text that was replaced), `after` the text with the changes; `etag` the ETag of
 * `before` (send it back as `If-Match` to apply what was previewed). `eject`: the CD-ROM drives
 * with media in the running domain (ejected by the apply, or to be). `written`: the apply wrote the
 * file (false for a dry run and when nothing changes); then `newEtag` and the history `versionId`.
 */
export const bootFromDiskResultSchema = z.object({
  name: z.string(),
  path: z.string(),
  dryRun: z.boolean(),
  running: z.boolean(),
  before: z.string(),
  after: z.string(),
  etag: z.string(),
  changes: z.array(bootFromDiskChangeSchema),
  eject: z.array(z.string()),
  written: z.boolean(),
  newEtag: z.string().optional(),
  versionId: z.number().int().nullable().optional(),
});
export type BootFromDiskResult = z.infer<typeof bootFromDiskResultSchema>;
