/**
 * Saved domain images (issue 10 §1): save, list, restore, delete. Paths are under `/api/v1`.
 *
 * The images live in the server's save directory (`XENDECK_SAVE_DIR`, default `/var/lib/xen/save`,
 * the `XENDOMAINS_SAVE` of Debian's xendomains). A save of domain `web1` writes `<dir>/web1`, the
 * name xendomains gives its own saves, so both tools see each other's images. After a restore
 * from Xendeck the image is kept under the hidden name `.web1.restored-<UTC stamp>`: xendomains
 * restores (then deletes) every plain file of the directory at dom0's boot, and must not bring
 * back a state older than the guest's disks.
 */
import { z } from 'zod';

/** Suffix of an image kept after its restore: `.restored-YYYYMMDDTHHMMSSZ` (UTC). */
export const SAVED_IMAGE_RESTORED_SUFFIX = /\.restored-(\d{8}T\d{6}Z)$/;

/**
 * An image's name (`:name` in the paths) = its file name in the save directory: a domain name
 * (`web1`, an image waiting to be restored), or `.<domain name>.restored-<YYYYMMDDTHHMMSSZ>` (kept
 * after a restore). Nothing else reaches a path: no `/`, no leading `..`.
 */
export const savedImageNameSchema = z
  .string()
  .max(100)
  .regex(
    /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}|\.[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\.restored-\d{8}T\d{6}Z)$/,
    'a saved image name is a domain name, or ".<domain>.restored-<YYYYMMDDTHHMMSSZ>"',
  );

/** `POST /api/v1/domains/:name/save` body. Answer 202 {@link TaskAccepted} (kind `domain.save`). */
export const saveDomainRequestSchema = z
  .object({
    /** Leave the domain running (`xl save -c`); default false: it is gone once saved. */
    checkpoint: z.boolean().default(false),
  })
  .strict();
export type SaveDomainRequest = z.input<typeof saveDomainRequestSchema>;

/** Result of a `domain.save` task. */
export const saveDomainResultSchema = z.object({
  /** The image's name in the list (= the domain name). */
  image: z.string(),
  /** Absolute path of the state file. */
  path: z.string(),
  sizeBytes: z.number().int(),
  checkpoint: z.boolean(),
  /** What `xl save` printed. */
  output: z.string(),
});
export type SaveDomainResult = z.infer<typeof saveDomainResultSchema>;

/** Result of a `domain.restore` task. */
export const restoreImageResultSchema = z.object({
  /** The domain's name and new domid. */
  name: z.string(),
  domid: z.number().int(),
  /** What `xl restore` printed. */
  output: z.string(),
  /** The name the image is kept under now (`.<name>.restored-<stamp>`). */
  keptAs: z.string(),
});
export type RestoreImageResult = z.infer<typeof restoreImageResultSchema>;

/**
 * The figures of the config an image was saved with (libxl JSON `c_info` / `b_info`, read from
 * xl's header); null where the image does not say.
 */
export const savedConfigSummarySchema = z.object({
  type: z.string().nullable(),
  uuid: z.string().nullable(),
  /** `b_info.target_memkb` / 1024. */
  memoryMiB: z.number().nullable(),
  /** `b_info.max_memkb` / 1024. */
  maxMemoryMiB: z.number().nullable(),
  /** vCPUs online at the save (`b_info.avail_vcpus`). */
  vcpus: z.number().int().nullable(),
  maxVcpus: z.number().int().nullable(),
});
export type SavedConfigSummary = z.infer<typeof savedConfigSummarySchema>;

/** One element of `GET /api/v1/saved-images`. */
export const savedImageSchema = z.object({
  /** File name in the save directory: the image's id in the paths. */
  name: z.string(),
  /** Absolute path (`<dir>/<name>`). */
  path: z.string(),
  /**
   * The saved domain's name, from the image's header (`c_info.name`); null when the header
   * cannot be read (see `error`).
   */
  domainName: z.string().nullable(),
  /** `saved`: waiting to be restored (xendomains too would restore it at boot); `restored`: kept after its restore. */
  state: z.enum(['saved', 'restored']),
  /** When it was written: the file's modification time (ISO 8601). */
  savedAt: z.string(),
  /** When Xendeck restored it (from the name's stamp), or null. */
  restoredAt: z.string().nullable(),
  /** File size, bytes (about the guest's memory). */
  sizeBytes: z.number().int(),
  /** Whether a domain named `domainName` exists now, and its domid. */
  running: z.boolean(),
  domid: z.number().int().optional(),
  /** A save or restore of this image is running now (Delete is refused meanwhile). */
  busy: z.boolean(),
  summary: savedConfigSummarySchema,
  /** The whole config it was saved with: libxl's JSON as xl wrote it in the header, or null. */
  config: z.record(z.string(), z.unknown()).nullable(),
  /** For an image of an old xl that stored xl.cfg text instead of JSON: that text, else null. */
  configText: z.string().nullable(),
  /** Why this is not a restorable xl image (not xl's magic, cut short, unknown flags), or null. */
  error: z.string().nullable(),
});
export type SavedImage = z.infer<typeof savedImageSchema>;

/** `GET /api/v1/saved-images`: the images, newest first. */
export const savedImageListSchema = z.object({
  /** The save directory (`XENDECK_SAVE_DIR`). */
  dir: z.string(),
  /** Whether it exists (it is created at the first save, 0700 as xendomains makes it). */
  dirExists: z.boolean(),
  images: z.array(savedImageSchema),
});
export type SavedImageList = z.infer<typeof savedImageListSchema>;
