/**
 * Creating a new config file `<configDir>/<name>.cfg` from an xl-config model, for
 * `POST /api/v1/configs` and the `guest.create` task (`POST /api/v1/guests`): the text is
 * xl-config's `newConfigText` (a "created by Xendeck" comment line, then `formatXlConfig`), read
 * back with the xl-config parser before anything is written (it must give the same model, with no
 * error), written with an exclusive atomic create (never overwrites: 409 CONFIG_EXISTS) and kept
 * in the history (reason `create`). Also the undo of a creation: {@link removeCreatedConfigFile}.
 */
import { lstat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  type DomainConfig,
  newConfigText,
  parseXlConfig,
  toDomainConfig,
} from '@xendeck/xl-config';
import type { Logger } from 'pino';
import { ApiError } from '../errors.js';
import { atomicWriteFile, type CommitOps, logDirSyncFailure, syncDir } from './atomic.js';
import { configFilePath, etagOf, type KeyedLock, readConfigFile } from './files.js';
import type { ConfigHistory } from './history.js';

/** What {@link createConfigFile} needs from its caller. */
export interface CreateConfigFileOptions {
  /** The config directory (XENDECK_CONFIG_DIR). */
  configDir: string;
  /** Domain and file name, already valid (`domainNameSchema`); `model.name` should equal it. */
  name: string;
  /** The settings to write. */
  model: DomainConfig;
  /** Username for the header comment and the history. */
  user: string;
  /** Clock for the header comment, ms since the epoch. */
  now: () => number;
  history: ConfigHistory;
  logger: Logger;
  /** Serialises the write with other writes of the same path (the config routes' lock). */
  lock?: KeyedLock;
  /** Replaces the link that commits the file (tests simulate failures with it). */
  commitOps?: CommitOps;
}

/** A file {@link createConfigFile} wrote. */
export interface CreatedConfigFile {
  name: string;
  /** `<configDir>/<name>.cfg`. */
  path: string;
  /** The exact text written. */
  text: string;
  /** ETag of its bytes (`"sha256:<hex>"`). */
  etag: string;
  /** Its history entry (reason `create`). */
  versionId: number;
}

/**
 * Writes `<configDir>/<name>.cfg` for `model` (see the module comment) and records it in the
 * history. Throws ApiError INVALID_INPUT (422) when formatXlConfig cannot write a value,
 * INTERNAL (500) when the text does not read back as `model` (logged; nothing written),
 * CONFIG_EXISTS (409) when the path exists (a file, a symlink, anything), or the fs error.
 */
export async function createConfigFile(opts: CreateConfigFileOptions): Promise<CreatedConfigFile> {
  const { model } = opts;
  let text: string;
  try {
    text = newConfigText(model, { user: opts.user, createdAt: new Date(opts.now()) });
  } catch (err) {
    throw new ApiError(
      'INVALID_INPUT',
      `Cannot write this model as an xl config: ${(err as Error).message}`,
      { where: 'body' },
    );
  }
  const back = toDomainConfig(parseXlConfig(text));
  if (back.errors.length || !isDeepStrictEqual(back.config, model)) {
    opts.logger.error(
      { model, readBack: back.config, errors: back.errors },
      'generated config does not read back as its model',
    );
    throw new ApiError(
      'INTERNAL',
      'The generated config file did not read back as the same settings; nothing was written (the server log has both)',
    );
  }
  return writeNewConfigText({ ...opts, text });
}

/** What {@link writeNewConfigText} needs from its caller. */
export type NewConfigTextOptions = Pick<
  CreateConfigFileOptions,
  'configDir' | 'name' | 'user' | 'history' | 'lock' | 'commitOps' | 'logger'
> & {
  /** The exact text of the new file. */
  text: string;
};

/**
 * Writes `text` as a new `<configDir>/<name>.cfg` (atomic, never over anything: a file, a
 * symlink, anything at the path) and records it in the history (reason `create`). What
 * {@link createConfigFile} does after building its text, and what a clone writes (the source's text
 * edited losslessly). Undo with {@link removeCreatedConfigFile}. Throws ApiError CONFIG_EXISTS
 * (409) when the path exists, or the fs error.
 */
export async function writeNewConfigText(opts: NewConfigTextOptions): Promise<CreatedConfigFile> {
  const { name, text } = opts;
  const path = configFilePath(opts.configDir, name);
  const bytes = Buffer.from(text, 'utf8');
  const etag = etagOf(bytes);
  const existsError = () =>
    new ApiError(
      'CONFIG_EXISTS',
      `${path} already exists; Xendeck never overwrites a config file on create (edit it instead)`,
      { path },
    );
  const write = async (): Promise<number> => {
    const exists = await lstat(path).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    if (exists) throw existsError();
    try {
      await atomicWriteFile(path, bytes, {
        mode: 'create',
        fileMode: 0o644,
        ops: opts.commitOps,
        onDirSyncError: (err) => logDirSyncFailure(opts.logger, err, path),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError();
      throw err;
    }
    return opts.history.add(name, 'create', opts.user, text, bytes);
  };
  const versionId = await (opts.lock ? opts.lock.run(path, write) : write());
  return { name, path, text, etag, versionId };
}

/**
 * Undoes {@link createConfigFile}: removes the file when it still holds exactly the bytes written
 * (its text stays in the history, so nothing is lost), so no config is left naming a disk that the
 * same undo removes, and the name is free for another try. A file changed since (someone edited
 * it) is left alone: throws ApiError CONFIG_CHANGED (409) saying so. A file already gone is fine.
 * Throws the fs error of reading or unlinking.
 */
export async function removeCreatedConfigFile(
  configDir: string,
  created: CreatedConfigFile,
  lock?: KeyedLock,
): Promise<void> {
  const remove = async () => {
    let etag: string;
    try {
      etag = (await readConfigFile(configDir, created.name)).etag;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CONFIG_NOT_FOUND') return;
      throw err;
    }
    if (etag !== created.etag) {
      throw new ApiError(
        'CONFIG_CHANGED',
        `${created.path} changed since Xendeck wrote it (ETag ${etag}), so it was left in place`,
        { path: created.path, currentEtag: etag },
      );
    }
    await unlink(created.path);
    await syncDir(dirname(created.path));
  };
  await (lock ? lock.run(created.path, remove) : remove());
}
