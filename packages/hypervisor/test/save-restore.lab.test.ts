import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { describe, it } from 'vitest';
import { openLibxlHost } from '../src/libxl-host.js';
import { describeSaveRestoreContract } from '../src/testing/save-restore-contract.js';
import { xenPresent } from '../src/xen-present.js';

// The save/restore contract against real xl save / xl restore. Runs only inside the Xen lab's dom0:
//   pnpm lab exec -- sh -c 'cd /work/main/packages/hypervisor && XENDECK_LAB_TESTS=1 node ../../node_modules/vitest/vitest.mjs run test/save-restore.lab.test.ts'
// It makes a PV guest `sv-contract` (128 MiB, the lab kernel + busybox initramfs, no disk) and
// state files in /root/sv-contract (dom0's disk: the repository is mounted read-only).
const dir = '/root/sv-contract';
const labGuests = '/var/lib/xendeck-lab/guests';

if (process.env.XENDECK_LAB_TESTS === '1' && xenPresent()) {
  describeSaveRestoreContract(
    'libxl (Xen lab)',
    async () => {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const guestConfigPath = `${dir}/sv-contract.cfg`;
      await writeFile(
        guestConfigPath,
        [
          'name = "sv-contract"',
          'type = "pv"',
          'memory = 128',
          `kernel = "${labGuests}/vmlinuz"`,
          `ramdisk = "${labGuests}/busybox-initrd.gz"`,
          'extra = "console=hvc0"',
          '',
        ].join('\n'),
      );
      const host = await openLibxlHost({
        xlPath: existsSync('/usr/sbin/xl') ? '/usr/sbin/xl' : undefined,
        createTimeoutMs: 300_000,
      });
      return {
        host,
        guestConfigPath,
        guestName: 'sv-contract',
        dir,
        async teardown() {
          await host.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
    { caseTimeoutMs: 600_000 },
  );
} else {
  describe.skip('save and restore contract: libxl (needs the Xen lab: XENDECK_LAB_TESTS=1 in dom0)', () => {
    it('skipped', () => {});
  });
}
