/**
 * The ISO library's directory (`config.isoDir`): preparing it at start (created 0755 when missing,
 * stale upload temp files removed, seeded with one small image next to the simulated host), and
 * reading what is in it. Only regular files whose names pass `isoNameProblem` (@xendeck/api) are
 * ISOs: an upload's temporary file (`.upload-<hex>.part`, see upload.ts), a symlink or a
 * subdirectory is never listed, never deleted through the API.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { isoNameProblem } from '@xendeck/api';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';

/** Names of upload temp files: hidden, never ending `.iso` (so nothing half-written looks like an ISO). */
export const UPLOAD_TEMP_PATTERN = /^\.upload-[0-9a-f]+\.part$/;

/** Name of the image seeded into the simulated host's ISO dir. */
export const SIM_SEED_ISO = 'xendeck-demo-installer.iso';

/** ISO9660 logical sector size, bytes. */
const SECTOR_BYTES = 2048;

/**
 * A tiny ISO9660 image (18 sectors, 36 KiB): 16 empty system-area sectors, a primary volume
 * descriptor (type 1, `CD001` at byte 0x8001) and the set terminator (type 255). Enough for
 * `file(1)` and `blkid` to call it an ISO 9660 filesystem; it boots nothing.
 */
export function tinyIsoImage(volumeId = 'XENDECK_DEMO'): Buffer {
  const img = Buffer.alloc(18 * SECTOR_BYTES);
  const pvd = 16 * SECTOR_BYTES;
  img[pvd] = 1;
  img.write('CD001', pvd + 1, 'ascii');
  img[pvd + 6] = 1;
  img.write(volumeId.padEnd(32, ' ').slice(0, 32), pvd + 40, 'ascii');
  // Volume space size (both-endian 32-bit): 18 sectors; logical block size (both-endian 16-bit).
  img.writeUInt32LE(18, pvd + 80);
  img.writeUInt32BE(18, pvd + 84);
  img.writeUInt16LE(SECTOR_BYTES, pvd + 128);
  img.writeUInt16BE(SECTOR_BYTES, pvd + 130);
  const term = 17 * SECTOR_BYTES;
  img[term] = 255;
  img.write('CD001', term + 1, 'ascii');
  img[term + 6] = 1;
  return img;
}

/**
 * Prepares `config.isoDir` at start (synchronously, like the database): creates it with mode 0755
 * when missing (and, when it is the simulated backend's default dir, writes {@link SIM_SEED_ISO}
 * into it),
 * and removes every `.upload-*.part` left by an upload that a crash interrupted. Never throws: a
 * directory that cannot be created or read is logged at error (listing and uploads then fail
 * with the fs error).
 */
export function prepareIsoDir(
  config: Pick<Config, 'isoDir' | 'simulatedIsoDir'>,
  logger: Logger,
): void {
  const dir = config.isoDir;
  try {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      chmodSync(dir, 0o755); // the umask may have taken bits away
      logger.info({ dir }, 'created the ISO library directory');
      if (config.simulatedIsoDir) {
        writeFileSync(join(dir, SIM_SEED_ISO), tinyIsoImage(), { mode: 0o644 });
      }
    }
    for (const name of readdirSync(dir)) {
      if (!UPLOAD_TEMP_PATTERN.test(name)) continue;
      unlinkSync(join(dir, name));
      logger.warn({ dir, file: name }, 'removed a stale upload temp file');
    }
  } catch (err) {
    logger.error({ err, dir }, 'cannot prepare the ISO library directory (XENDECK_ISO_DIR)');
  }
}

/** One ISO file as `stat` sees it. `mtimeMs` is whole milliseconds since the epoch. */
export interface IsoFile {
  name: string;
  sizeBytes: number;
  mtimeMs: number;
}

/**
 * ISO_LIBRARY_MISSING (503) for `dir`, when an fs call on it failed with ENOENT (the directory was
 * removed after start, or could not be created: `prepareIsoDir` logged why); `err` otherwise.
 */
function libraryError(dir: string, err: unknown): unknown {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return err;
  return new ApiError(
    'ISO_LIBRARY_MISSING',
    `The ISO library directory ${dir} does not exist (XENDECK_ISO_DIR): create it, or restart Xendeck to create it`,
    { directory: dir },
  );
}

/**
 * The ISOs in `dir` by name (byte order): regular files (lstat, symlinks skipped) with a valid
 * ISO name. A file removed between readdir and lstat is skipped. Throws ISO_LIBRARY_MISSING when
 * `dir` does not exist, and the fs error when it cannot be read.
 */
export async function readIsoFiles(dir: string): Promise<IsoFile[]> {
  const entries = await readdir(dir).catch((err: unknown) => {
    throw libraryError(dir, err);
  });
  const names = entries.filter((n) => isoNameProblem(n) === undefined).sort();
  const files: IsoFile[] = [];
  for (const name of names) {
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (!st?.isFile()) continue;
    files.push({ name, sizeBytes: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
  }
  return files;
}

/** One file, or undefined when `name` is not a regular file in `dir`. */
export async function readIsoFile(dir: string, name: string): Promise<IsoFile | undefined> {
  const st = await lstat(join(dir, name)).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  return { name, sizeBytes: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
}

/**
 * Bytes an unprivileged writer may still put in `dir`'s filesystem: `statfs` bavail × bsize.
 * Throws ISO_LIBRARY_MISSING when `dir` does not exist.
 */
export async function statfsFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir).catch((err: unknown) => {
    throw libraryError(dir, err);
  });
  return s.bavail * s.bsize;
}
