/**
 * The file side of `saveDomain` / `restoreDomain`, shared by both backends: which domains may be
 * saved, the checks on the state file's path, the hidden temporary file a save writes (so a
 * half-written image never carries its final name, and `xendomains`, whose restore globs
 * `$XENDOMAINS_SAVE/*`, never sees one), the once-a-second size poll that feeds a task's
 * progress, and the final link to the real name (never over an existing file).
 */
import { randomBytes } from 'node:crypto';
import { link, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { checkDomainState } from '@xendeck/api';
import { enforce } from './enforce.js';
import { HypervisorError } from './errors.js';
import type { DomainState } from './types.js';

/** How often a save's file size is polled for `onProgress`, ms. */
export const SAVE_PROGRESS_INTERVAL_MS = 1000;

/**
 * Refuses what `xl save` cannot save: dom0, and a domain that is not running, blocked or paused
 * (INVALID_STATE, `details` `{ domid, op: 'save', state }`), by `@xendeck/api`'s domain rules.
 */
export function checkSavable(domid: number, state: DomainState): void {
  enforce(checkDomainState('save', domid, state));
}

/**
 * Checks a save target: an absolute path without NUL, in an existing directory, that does not
 * exist yet. Throws INVALID_ARGUMENT (`details.exists` when the file is there).
 */
export async function checkSaveTarget(file: string): Promise<void> {
  if (typeof file !== 'string' || !isAbsolute(file) || file.includes('\0') || file.endsWith('/')) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `the state file must be an absolute file path, got ${JSON.stringify(file)}`,
      { file },
    );
  }
  const dir = await stat(dirname(file)).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new HypervisorError('INVALID_ARGUMENT', `directory ${dirname(file)} does not exist`, {
      file,
    });
  }
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  ) {
    throw new HypervisorError('INVALID_ARGUMENT', `${file} exists already: it is not overwritten`, {
      file,
      exists: true,
    });
  }
}

/** Absolute path of a restore source; INVALID_ARGUMENT otherwise. */
export function checkRestoreSource(file: string): void {
  if (typeof file !== 'string' || !isAbsolute(file) || file.includes('\0')) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `the state file must be an absolute path, got ${JSON.stringify(file)}`,
      { file },
    );
  }
}

/** The hidden file a save of `file` writes first: `<dir>/.<name>.saving-<8 hex>`. */
export function partialSavePath(file: string): string {
  return join(dirname(file), `.${basename(file)}.saving-${randomBytes(4).toString('hex')}`);
}

/** Names {@link partialSavePath} makes (a crash may leave one; the server removes old ones at start). */
export const PARTIAL_SAVE_NAME_PATTERN = /^\..+\.saving-[0-9a-f]{8}$/;

/**
 * Polls `path`'s size every {@link SAVE_PROGRESS_INTERVAL_MS} and hands it to `onProgress` (a
 * missing file counts as 0 bytes). Returns the function that stops the poll.
 */
export function pollFileSize(path: string, onProgress?: (bytes: number) => void): () => void {
  if (!onProgress) return () => {};
  const timer = setInterval(() => {
    stat(path).then(
      (s) => onProgress(s.size),
      () => onProgress(0),
    );
  }, SAVE_PROGRESS_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Gives a completed save its name: `link(partial, file)` (fails rather than replace a file that
 * appeared meanwhile), then removes the partial name. Returns the size in bytes. On EEXIST the
 * state stays at `partial` (the domain may be gone: its state must not be lost) and SAVE_FAILED
 * says where (`details.keptAt`).
 */
export async function commitSaveFile(partial: string, file: string): Promise<number> {
  try {
    await link(partial, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HypervisorError(
      'SAVE_FAILED',
      `the state was saved but cannot be named ${file} (${code}): it is kept at ${partial}`,
      { file, keptAt: partial },
    );
  }
  await unlink(partial);
  return (await stat(file)).size;
}

/** Removes a failed save's partial file (ignoring a file that is not there). */
export async function removePartialSave(partial: string): Promise<void> {
  await rm(partial, { force: true });
}

/**
 * How long `xl save` / `xl restore` may run before it is killed, ms: `baseMs` (the create
 * timeout) plus one second per MiB of the domain's memory (or of the image), so a hang is caught
 * while a big guest on a slow disk is not.
 */
export function saveRestoreTimeoutMs(baseMs: number, bytes: number): number {
  return baseMs + Math.ceil(bytes / (1024 * 1024)) * 1000;
}
