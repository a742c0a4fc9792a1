import { describe, expect, it } from 'vitest';
import { isStorageError } from '../src/errors.js';
import {
  ddCopyArgs,
  lvchangeActivateArgs,
  lvconvertMergeArgs,
  lvremoveArgs,
  lvSnapshotArgs,
  parseDdProgress,
} from '../src/lvm-args.js';
import { type LvmRunResult, openLvmStorage } from '../src/lvm-storage.js';

const MiB = 1024 * 1024;

describe('LVM and dd argument builders', () => {
  it('builds the snapshot, merge, activation, removal and copy vectors', () => {
    expect(lvSnapshotArgs('vg0', 'web', 'web-snap-one', 8 * MiB, ['a=b:c'])).toEqual([
      '--yes',
      '-s',
      '-L',
      `${8 * MiB}b`,
      '-n',
      'web-snap-one',
      '--addtag',
      'a=b:c',
      'vg0/web',
    ]);
    expect(lvconvertMergeArgs('vg0', 'web-snap-one')).toEqual(['--merge', 'vg0/web-snap-one']);
    expect(lvchangeActivateArgs('vg0', 'web', false)).toEqual(['-an', 'vg0/web']);
    expect(lvchangeActivateArgs('vg0', 'web', true)).toEqual(['-ay', 'vg0/web']);
    expect(lvremoveArgs('vg0', 'x')).toEqual(['-f', 'vg0/x']);
    expect(ddCopyArgs('/dev/vg0/a', '/dev/vg0/b')).toEqual([
      'if=/dev/vg0/a',
      'of=/dev/vg0/b',
      'bs=4M',
      'oflag=direct',
      'conv=fsync',
      'status=progress',
    ]);
  });

  it("reads dd's status=progress and summary lines", () => {
    expect(parseDdProgress('4194304 bytes (4.2 MB, 4.0 MiB) copied, 1 s, 4.2 MB/s')).toBe(4194304);
    expect(
      parseDdProgress(
        '\r8388608 bytes (8.4 MB, 8.0 MiB) copied, 2 s, 4.2 MB/s\r12582912 bytes (13 MB, 12 MiB) copied, 3 s, 4.2 MB/s',
      ),
    ).toBe(12582912);
    expect(
      parseDdProgress(
        '16+0 records in\n16+0 records out\n67108864 bytes (67 MB, 64 MiB) copied, 1.9 s, 35.3 MB/s\n',
      ),
    ).toBe(67108864);
    expect(parseDdProgress('16+0 records in\n')).toBeUndefined();
    expect(parseDdProgress('copied 5 bytes')).toBeUndefined();
  });
});

/** lvs JSON for the given LVs (name, attr, origin, size). */
function lvsJson(lvs: { name: string; attr: string; origin?: string; size?: number }[]): string {
  return JSON.stringify({
    report: [
      {
        lv: lvs.map((l) => ({
          lv_name: l.name,
          vg_name: 'vg0',
          lv_size: String(l.size ?? 64 * MiB),
          lv_attr: l.attr,
          origin: l.origin ?? '',
          lv_tags: '',
        })),
      },
    ],
  });
}
const vgsJson = JSON.stringify({
  report: [
    {
      vg: [
        {
          vg_name: 'vg0',
          vg_size: String(8192 * MiB),
          vg_free: String(4096 * MiB),
          vg_extent_size: String(4 * MiB),
        },
      ],
    },
  ],
});
const pvsJson = JSON.stringify({ report: [{ pv: [] }] });

/** A scripted LVM whose `lvs` answers the state `state()` returns; records every change. */
function scripted(
  state: () => { name: string; attr: string; origin?: string }[],
  on: Record<string, (args: string[]) => LvmRunResult | undefined> = {},
) {
  const changes: string[][] = [];
  const ok = (stdout = ''): LvmRunResult => ({ exitCode: 0, stdout, stderr: '' });
  const runner = async (command: string, args: string[]) => {
    if (command === 'vgs') return ok(vgsJson);
    if (command === 'pvs') return ok(pvsJson);
    if (command === 'lvs') return ok(lvsJson(state()));
    changes.push([command, ...args]);
    return on[command]?.(args) ?? ok();
  };
  return { runner, changes };
}

