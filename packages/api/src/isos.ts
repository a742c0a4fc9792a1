/**
 * The ISO library (issue 9 §3): installer images in one dom0 directory (`XENDECK_ISO_DIR`,
 * default `/var/lib/xendeck/iso`). `GET /api/v1/isos` lists them, `PUT /api/v1/isos/:filename`
 * uploads one (raw `application/octet-stream` body), `DELETE /api/v1/isos/:filename?confirm=`
 * removes one. The name rule lives here once: the server validates with it, the web checks a
 * dropped file's name with it before uploading.
 */
import { z } from 'zod';
import { diskUserSchema, usedByGapsSchema } from './storage.js';

/** Longest ISO file name, in bytes (the names are ASCII, so also characters): Linux's NAME_MAX. */
export const ISO_NAME_MAX_BYTES = 255;

/** Request header carrying the expected SHA-256 (64 hex digits) of an upload's body. */
export const ISO_CHECKSUM_HEADER = 'X-Checksum-Sha256';

/** A SHA-256 digest as 64 lower- or upper-case hex digits (answers are always lower case). */
export const sha256HexSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 is 64 hexadecimal digits');

/**
 * Why `name` cannot be an ISO file name, or undefined when it can: letters, digits and `._+-`
 * only, not starting with `.`, ending `.iso` (any case), at most {@link ISO_NAME_MAX_BYTES} bytes.
 * So no `/`, no `..` path, no hidden file, nothing that looks like an upload's temporary file.
 */
export function isoNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (new TextEncoder().encode(name).length > ISO_NAME_MAX_BYTES) {
    return `the name is longer than ${ISO_NAME_MAX_BYTES} bytes`;
  }
  const bad = name.match(/[^A-Za-z0-9._+-]/);
  if (bad) {
    return `the name may hold only letters, digits, ".", "_", "+" and "-" (not ${JSON.stringify(bad[0])})`;
  }
  if (name.startsWith('.')) return 'the name may not start with "."';
  if (!/\.iso$/i.test(name) || name.length === 4) return 'the name must end with ".iso"';
  return undefined;
}

/** An ISO file name accepted by {@link isoNameProblem}. */
export const isoNameSchema = z.string().superRefine((name, ctx) => {
  const problem = isoNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * One ISO of the library. `sizeBytes` and `modified` (ISO 8601 UTC) from `stat`; `sha256` (lower
 * case hex) once known: computed while an upload streams, or by an `iso.checksum` task for a file
 * put there by other means, cached by (name, size, mtime); null until then. `usedBy`: configs
 * naming its path and running domains that have it in a drive now (the server's used-by index,
 * `apps/server/src/storage/used-by.ts`, the same users the storage routes list).
 */
export const isoEntrySchema = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  modified: z.string(),
  sha256: z.string().nullable(),
  usedBy: z.array(diskUserSchema),
});
export type IsoEntry = z.infer<typeof isoEntrySchema>;

/**
 * `GET /api/v1/isos`: the library's absolute dom0 directory, its free space for uploads in bytes
 * (`statfs`: blocks available to unprivileged users × block size), its ISOs by name, and what
 * the used-by index could not read (so `usedBy` may be incomplete).
 */
export const isoListSchema = z.object({
  directory: z.string(),
  freeBytes: z.number().int().nonnegative(),
  isos: z.array(isoEntrySchema),
  usedByGaps: usedByGapsSchema,
});
export type IsoList = z.infer<typeof isoListSchema>;

/**
 * `GET /api/v1/domains/:name/cdrom/isos` (needs `reinstall` on the domain): the ISOs a user may
 * insert in that domain's CD-ROM drive, by library file name (A→Z) with their size in bytes.
 * What a customer picks from: no dom0 directory, no checksums, nothing about other domains.
 */
export const isoChoicesSchema = z.object({
  isos: z.array(z.object({ name: z.string(), sizeBytes: z.number().int().nonnegative() })),
});
export type IsoChoices = z.infer<typeof isoChoicesSchema>;
