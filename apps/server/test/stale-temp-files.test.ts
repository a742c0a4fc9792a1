/** Orphaned temporary files are removed at start when old enough, and nothing else is. */
import {
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { tempPathFor } from '../src/configs/atomic.js';
import { removeStaleTempFiles, STALE_TEMP_AGE_MS } from '../src/stale-temp-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('removeStaleTempFiles', () => {
  it('removes old config, autostart and partial-save temp files; keeps young ones and real files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rb-stale-'));
    dirs.push(root);
    const configDir = join(root, 'xen');
    const autoDir = join(configDir, 'auto');
    const saveDir = join(root, 'save');
    mkdirSync(autoDir, { recursive: true });
    mkdirSync(saveDir);
    const now = Date.now();
    const old = (now - STALE_TEMP_AGE_MS - 60_000) / 1000;
    const put = (p: string, age: 'old' | 'young') => {
      writeFileSync(p, 'x');
      if (age === 'old') utimesSync(p, old, old);
      return p;
    };
    const oldCfgTemp = put(tempPathFor(join(configDir, 'web.cfg')), 'old');
    const youngCfgTemp = put(tempPathFor(join(configDir, 'db.cfg')), 'young');
    put(join(configDir, 'web.cfg'), 'old');
    put(join(configDir, '.hidden-by-hand'), 'old');
    const oldLink = tempPathFor(join(autoDir, 'web.cfg'));
    symlinkSync('../web.cfg', oldLink);
    lutimesSync(oldLink, old, old);
    const oldSave = put(join(saveDir, '.web.saving-0badc0de'), 'old');
    put(join(saveDir, 'web'), 'old');
    put(join(saveDir, '.web.restored-20261130T164512Z'), 'old');

    const removed = await removeStaleTempFiles(
      { configDir, autoDir, saveDir },
      pino({ level: 'silent' }),
      now,
    );
    expect(removed.sort()).toEqual([oldCfgTemp, oldLink, oldSave].sort());
    expect(readdirSync(configDir).sort()).toEqual(
      ['.hidden-by-hand', 'auto', 'web.cfg', youngCfgTemp.slice(configDir.length + 1)].sort(),
    );
    expect(readdirSync(saveDir).sort()).toEqual(['.web.restored-20261130T164512Z', 'web']);
    // A missing directory is no error.
    expect(
      await removeStaleTempFiles(
        { configDir: join(root, 'none'), autoDir: join(root, 'none2'), saveDir },
        pino({ level: 'silent' }),
      ),
    ).toEqual([]);
  });
});
