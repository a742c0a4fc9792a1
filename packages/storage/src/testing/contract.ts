/**
 * The one contract suite every {@link Storage} backend must pass: the simulated backend everywhere
 * (`test/simulated.test.ts`), the LVM backend inside the Xen lab's dom0 on `vg0`
 * (`test/lvm.lab.test.ts`). Imported as `@xendeck/storage/contract`; it uses vitest's
 * `describe`/`it`/`expect`, so only call it from a vitest test file.
 *
 * It creates and removes ONLY logical volumes whose names start with `setup.prefix` (`xdtest-`
 * in the lab), and removes any it left behind in `afterAll`. It needs about 12 extents free in
 * `setup.vg` (48 MiB with the default 4 MiB extents). The cases run in order and share volumes:
 * list → create (rounding, free space) → refusals → grow → snapshot → open (and grow while
 * open) → remove → snapshot with tags and merge (revert) → copy with progress, and a failed copy
 * leaving nothing. With `writeMarker`/`readMarker` (the LVM backend: the device's first bytes) the
 * merge and the copy are checked by content too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageError, type StorageErrorCode } from '../errors.js';
import type { LogicalVolume, Storage } from '../types.js';

/** What a backend's test file hands to {@link describeStorageContract}. */
export interface StorageContractSetup {
  storage: Storage;
  /** A volume group the suite may create volumes in. */
  vg: string;
  /** Every volume the suite creates starts with this (e.g. `xdtest-`). */
  prefix: string;
  /**
   * Holds the volume's device open the way a running domain would (the LVM backend opens
   * `lv.path`; the simulated one sets the flag); resolves with a function that releases it.
   */
  holdOpen(lv: LogicalVolume): Promise<() => Promise<void>>;
  /** Called once after all cases. */
  teardown?(): Promise<void>;
  /** Writes `text` at the start of the volume's device (durably), when the backend has content. */
  writeMarker?(lv: LogicalVolume, text: string): Promise<void>;
  /** Reads `length` bytes from the start of the volume's device as text. */
  readMarker?(lv: LogicalVolume, length: number): Promise<string>;
  /** Makes the backend's next copy fail (the simulated hook; the LVM run skips that case). */
  failNextCopy?(message: string): void;
}

async function expectCode(p: Promise<unknown>, code: StorageErrorCode): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(isStorageError(e), `expected a StorageError, got ${String(e)}`).toBe(true);
    expect((e as { code: string }).code, (e as Error).message).toBe(code);
    return e as Error;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

