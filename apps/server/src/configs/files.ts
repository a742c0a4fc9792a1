/**
 * Reading config files byte-exactly, their ETags, and a per-file lock. A config file is
 * `<configDir>/<name>.cfg` for a name already validated with domainNameSchema; it must be a
 * regular file (a symlink is refused, never followed), at most {@link CONFIG_MAX_BYTES}, and valid
 * UTF-8 (decoded with a fatal decoder, so no byte is ever replaced).
 */
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_MAX_BYTES } from '@xendeck/api';
import { ApiError } from '../errors.js';

/** Full SHA-256 of `bytes`, hex (64 chars): what the history table stores. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** ETag of a SHA-256 hex digest: its first 32 hex chars, double-quoted. */
export function etagOfSha(sha: string): string {
  return `"${sha.slice(0, 32)}"`;
}

/** ETag of exact bytes. */
export function etagOf(bytes: Uint8Array): string {
  return etagOfSha(sha256Hex(bytes));
}

/** `<configDir>/<name>.cfg`. `name` must already be a valid domain name. */
export function configFilePath(configDir: string, name: string): string {
  return join(configDir, `${name}.cfg`);
}

/** A config file as read from disk. */
export interface ConfigFile {
  path: string;
  bytes: Buffer;
  text: string;
  etag: string;
  stat: Stats;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes as strict UTF-8. Throws ApiError CONFIG_NOT_UTF8 (422) naming the file and the
 * offset of the first bad byte.
 */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    // ignoreBOM keeps a leading BOM in the text, so text → bytes gives the same bytes back.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    let bad = 0;
    for (let end = 1; end <= bytes.length; end++) {
      try {
        utf8.decode(bytes.subarray(0, end), { stream: true });
      } catch {
        bad = end - 1;
        break;
      }
    }
    throw new ApiError(
      'CONFIG_NOT_UTF8',
      `${path} is not valid UTF-8 (first bad byte near offset ${bad}); Xendeck edits only UTF-8 files, so it will not show or change this one — convert it on dom0 (e.g. iconv -f latin1 -t utf-8)`,
      { path, offset: bad },
    );
  }
}

/**
 * Reads `<configDir>/<name>.cfg` exactly. Throws ApiError CONFIG_NOT_FOUND (404) when absent,
 * CONFIG_NOT_REGULAR (422) for a symlink or anything but a regular file, CONFIG_TOO_LARGE (422)
 * above 1 MiB, CONFIG_NOT_UTF8 (422) for bytes that are not UTF-8.
 */
export async function readConfigFile(configDir: string, name: string): Promise<ConfigFile> {
  const path = configFilePath(configDir, name);
  let l: Stats;
  try {
    l = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ApiError('CONFIG_NOT_FOUND', `No domain config file ${path}`, { path });
    }
    throw err;
  }
  if (!l.isFile()) {
    const what = l.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
    throw new ApiError(
      'CONFIG_NOT_REGULAR',
      `${path} is ${what}; Xendeck reads and writes only regular files in the config dir (it never follows links)`,
      { path },
    );
  }
  // O_NOFOLLOW: if the file was swapped for a link since lstat, open fails with ELOOP.
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new ApiError('CONFIG_NOT_REGULAR', `${path} became a symbolic link; refusing it`, {
        path,
      });
    }
    if (code === 'ENOENT') {
      throw new ApiError('CONFIG_NOT_FOUND', `No domain config file ${path}`, { path });
    }
    throw err;
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) {
      throw new ApiError('CONFIG_NOT_REGULAR', `${path} is not a regular file`, { path });
    }
    if (stat.size > CONFIG_MAX_BYTES) {
      throw new ApiError(
        'CONFIG_TOO_LARGE',
        `${path} is ${stat.size} bytes; Xendeck edits config files of at most ${CONFIG_MAX_BYTES} bytes (1 MiB)`,
        { path, sizeBytes: stat.size, maxBytes: CONFIG_MAX_BYTES },
      );
    }
    // Read at most one byte past the limit, in case the file grew since fstat.
    const buf = Buffer.alloc(CONFIG_MAX_BYTES + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > CONFIG_MAX_BYTES) {
      throw new ApiError(
        'CONFIG_TOO_LARGE',
        `${path} is over ${CONFIG_MAX_BYTES} bytes (1 MiB), the most Xendeck edits`,
        { path, maxBytes: CONFIG_MAX_BYTES },
      );
    }
    const bytes = Buffer.from(buf.subarray(0, n));
    const text = decodeUtf8(bytes, path);
    return { path, bytes, text, etag: etagOf(bytes), stat };
  } finally {
    await fh.close();
  }
}

/** Serialises async work per key (one config file), in this process. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier `run` for `key` has settled; returns its result. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
