import { open } from 'node:fs/promises';
import { describe, it } from 'vitest';
import { openLvmStorage } from '../src/lvm-storage.js';
import { describeStorageContract } from '../src/testing/contract.js';
import type { LogicalVolume } from '../src/types.js';

// The contract suite against real LVM. Runs only where XENDECK_LAB_TESTS=1, as root, with lvm2:
// inside the Xen lab's dom0 on vg0 —
//   pnpm lab exec -- sh -c 'cd /work/main/packages/storage && XENDECK_LAB_TESTS=1 node ../../node_modules/vitest/vitest.mjs run test/lvm.lab.test.ts'
// It creates and removes only volumes named xdtest-*. XENDECK_LAB_VG names another group
// (e.g. a loop-device VG on a development machine).
const vg = process.env.XENDECK_LAB_VG ?? 'vg0';

const reason =
  process.env.XENDECK_LAB_TESTS !== '1'
    ? 'XENDECK_LAB_TESTS=1 is not set'
    : process.getuid?.() !== 0
      ? 'not root (lvm needs root)'
      : undefined;

if (reason) {
  describe('Storage contract: LVM (Xen lab)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
  console.log(`LVM lab contract suite skipped: ${reason}`);
} else {
  describeStorageContract(`LVM (${vg})`, async () => ({
    storage: openLvmStorage(),
    vg,
    prefix: 'xdtest-',
    // Opening the block device is what a running domain's backend does: lv_attr[5] becomes 'o'.
    holdOpen: async (lv) => {
      const handle = await open(lv.path, 'r');
      return () => handle.close();
    },
    // The first bytes of the device, written with O_SYNC: what a merge or a copy must carry.
    writeMarker: async (lv: LogicalVolume, text: string) => {
      const handle = await open(lv.path, 'r+');
      try {
        await handle.write(Buffer.from(text), 0, text.length, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    readMarker: async (lv: LogicalVolume, length: number) => {
      const handle = await open(lv.path, 'r');
      try {
        const buf = Buffer.alloc(length);
        await handle.read(buf, 0, length, 0);
        return buf.toString('utf8');
      } finally {
        await handle.close();
      }
    },
  }));
}
