/**
 * Image files: the second kind of guest storage next to logical volumes — regular files in one
 * directory (`/var/lib/xen/images` by default) that `file:` disks name. This module owns listing
 * them, creating a sparse raw image (never over an existing name) and removing one, with the
 * file-name rule written once ({@link validateImageFileName}).
 *
 * Only regular files whose names pass the rule are listed or touched: a symlink, a directory or a
 * hidden file in the directory is left alone (never followed, never removed). Whether a config or
 * a domain uses a file is not known here: the caller checks that first (the server's used-by index).
 * Errors are {@link StorageError}s (INVALID_NAME, INVALID_SIZE, IMAGE_NOT_FOUND, IMAGE_EXISTS,
 * NO_SPACE); other I/O failures are thrown as the Node error they are.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_FILE_NAME_CHARS, IMAGE_FILE_NAME_MAX_LENGTH } from '@xendeck/api';
import { StorageError } from './errors.js';
import { validateSizeBytes } from './names.js';

/** Longest image file name, characters (= bytes: only ASCII is allowed). */
export const IMAGE_FILE_NAME_MAX = IMAGE_FILE_NAME_MAX_LENGTH;

/**
 * Checks an image file name: 1–255 of `A-Z a-z 0-9 . _ + -`, not starting with `.` (no hidden
 * files, no `.`/`..`) nor `-` (never read as an option); so never a `/`. Returns it; throws
 * INVALID_NAME. (`imageFileNameSchema` of `@xendeck/api` states the same rule for the web.)
 */
export function validateImageFileName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StorageError('INVALID_NAME', 'Image file name is empty', { name });
  }
  if (name.length > IMAGE_FILE_NAME_MAX) {
    throw new StorageError(
      'INVALID_NAME',
      `Image file name is ${name.length} characters long; at most ${IMAGE_FILE_NAME_MAX} are allowed`,
      { name },
    );
  }
  if (!IMAGE_FILE_NAME_CHARS.test(name)) {
    throw new StorageError(
      'INVALID_NAME',
      `Image file name "${name}" has a character that is not allowed (only A-Z a-z 0-9 . _ + -)`,
      { name },
    );
  }
  if (name.startsWith('.') || name.startsWith('-')) {
    throw new StorageError('INVALID_NAME', `Image file name "${name}" starts with "${name[0]}"`, {
      name,
    });
  }
  return name;
}

/** An image file (lstat of `<dir>/<name>`). */
export interface ImageFileInfo {
  name: string;
  /** `<dir>/<name>`, what a `file:` disk names. */
  path: string;
  /** Apparent size in bytes (st_size): what the guest sees. */
  sizeBytes: number;
  /** Bytes really allocated on the filesystem (st_blocks × 512): less than `sizeBytes` when sparse. */
  allocatedBytes: number;
  /** Last modification (st_mtime). */
  modified: Date;
}

function infoOf(
  dir: string,
  name: string,
  st: { size: number; blocks: number; mtime: Date },
): ImageFileInfo {
  return {
    name,
    path: join(dir, name),
    sizeBytes: st.size,
    allocatedBytes: st.blocks * 512,
    modified: st.mtime,
  };
}

/**
 * The image files in `dir`, by name: regular files with a valid name (symlinks, directories and
 * hidden files are not listed). A missing `dir` lists nothing. Throws the Node error of `readdir`
 * otherwise (EACCES, ENOTDIR).
 */
export async function listImageFiles(dir: string): Promise<ImageFileInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ImageFileInfo[] = [];
  for (const name of names.sort()) {
    try {
      validateImageFileName(name);
    } catch {
      continue;
    }
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (st?.isFile()) out.push(infoOf(dir, name, st));
  }
  return out;
}

/** One image file. Throws INVALID_NAME, IMAGE_NOT_FOUND (missing, or not a regular file). */
export async function imageFile(dir: string, name: string): Promise<ImageFileInfo> {
  validateImageFileName(name);
  const path = join(dir, name);
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) throw new StorageError('IMAGE_NOT_FOUND', `No image file ${path}`, { name, path });
  if (!st.isFile()) {
    throw new StorageError(
      'IMAGE_NOT_FOUND',
      `${path} is not a regular file (a symlink, directory or device is left alone)`,
      { name, path },
    );
  }
  return infoOf(dir, name, st);
}

/**
 * Creates `<dir>/<name>` as a sparse raw image of `sizeBytes` (O_CREAT|O_EXCL, mode 0600, then
 * ftruncate and fsync; nothing allocated until the guest writes), creating `dir` (0755) when
 * missing. Never overwrites: an existing entry of that name, even a dangling symlink, gives
 * IMAGE_EXISTS. If sizing fails the new file is removed again (it is ours: O_EXCL made it).
 * Throws INVALID_NAME, INVALID_SIZE, IMAGE_EXISTS, NO_SPACE (ENOSPC, or EFBIG: larger than the
 * filesystem allows), or the Node error.
 */
export async function createImageFile(
  dir: string,
  name: string,
  sizeBytes: number,
): Promise<ImageFileInfo> {
  validateImageFileName(name);
  validateSizeBytes(sizeBytes);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const path = join(dir, name);
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new StorageError('IMAGE_EXISTS', `${path} already exists; it is never overwritten`, {
        name,
        path,
      });
    }
    throw err;
  }
  try {
    await fh.truncate(sizeBytes);
    await fh.sync();
    const st = await fh.stat();
    await fh.close();
    return infoOf(dir, name, st);
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(path).catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EFBIG' || code === 'EINVAL') {
      throw new StorageError(
        'NO_SPACE',
        `Cannot make ${path} ${sizeBytes} bytes long: ${(err as Error).message}`,
        { requestedBytes: sizeBytes, path },
      );
    }
    throw err;
  }
}

/**
 * Removes the regular file `<dir>/<name>` (unlink). Throws INVALID_NAME, IMAGE_NOT_FOUND (missing
 * or not a regular file), or the Node error. The caller has checked that nobody uses it.
 */
export async function removeImageFile(dir: string, name: string): Promise<void> {
  const info = await imageFile(dir, name);
  await unlink(info.path);
}
