import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageError, type StorageError } from '../src/errors.js';
import { type LvmRunResult, openLvmStorage, spawnLvmRunner } from '../src/lvm-storage.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const REPORT = ['--reportformat', 'json', '--units', 'b', '--nosuffix', '-o'];

/** A runner answering reports from the fixtures (lvm2 2.03.16 text) and recording every call. */
function scripted(answers: Record<string, (args: string[]) => LvmRunResult> = {}) {
  const calls: { command: string; args: string[] }[] = [];
  const ok = (stdout: string): LvmRunResult => ({ exitCode: 0, stdout, stderr: '' });
  const storage = openLvmStorage({
    runner: async (command, args) => {
      calls.push({ command, args });
      const answer = answers[command];
      if (answer) return answer(args);
      if (command === 'vgs') {
        return args.at(-1) === 'vg0' || args.at(-1)?.includes(',')
          ? ok(fixture('vgs-2.03.16.txt'))
          : { exitCode: 5, stdout: '', stderr: `  Volume group "${args.at(-1)}" not found\n` };
      }
      if (command === 'pvs') return ok(fixture('pvs-2.03.16.txt'));
      if (command === 'lvs') return ok(fixture('lvs-2.03.16.txt'));
      return ok('');
    },
  });
  return {
    storage,
    calls,
    changes: () => calls.filter((c) => !['vgs', 'pvs', 'lvs'].includes(c.command)),
  };
}

async function caught(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    if (isStorageError(e)) return e;
    throw e;
  }
  throw new Error('expected a StorageError');
}

describe('LVM backend over a scripted runner', () => {
  it('reads volume groups with their own PVs, in bytes', async () => {
    const { storage, calls } = scripted();
    expect(await storage.volumeGroups()).toEqual([
      {
        name: 'vg0',
        sizeBytes: 8585740288,
        freeBytes: 7243563008,
        extentSizeBytes: 4194304,
        physicalVolumes: [{ name: '/dev/vdb', sizeBytes: 8585740288, freeBytes: 7243563008 }],
      },
    ]);
    expect(calls).toContainEqual({
      command: 'vgs',
      args: [...REPORT, 'vg_name,vg_size,vg_free,vg_extent_size'],
    });
  });

  it('reads logical volumes: path, attr positions, origin, tags', async () => {
    const { storage, calls } = scripted();
    const lvs = await storage.logicalVolumes('vg0');
    expect(lvs.map((l) => l.name)).toEqual(['guest1', 'guest1-snap', 'odd']);
    expect(lvs[0]).toEqual({
      name: 'guest1',
      vg: 'vg0',
      path: '/dev/vg0/guest1',
      sizeBytes: 1073741824,
      attr: 'owi-aos---',
      origin: null,
      open: true,
      active: true,
      tags: ['xendeck', 'owner=web1'],
    });
    expect(lvs[1]).toMatchObject({ origin: 'guest1', open: false, active: true });
    expect(lvs[2]).toMatchObject({ open: false, active: false, tags: ['x', '}y', ']z'] });
    expect(calls.at(-1)).toEqual({
      command: 'lvs',
      args: [...REPORT, 'lv_name,vg_name,lv_size,lv_attr,origin,lv_tags', 'vg0'],
    });
  });

  it('reads the json_std form too (numbers as numbers, tags as an array)', async () => {
    const stdout =
      '{"report":[{"lv":[{"lv_name":"n","vg_name":"vg0","lv_size":8388608,"lv_attr":"-wi-a-----","origin":"","lv_tags":["a","b"]}]}]}';
    const { storage } = scripted({ lvs: () => ({ exitCode: 0, stdout, stderr: '' }) });
    expect(await storage.logicalVolumes('vg0')).toMatchObject([
      { name: 'n', sizeBytes: 8388608, tags: ['a', 'b'], open: false, active: true },
    ]);
  });

  it('creates with Proxmox-style flags and the size rounded up to extents, in bytes', async () => {
    const { storage, changes } = scripted();
    // The fixture has no such LV, so the re-read after lvcreate fails: only the command matters.
    await storage
      .createVolume('vg0', 'xdtest-a', 2 * 4194304 + 1, { tags: ['xendeck'] })
      .catch(() => {});
    expect(changes()).toEqual([
      {
        command: 'lvcreate',
        args: [
          '--yes',
          '--wipesignatures',
          'y',
          '-L',
          '12582912b',
          '-n',
          'xdtest-a',
          '--addtag',
          'xendeck',
          'vg0',
        ],
      },
    ]);
  });

  it('grows with lvextend -L <bytes>b, snapshots with lvcreate -s, and refuses a shrink', async () => {
    const { storage, changes } = scripted();
    await storage.growVolume('vg0', 'odd', 3 * 4194304 - 5);
    await storage.snapshotVolume('vg0', 'odd', 'odd-s', 1).catch(() => {});
    expect(changes()).toEqual([
      { command: 'lvextend', args: ['-L', '12582912b', 'vg0/odd'] },
      { command: 'lvcreate', args: ['--yes', '-s', '-L', '4194304b', '-n', 'odd-s', 'vg0/odd'] },
    ]);
    const e = await caught(storage.growVolume('vg0', 'guest1', 1024));
    expect(e.code).toBe('INVALID_SIZE');
    expect(changes()).toHaveLength(2);
  });

  it('refuses to remove an open volume or an origin, naming the reason, and runs nothing', async () => {
    const { storage, changes } = scripted();
    const open = await caught(storage.removeVolume('vg0', 'guest1'));
    expect(open.code).toBe('VOLUME_IN_USE');
    expect(open.message).toContain('is open');
    const { storage: s2 } = scripted({
      lvs: () => ({
        exitCode: 0,
        stderr: '',
        stdout: fixture('lvs-2.03.16.txt').replace('owi-aos---', 'owi-a-s---'),
      }),
    });
    const origin = await caught(s2.removeVolume('vg0', 'guest1'));
    expect(origin.code).toBe('VOLUME_IN_USE');
    expect(origin.message).toContain('guest1-snap');
    expect(changes()).toEqual([]);
    await storage.removeVolume('vg0', 'odd');
    expect(changes()).toEqual([{ command: 'lvremove', args: ['-f', 'vg0/odd'] }]);
  });

  it('passes LVM refusals on with their own text and a code where recognisable', async () => {
    const stderr = '  Logical volume vg0/odd in use.\n';
    const { storage } = scripted({ lvremove: () => ({ exitCode: 5, stdout: '', stderr }) });
    const e = await caught(storage.removeVolume('vg0', 'odd'));
    expect(e.code).toBe('VOLUME_IN_USE');
    expect(e.message).toBe('Logical volume vg0/odd in use.');
    expect(e.details).toMatchObject({ command: 'lvremove', exitCode: 5, stderr });
    const weird = '  Internal error: something new.\n';
    const { storage: s2 } = scripted({
      lvextend: () => ({ exitCode: 5, stdout: '', stderr: weird }),
    });
    const e2 = await caught(s2.growVolume('vg0', 'odd', 8 * 4194304));
    expect(e2.code).toBe('LVM_ERROR');
    expect(e2.message).toBe('Internal error: something new.');
  });

  it('maps an unknown group, and checks names before running anything', async () => {
    const { storage, calls } = scripted();
    expect((await caught(storage.logicalVolumes('vg9'))).code).toBe('VG_NOT_FOUND');
    const before = calls.length;
    expect((await caught(storage.createVolume('vg0', '--help', 1))).code).toBe('INVALID_NAME');
    expect((await caught(storage.removeVolume('-vg0', 'x'))).code).toBe('INVALID_NAME');
    expect((await caught(storage.createVolume('vg0', 'x', 0))).code).toBe('INVALID_SIZE');
    expect((await caught(storage.createVolume('vg0', 'guest1', 1))).code).toBe('LV_EXISTS');
    expect((await caught(storage.createVolume('vg0', 'big', 7243563008 + 1))).code).toBe(
      'NO_SPACE',
    );
    expect(calls.slice(before).every((c) => ['vgs', 'pvs', 'lvs'].includes(c.command))).toBe(true);
  });
});

