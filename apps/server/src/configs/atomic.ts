/**
 * Atomic replacement and exclusive creation of a file, for the config editor.
 *
 * Not `write-file-atomic`: it resolves symlinks of the target (we refuse them instead), names its
 * temp file `<file>.<hash>`, does not fsync the directory, and offers no hook between "temp file
 * durable" and "rename", where the editor re-checks that nobody changed the file meanwhile.
 *
 * Steps: create `<dir>/.<base>.xendeck-<random>` with O_EXCL, write, chown/chmod, fsync, close;
 * run `beforeCommit` (may throw to abort); `rename` over the target (replace) or `link` to it
 * (create, fails with EEXIST when the target exists — never overwrites); fsync the directory.
 * On any failure before the commit the temp file is removed and the target is left as it was. A
 * failed directory fsync after the commit does not throw (the new file is in place; the caller
 * must still record it, e.g. in the history): it goes to `onDirSyncError`.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';

/** The filesystem calls that commit a write; replaceable in tests to simulate failures. */
export interface CommitOps {
  rename: (from: string, to: string) => Promise<void>;
  link: (existing: string, newPath: string) => Promise<void>;
  /** fsync of the directory after the commit ({@link syncDir} when absent). */
  syncDir?: (dir: string) => Promise<void>;
}

export const realCommitOps: CommitOps = { rename: fsp.rename, link: fsp.link, syncDir };

export interface AtomicWriteOptions {
  /** `replace` renames over an existing target; `create` refuses (EEXIST) when it exists. */
  mode: 'replace' | 'create';
  /** Permission bits of the new file (e.g. the original's, or 0o644). */
  fileMode: number;
  /** Owner of the new file; unset = the process's (root on dom0). */
  uid?: number;
  gid?: number;
  /** Runs after the temp file is durable and just before the commit; throwing aborts the write. */
  beforeCommit?: () => Promise<void>;
  ops?: CommitOps;
  /**
   * Told when the directory fsync after the commit fails (the file is replaced or created, but
   * the change might not survive a power loss); callers log it as a warning.
   */
  onDirSyncError?: (err: unknown) => void;
}

/** Temp file name beside `path`: `.<base>.xendeck-<16 hex>` (hidden, never `*.cfg`). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.xendeck-${randomBytes(8).toString('hex')}`);
}

/** Names {@link tempPathFor} makes (a crash may leave one: stale-temp-files.ts removes them). */
export const TEMP_NAME_PATTERN = /^\..+\.xendeck-[0-9a-f]{16}$/;

/**
 * Writes `data` to `path` atomically (see the module comment). Throws the fs error of the failed
 * step before the commit (EEXIST from `create` when the target exists), or whatever
 * `beforeCommit` threw; never after the commit (see `onDirSyncError`).
 */
export async function atomicWriteFile(
  path: string,
  data: Uint8Array,
  opts: AtomicWriteOptions,
): Promise<void> {
  const ops = opts.ops ?? realCommitOps;
  const tmp = tempPathFor(path);
  let created = false;
  try {
    const fh = await fsp.open(tmp, 'wx', opts.fileMode);
    created = true;
    try {
      await fh.writeFile(data);
      if (opts.uid !== undefined && opts.gid !== undefined) await fh.chown(opts.uid, opts.gid);
      await fh.chmod(opts.fileMode); // the umask may have narrowed the mode given to open
      await fh.sync();
    } finally {
      await fh.close();
    }
    await opts.beforeCommit?.();
    if (opts.mode === 'replace') {
      await ops.rename(tmp, path);
      created = false;
    } else {
      await ops.link(tmp, path);
      await fsp.unlink(tmp);
      created = false;
    }
  } finally {
    if (created) await fsp.unlink(tmp).catch(() => {});
  }
  try {
    await (ops.syncDir ?? syncDir)(dirname(path));
  } catch (err) {
    opts.onDirSyncError?.(err);
  }
}

/** The warning for {@link AtomicWriteOptions.onDirSyncError}: the write happened, its durability is uncertain. */
export function logDirSyncFailure(logger: Logger, err: unknown, path: string): void {
  logger.warn(
    { err, path },
    'the directory fsync after writing this file failed: the new file is in place but might not survive a power loss',
  );
}

/** fsyncs a directory so a rename or link in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