describe('LVM backend: merge and copy over a scripted runner', () => {
  it('merges with lvconvert --merge; a deferred merge is started by a reactivation and waited for', async () => {
    let lvs = [
      { name: 'web', attr: 'owi-a-s---' },
      { name: 'web-snap-one', attr: 'swi-a-s---', origin: 'web' },
    ];
    let polls = 0;
    const { runner, changes } = scripted(
      () => {
        if (changes.some((c) => c[1] === '-ay') && ++polls > 2) {
          lvs = [{ name: 'web', attr: '-wi-a-----' }];
        }
        return lvs;
      },
      // lvconvert "succeeds" but leaves the merge deferred (snapshot still listed, 'S'/'O').
      {
        lvconvert: () => {
          lvs = [
            { name: 'web', attr: 'Owi-a-s---' },
            { name: 'web-snap-one', attr: 'Swi-a-s---', origin: 'web' },
          ];
          return undefined;
        },
      },
    );
    const storage = openLvmStorage({ runner, mergePollMs: 1, mergeWaitMs: 5000 });
    const origin = await storage.mergeSnapshot('vg0', 'web-snap-one');
    expect(origin.name).toBe('web');
    expect(origin.attr).toBe('-wi-a-----');
    expect(changes).toEqual([
      ['lvconvert', '--merge', 'vg0/web-snap-one'],
      ['lvchange', '-an', 'vg0/web'],
      ['lvchange', '-ay', 'vg0/web'],
    ]);
  });

  it('refuses to merge into an open origin without running anything', async () => {
    const { runner, changes } = scripted(() => [
      { name: 'web', attr: 'owi-aos---' },
      { name: 'web-snap-one', attr: 'swi-a-s---', origin: 'web' },
    ]);
    const e = await openLvmStorage({ runner })
      .mergeSnapshot('vg0', 'web-snap-one')
      .catch((x: unknown) => x);
    expect(isStorageError(e) && e.code).toBe('VOLUME_IN_USE');
    expect(changes).toEqual([]);
  });

  it('copies with lvcreate then dd, reporting progress; a failed dd removes the half copy', async () => {
    let lvs = [{ name: 'tpl', attr: '-wi-a-----' }];
    const { runner, changes } = scripted(() => lvs, {
      lvcreate: (args) => {
        lvs = [...lvs, { name: args[args.indexOf('-n') + 1] as string, attr: '-wi-a-----' }];
        return undefined;
      },
      lvremove: () => {
        lvs = lvs.filter((l) => l.name === 'tpl');
        return undefined;
      },
    });
    const progress: number[] = [];
    let ddFails = false;
    const ddCalls: string[][] = [];
    const storage = openLvmStorage({
      runner,
      ddRunner: async (args, onProgress) => {
        ddCalls.push(args);
        onProgress(16 * MiB);
        onProgress(32 * MiB);
        return ddFails
          ? {
              exitCode: 1,
              stdout: '',
              stderr: 'dd: error reading /dev/vg0/tpl: Input/output error\n',
            }
          : { exitCode: 0, stdout: '', stderr: '' };
      },
    });
    const lv = await storage.copyVolume('vg0', 'tpl', 'new1', {
      tags: ['xendeck-clone-of=tpl'],
      onProgress: (done) => progress.push(done),
    });
    expect(lv.name).toBe('new1');
    expect(progress).toEqual([0, 16 * MiB, 32 * MiB, 64 * MiB]);
    expect(changes[0]).toEqual([
      'lvcreate',
      '--yes',
      '--wipesignatures',
      'y',
      '-L',
      `${64 * MiB}b`,
      '-n',
      'new1',
      '--addtag',
      'xendeck-clone-of=tpl',
      'vg0',
    ]);
    expect(ddCalls[0]).toEqual(ddCopyArgs('/dev/vg0/tpl', '/dev/vg0/new1'));

    ddFails = true;
    changes.length = 0;
    const e = await storage.copyVolume('vg0', 'tpl', 'new2').catch((x: unknown) => x);
    expect(isStorageError(e) && e.code).toBe('LVM_ERROR');
    expect((e as Error).message).toMatch(/Input\/output error/);
    expect(changes.map((c) => c.slice(0, 1).concat(c.slice(-1)))).toEqual([
      ['lvcreate', 'vg0'],
      ['lvremove', 'vg0/new2'],
    ]);
  });
});