describe('spawnLvmRunner', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xendeck-storage-'));
    // Fake lvm binaries: `lvs` prints its arguments and environment; `vgs` hangs.
    await writeFile(
      join(dir, 'lvs'),
      '#!/bin/sh\nfor a in "$@"; do printf "arg=%s\\n" "$a"; done\nenv | sort\necho oops >&2\nexit 3\n',
    );
    await writeFile(join(dir, 'vgs'), '#!/bin/sh\nexec sleep 10\n');
    await chmod(join(dir, 'lvs'), 0o755);
    await chmod(join(dir, 'vgs'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes arguments as they are (no shell), with LC_ALL=C and a minimal environment', async () => {
    const r = await spawnLvmRunner({ binDirs: [dir] })('lvs', ['a b', '$(id)', '"q"']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('oops\n');
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('arg='))).toEqual(['arg=a b', 'arg=$(id)', 'arg="q"']);
    const env = lines.filter((l) => !l.startsWith('arg=')).map((l) => l.split('=')[0] ?? '');
    expect(env).toContain('LC_ALL');
    expect(lines).toContain('LC_ALL=C');
    expect(env).not.toContain('HOME');
    expect(
      env.filter(
        (k) =>
          !['LC_ALL', 'LANG', 'PATH', 'LVM_SUPPRESS_FD_WARNINGS', 'PWD', 'SHLVL', '_'].includes(k),
      ),
    ).toEqual([]);
  });

  it('stops a command at the timeout', async () => {
    const started = Date.now();
    const e = await caught(spawnLvmRunner({ binDirs: [dir], timeoutMs: 200 })('vgs', []));
    expect(e.code).toBe('LVM_ERROR');
    expect(e.message).toMatch(/SIGTERM after 200 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says LVM_UNAVAILABLE when the binaries are missing', async () => {
    const e = await caught(spawnLvmRunner({ binDirs: [join(dir, 'none')] })('lvcreate', []));
    expect(e.code).toBe('LVM_UNAVAILABLE');
    const storage = openLvmStorage({ binDirs: [join(dir, 'none')] });
    expect((await caught(storage.volumeGroups())).code).toBe('LVM_UNAVAILABLE');
  });
});
