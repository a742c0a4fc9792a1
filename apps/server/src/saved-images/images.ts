/**
 * The save directory (`config.saveDir`) as a list of saved images: which files count, the names
 * they go by, what each one's xl header says (`readXlSaveHeader` of @xendeck/hypervisor), and the
 * hidden name an image is kept under after Xendeck restored it. Also the set of images a task is
 * working on, so a delete cannot pull a file from under `xl save` / `xl restore`.
 *
 * Naming, compatible with Debian's xendomains (`/etc/init.d/xendomains`: `xl save $id
 * $XENDOMAINS_SAVE/$name` at dom0 shutdown; at boot, `xl restore` of every plain file
 * `$XENDOMAINS_SAVE/*`, deleted once restored): an image waiting to be restored is `<domain>`;
 * one Xendeck restored is renamed `.<domain>.restored-<YYYYMMDDTHHMMSSZ>` — the glob skips dot
 * files, so xendomains never brings back a state older than the guest's disks. A save writes a
 * hidden `.<domain>.saving-<hex>` first (@xendeck/hypervisor's save-file.ts): never listed.
 */
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SAVED_IMAGE_RESTORED_SUFFIX,
  type SavedImage,
  type SavedImageList,
  savedImageNameSchema,
} from '@xendeck/api';
import { type Hypervisor, isHypervisorError, readXlSaveHeader } from '@xendeck/hypervisor';
import { ApiError } from '../errors.js';
import { parsePathParam } from '../validate.js';

/** `20261130T164512Z` (UTC, seconds) of `date`: the stamp of a restored image's name. */
export function restoredStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The name an image `name` is kept under after its restore at `date`. */
export function restoredName(name: string, date: Date): string {
  return `.${name}.restored-${restoredStamp(date)}`;
}

/** ISO 8601 time of a restored image's stamp, or null for a name without one. */
export function restoredAt(name: string): string | null {
  const m = SAVED_IMAGE_RESTORED_SUFFIX.exec(name)?.[1];
  if (!m) return null;
  const iso = `${m.slice(0, 4)}-${m.slice(4, 6)}-${m.slice(6, 8)}T${m.slice(9, 11)}:${m.slice(11, 13)}:${m.slice(13, 15)}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : new Date(iso).toISOString();
}

/** Validates an image name from the URL (`:name`); 422 INVALID_INPUT (`where: 'path'`). */
export function parseImageName(raw: unknown): string {
  return parsePathParam(savedImageNameSchema, 'saved image name', 'name', raw);
}

/** Creates the save directory when missing, 0700 as xendomains does. */
export async function ensureSaveDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Whether `<dir>/<name>` exists (as anything: a save never replaces it). */
export async function imageExists(dir: string, name: string): Promise<boolean> {
  return lstat(join(dir, name)).then(
    () => true,
    () => false,
  );
}

/**
 * One image: `lstat` (a regular file, not a symlink: else SAVED_IMAGE_NOT_FOUND), then its xl
 * header. `running` from `domids` (name → domid of the domains now), `busy` from `busy`.
 */
export async function readImage(
  dir: string,
  name: string,
  domids: ReadonlyMap<string, number>,
  busy: ReadonlySet<string>,
): Promise<SavedImage> {
  const path = join(dir, name);
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile()) {
    throw new ApiError('SAVED_IMAGE_NOT_FOUND', `No saved image "${name}" in ${dir}`, { name });
  }
  let error: string | null = null;
  let header: Awaited<ReturnType<typeof readXlSaveHeader>> | undefined;
  try {
    header = await readXlSaveHeader(path);
    if (!header.restorable) {
      error = `flags xl does not know (mandatory 0x${header.mandatoryFlags.toString(16)}, optional 0x${header.optionalFlags.toString(16)})`;
    } else if (!header.name) error = 'its header names no domain';
  } catch (err) {
    if (!isHypervisorError(err)) throw err;
    error = err.message;
  }
  const domainName = header?.name ?? null;
  const domid = domainName === null ? undefined : domids.get(domainName);
  const s = header?.summary ?? {};
  const at = restoredAt(name);
  return {
    name,
    path,
    domainName,
    state: at === null ? 'saved' : 'restored',
    savedAt: st.mtime.toISOString(),
    restoredAt: at,
    sizeBytes: st.size,
    running: domid !== undefined,
    ...(domid === undefined ? {} : { domid }),
    busy: busy.has(name),
    summary: {
      type: s.type ?? null,
      uuid: s.uuid ?? null,
      memoryMiB: s.memoryMiB ?? null,
      maxMemoryMiB: s.maxMemoryMiB ?? null,
      vcpus: s.vcpus ?? null,
      maxVcpus: s.maxVcpus ?? null,
    },
    config: header?.configJson ?? null,
    configText: header?.configText ?? null,
    error,
  };
}

/** name → domid of every domain now (`listDomains`). */
export async function domidsByName(hv: Hypervisor): Promise<Map<string, number>> {
  return new Map((await hv.listDomains()).map((d) => [d.name, d.domid]));
}

/**
 * `GET /saved-images`: every regular file of `dir` whose name is an image name (see the module
 * header), newest first. A missing directory is an empty list (`dirExists: false`).
 */
export async function listImages(
  dir: string,
  hv: Hypervisor,
  busy: ReadonlySet<string>,
): Promise<SavedImageList> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { dir, dirExists: false, images: [] };
    throw err;
  }
  const domids = await domidsByName(hv);
  const names = entries.filter((n) => savedImageNameSchema.safeParse(n).success);
  const images = await Promise.all(
    names.map((n) =>
      readImage(dir, n, domids, busy).catch((err) => {
        // Gone or not a regular file (a directory, a symlink) between readdir and lstat: skip it.
        if (err instanceof ApiError && err.code === 'SAVED_IMAGE_NOT_FOUND') return undefined;
        throw err;
      }),
    ),
  );
  return {
    dir,
    dirExists: true,
    images: images
      .filter((i): i is SavedImage => i !== undefined)
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt) || a.name.localeCompare(b.name)),
  };
}
