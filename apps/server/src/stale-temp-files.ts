/**
 * Removes, at start, the temporary files a crash (or a kill -9) left half-written, so they do not
 * pile up in /etc/xen or the save directory forever: config editor and autostart temp names
 * (`.<name>.cfg.xendeck-<16 hex>`, configs/atomic.ts `TEMP_NAME_PATTERN`, in the config and auto
 * directories) and partial saved images (`.<domain>.saving-<8 hex>`, @xendeck/hypervisor
 * `PARTIAL_SAVE_NAME_PATTERN`, in the save directory). Only entries older than
 * {@link STALE_TEMP_AGE_MS} (by lstat mtime: an `xl save` that outlived a crashed server still
 * grows its file) are removed, never followed (a symlink is removed as a link). ISO upload temp
 * files are removed by isos/library.ts `prepareIsoDir`. Never throws: failures are logged.
 */
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PARTIAL_SAVE_NAME_PATTERN } from '@xendeck/hypervisor';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { TEMP_NAME_PATTERN } from './configs/atomic.js';

/** A temporary file older than this is an orphan (no write takes that long between changes), ms. */
export const STALE_TEMP_AGE_MS = 5 * 60_000;

/**
 * Removes the stale temporary files (see the module comment) of `config`'s directories; resolves
 * with the paths removed. A missing directory is skipped.
 */
export async function removeStaleTempFiles(
  config: Pick<Config, 'configDir' | 'autoDir' | 'saveDir'>,
  logger: Logger,
  now: number = Date.now(),
): Promise<string[]> {
  const places: [string, RegExp][] = [
    [config.configDir, TEMP_NAME_PATTERN],
    [config.autoDir, TEMP_NAME_PATTERN],
    [config.saveDir, PARTIAL_SAVE_NAME_PATTERN],
  ];
  const removed: string[] = [];
  for (const [dir, pattern] of places) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn({ err, dir }, 'cannot read a directory to remove stale temporary files');
      }
      continue;
    }
    for (const name of names) {
      if (!pattern.test(name)) continue;
      const path = join(dir, name);
      try {
        const st = await lstat(path);
        if (st.isDirectory() || now - st.mtimeMs < STALE_TEMP_AGE_MS) continue;
        await unlink(path);
        removed.push(path);
        logger.warn({ path, sizeBytes: st.size }, 'removed a stale temporary file left by a crash');
      } catch (err) {
        logger.warn({ err, path }, 'cannot remove a stale temporary file');
      }
    }
  }
  return removed;
}
