import { describe, expect, it } from 'vitest';
import { isStorageError } from '../src/errors.js';
import { createSimulatedStorage } from '../src/simulated-storage.js';

const MiB = 1024 * 1024;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isStorageError(e) ? e.code : String(e);
  }
}

describe('simulated storage specifics', () => {
  it('starts with vg0 on a 100 GiB PV by default', async () => {
    const s = createSimulatedStorage();
    expect(s.kind).toBe('simulated');
    expect(await s.volumeGroups()).toEqual([
      {
        name: 'vg0',
        sizeBytes: 100 * 1024 * MiB,
        freeBytes: 100 * 1024 * MiB,
        extentSizeBytes: 4 * MiB,
        physicalVolumes: [
          { name: '/dev/vdb', sizeBytes: 100 * 1024 * MiB, freeBytes: 100 * 1024 * MiB },
        ],
      },
    ]);
  });

  it('keeps groups apart, uses their own extent size, and fills PVs in order', async () => {
    const s = createSimulatedStorage({
      volumeGroups: [
        {
          name: 'big',
          extentSizeBytes: 32 * MiB,
          physicalVolumes: [
            { name: '/dev/a', sizeBytes: 100 * MiB },
            { name: '/dev/b', sizeBytes: 64 * MiB },
          ],
        },
        { name: 'small', physicalVolumes: [{ name: '/dev/c', sizeBytes: 10 * MiB }] },
      ],
    });
    // PVs are cut to whole extents: 100 MiB → 96 MiB (3 × 32 MiB); 10 MiB → 8 MiB.
    const [big, small] = await s.volumeGroups();
    expect(big?.sizeBytes).toBe(160 * MiB);
    expect(small?.sizeBytes).toBe(8 * MiB);
    const lv = await s.createVolume('big', 'x', 100 * MiB);
    expect(lv.sizeBytes).toBe(128 * MiB);
    expect((await s.volumeGroup('big')).physicalVolumes.map((p) => p.freeBytes)).toEqual([
      0,
      32 * MiB,
    ]);
    expect((await s.volumeGroup('small')).freeBytes).toBe(8 * MiB);
    expect(await s.logicalVolumes('small')).toEqual([]);
    expect(await code(s.createVolume('small', 'x', 12 * MiB))).toBe('NO_SPACE');
    expect(await code(s.createVolume('small', 'x', 8 * MiB))).toBe('ok');
  });

  it("refuses a snapshot of a snapshot with LVM's words, and tracks the open flag", async () => {
    const s = createSimulatedStorage({
      volumeGroups: [
        {
          name: 'vg0',
          physicalVolumes: [{ name: '/dev/vdb', sizeBytes: 64 * MiB }],
          logicalVolumes: [{ name: 'g', sizeBytes: 8 * MiB, tags: ['t'] }],
        },
      ],
    });
    await s.snapshotVolume('vg0', 'g', 'g-s', 4 * MiB);
    await expect(s.snapshotVolume('vg0', 'g-s', 'g-s-s', 4 * MiB)).rejects.toThrow(
      'Snapshots of snapshots are not supported.',
    );
    s.setOpen('vg0', 'g', true);
    const [g] = await s.logicalVolumes('vg0');
    expect(g).toMatchObject({ name: 'g', attr: 'owi-aos---', open: true, tags: ['t'] });
    expect(() => s.setOpen('vg0', 'nope', true)).toThrow(/not found/);
  });

  it('answers after delayMs', async () => {
    const s = createSimulatedStorage({ delayMs: 60 });
    const started = Date.now();
    await s.volumeGroups();
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