export function describeStorageContract(
  label: string,
  setup: () => Promise<StorageContractSetup>,
): void {
  describe(`Storage contract: ${label}`, () => {
    let s: StorageContractSetup;
    let extent: number;
    let initialFreeBytes: number;
    // A per-run tag keeps reruns apart should a previous run have been killed mid-way.
    const run = Date.now().toString(36).slice(-5);
    const names = { a: '', snap: '', b: '', c: '', copy: '' };
    const byName = async (name: string) =>
      (await s.storage.logicalVolumes(s.vg)).find((l) => l.name === name);

    beforeAll(async () => {
      s = await setup();
      expect(s.prefix.length).toBeGreaterThan(0);
      names.a = `${s.prefix}${run}-a`;
      names.snap = `${s.prefix}${run}-snap`;
      names.b = `${s.prefix}${run}-b`;
      names.c = `${s.prefix}${run}-c`;
      names.copy = `${s.prefix}${run}-copy`;
    });

    afterAll(async () => {
      if (!s) return;
      // Remove what this suite created, snapshots first; never anything without the prefix.
      const left = (await s.storage.logicalVolumes(s.vg)).filter((l) =>
        l.name.startsWith(`${s.prefix}${run}-`),
      );
      for (const lv of [...left].sort(
        (x, y) => Number(y.origin !== null) - Number(x.origin !== null),
      )) {
        await s.storage.removeVolume(s.vg, lv.name).catch(() => {});
      }
      await s.teardown?.();
    });

    it('lists the volume group with its extent size and physical volumes', async () => {
      const all = await s.storage.volumeGroups();
      const vg = all.find((g) => g.name === s.vg);
      expect(vg, `volumeGroups() lacks ${s.vg}`).toBeDefined();
      if (!vg) return;
      expect(vg.sizeBytes).toBeGreaterThan(0);
      expect(vg.freeBytes).toBeGreaterThanOrEqual(0);
      expect(vg.freeBytes).toBeLessThanOrEqual(vg.sizeBytes);
      expect(vg.extentSizeBytes).toBeGreaterThan(0);
      expect(vg.sizeBytes % vg.extentSizeBytes).toBe(0);
      expect(vg.physicalVolumes.length).toBeGreaterThan(0);
      for (const pv of vg.physicalVolumes) {
        expect(pv.name).not.toBe('');
        expect(pv.sizeBytes).toBeGreaterThan(0);
      }
      const pvFree = vg.physicalVolumes.reduce((n, p) => n + p.freeBytes, 0);
      expect(pvFree).toBe(vg.freeBytes);
      expect(await s.storage.volumeGroup(s.vg)).toEqual(vg);
      extent = vg.extentSizeBytes;
      initialFreeBytes = vg.freeBytes;
      expect(initialFreeBytes).toBeGreaterThanOrEqual(12 * extent);
    });

    it('creates a volume, rounding the size up to whole extents, and accounts the free space', async () => {
      const lv = await s.storage.createVolume(s.vg, names.a, 2 * extent + 1);
      expect(lv).toMatchObject({
        name: names.a,
        vg: s.vg,
        path: `/dev/${s.vg}/${names.a}`,
        sizeBytes: 3 * extent,
        origin: null,
        open: false,
        active: true,
      });
      expect(lv.attr[4]).toBe('a');
      expect(lv.attr[5]).not.toBe('o');
      expect(await byName(names.a)).toEqual(lv);
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(initialFreeBytes - 3 * extent);
    });

    it('refuses a duplicate, bad names, bad sizes, an unknown group and too much', async () => {
      await expectCode(s.storage.createVolume(s.vg, names.a, extent), 'LV_EXISTS');
      for (const bad of [
        '',
        '-x',
        '.',
        '..',
        'a/b',
        'a b',
        'snapshotx',
        'pvmove1',
        'x_rimage',
        'é',
        'x'.repeat(128),
      ]) {
        await expectCode(s.storage.createVolume(s.vg, bad, extent), 'INVALID_NAME');
      }
      await expectCode(s.storage.createVolume('-bad', names.b, extent), 'INVALID_NAME');
      for (const bad of [0, -extent, 1.5, Number.NaN, 2 ** 60]) {
        await expectCode(s.storage.createVolume(s.vg, names.b, bad), 'INVALID_SIZE');
      }
      await expectCode(
        s.storage.createVolume(`${s.prefix}no-such-vg-${run}`, names.b, extent),
        'VG_NOT_FOUND',
      );
      const free = (await s.storage.volumeGroup(s.vg)).freeBytes;
      await expectCode(s.storage.createVolume(s.vg, names.b, free + 1), 'NO_SPACE');
      await expectCode(s.storage.logicalVolumes(`${s.prefix}no-such-vg-${run}`), 'VG_NOT_FOUND');
      expect(await byName(names.b)).toBeUndefined();
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(free);
    });

    it('grows a volume (rounded up), keeps an equal size, refuses to shrink', async () => {
      const grown = await s.storage.growVolume(s.vg, names.a, 4 * extent + 1);
      expect(grown.sizeBytes).toBe(5 * extent);
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(initialFreeBytes - 5 * extent);
      expect((await s.storage.growVolume(s.vg, names.a, 5 * extent)).sizeBytes).toBe(5 * extent);
      const e = await expectCode(s.storage.growVolume(s.vg, names.a, extent), 'INVALID_SIZE');
      expect(e.message).toMatch(/shrink/i);
      expect((await byName(names.a))?.sizeBytes).toBe(5 * extent);
      await expectCode(s.storage.growVolume(s.vg, names.b, 9 * extent), 'LV_NOT_FOUND');
      const free = (await s.storage.volumeGroup(s.vg)).freeBytes;
      await expectCode(s.storage.growVolume(s.vg, names.a, 5 * extent + free + 1), 'NO_SPACE');
    });

    it('snapshots a volume; the snapshot names its origin; the origin cannot be removed', async () => {
      const snap = await s.storage.snapshotVolume(s.vg, names.a, names.snap, extent + 1);
      expect(snap).toMatchObject({ name: names.snap, origin: names.a, sizeBytes: 2 * extent });
      expect(snap.attr[0]).toBe('s');
      expect((await byName(names.a))?.attr[0]).toBe('o');
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(initialFreeBytes - 7 * extent);
      await expectCode(s.storage.snapshotVolume(s.vg, names.a, names.snap, extent), 'LV_EXISTS');
      await expectCode(
        s.storage.snapshotVolume(s.vg, names.b, `${names.b}-s`, extent),
        'LV_NOT_FOUND',
      );
      // LVM's own refusal ("Snapshots of snapshots are not supported."), passed on as LVM_ERROR.
      await expectCode(
        s.storage.snapshotVolume(s.vg, names.snap, `${names.snap}2`, extent),
        'LVM_ERROR',
      );
      const e = await expectCode(s.storage.removeVolume(s.vg, names.a), 'VOLUME_IN_USE');
      expect(e.message).toContain(names.snap);
      await s.storage.removeVolume(s.vg, names.snap);
      expect(await byName(names.snap)).toBeUndefined();
      expect((await byName(names.a))?.attr[0]).toBe('-');
    });

    it('reports an open volume and refuses to remove it, saying why', async () => {
      const lv = await byName(names.a);
      expect(lv).toBeDefined();
      if (!lv) return;
      const release = await s.holdOpen(lv);
      try {
        const open = await byName(names.a);
        expect(open?.open).toBe(true);
        expect(open?.attr[5]).toBe('o');
        const e = await expectCode(s.storage.removeVolume(s.vg, names.a), 'VOLUME_IN_USE');
        expect(e.message).toMatch(/open/);
        expect((e as unknown as { details: { reason?: string } }).details.reason).toMatch(/open/);
        expect(await byName(names.a)).toBeDefined();
        // Growing is safe while open (a running domain's disk can be grown).
        expect((await s.storage.growVolume(s.vg, names.a, 6 * extent)).sizeBytes).toBe(6 * extent);
      } finally {
        await release();
      }
      expect((await byName(names.a))?.open).toBe(false);
    });

    it('removes volumes and gives the space back', async () => {
      await s.storage.removeVolume(s.vg, names.a);
      expect(await byName(names.a)).toBeUndefined();
      await expectCode(s.storage.removeVolume(s.vg, names.a), 'LV_NOT_FOUND');
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(initialFreeBytes);
      const tagged = await s.storage.createVolume(s.vg, names.b, extent, { tags: ['xendeck'] });
      expect(tagged.tags).toEqual(['xendeck']);
      await expectCode(
        s.storage.createVolume(s.vg, `${names.b}x`, extent, { tags: ['bad tag'] }),
        'INVALID_NAME',
      );
      await s.storage.removeVolume(s.vg, names.b);
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(initialFreeBytes);
    });

    it('snapshots with tags, then merges the snapshot back (revert): the origin has its old content', async () => {
      const c = await s.storage.createVolume(s.vg, names.c, 2 * extent);
      await s.writeMarker?.(c, 'before');
      const tag = 'xendeck-snapshot=xdtest:one';
      const snap = await s.storage.snapshotVolume(s.vg, names.c, names.snap, extent, {
        tags: [tag],
      });
      expect(snap.tags).toEqual([tag]);
      expect(snap.origin).toBe(names.c);
      await s.writeMarker?.(c, 'after!');
      if (s.readMarker) expect(await s.readMarker(c, 6)).toBe('after!');
      // Refused while the origin is open (a running domain): nothing merged.
      const release = await s.holdOpen(c);
      try {
        const e = await expectCode(s.storage.mergeSnapshot(s.vg, names.snap), 'VOLUME_IN_USE');
        expect(e.message).toMatch(/open/);
      } finally {
        await release();
      }
      expect((await byName(names.snap))?.origin).toBe(names.c);
      await expectCode(s.storage.mergeSnapshot(s.vg, names.c), 'LV_NOT_FOUND');
      const origin = await s.storage.mergeSnapshot(s.vg, names.snap);
      expect(origin).toMatchObject({ name: names.c, origin: null, sizeBytes: 2 * extent });
      expect(origin.attr[0]).toBe('-');
      expect(await byName(names.snap)).toBeUndefined();
      if (s.readMarker) expect(await s.readMarker(c, 6)).toBe('before');
      await expectCode(s.storage.mergeSnapshot(s.vg, names.snap), 'LV_NOT_FOUND');
      // About fifteen LVM commands, each one to two seconds in the lab's dom0 under TCG: it took
      // 30.7 s in one CI run, past the suite's 30 s default.
    }, 120_000);

    it('copies a volume to a new one of the same size, with progress; refuses an open source or an existing target', async () => {
      const c = await byName(names.c);
      expect(c).toBeDefined();
      if (!c) return;
      await s.writeMarker?.(c, 'copied');
      const seen: [number, number][] = [];
      const copy = await s.storage.copyVolume(s.vg, names.c, names.copy, {
        tags: ['xendeck-clone-of=xdtest'],
        onProgress: (done, total) => seen.push([done, total]),
      });
      expect(copy).toMatchObject({
        name: names.copy,
        sizeBytes: c.sizeBytes,
        origin: null,
        tags: ['xendeck-clone-of=xdtest'],
      });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toEqual([c.sizeBytes, c.sizeBytes]);
      for (let i = 1; i < seen.length; i++) {
        expect((seen[i] as [number, number])[0]).toBeGreaterThanOrEqual(
          (seen[i - 1] as [number, number])[0],
        );
      }
      if (s.readMarker) expect(await s.readMarker(copy, 6)).toBe('copied');
      await expectCode(s.storage.copyVolume(s.vg, names.c, names.copy), 'LV_EXISTS');
      const release = await s.holdOpen(c);
      try {
        await expectCode(s.storage.copyVolume(s.vg, names.c, names.b), 'VOLUME_IN_USE');
      } finally {
        await release();
      }
      expect(await byName(names.b)).toBeUndefined();
      await s.storage.removeVolume(s.vg, names.copy);
      if (s.failNextCopy) {
        const free = (await s.storage.volumeGroup(s.vg)).freeBytes;
        s.failNextCopy('dd: error reading: Input/output error');
        const e = await expectCode(s.storage.copyVolume(s.vg, names.c, names.copy), 'LVM_ERROR');
        expect(e.message).toMatch(/Input\/output error/);
        expect(await byName(names.copy)).toBeUndefined();
        expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(free);
      }
      await s.storage.removeVolume(s.vg, names.c);
      expect((await s.storage.volumeGroup(s.vg)).freeBytes).toBe(initialFreeBytes);
    });
  });
}
