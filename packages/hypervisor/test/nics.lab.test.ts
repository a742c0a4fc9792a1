import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { openLibxlHost } from '../src/libxl-host.js';
import { describeNicContract } from '../src/testing/nic-contract.js';
import { xenPresent } from '../src/xen-present.js';

// The vif contract against real libxl, checked against `xl network-list`. Runs only in the lab's dom0:
//   pnpm lab exec -- sh -c 'cd /work/main/packages/hypervisor && XENDECK_LAB_TESTS=1 node ../../node_modules/vitest/vitest.mjs run test/nics.lab.test.ts'
const run = promisify(execFile);
const xl = existsSync('/usr/sbin/xl') ? '/usr/sbin/xl' : 'xl';
/** The lab's PV kernel and initramfs (as in /etc/xen/xdtest-pv.cfg). */
const labGuests = '/var/lib/xendeck-lab/guests';

/**
 * `xl network-list <domid>` rows as devid and MAC. Its table: `Idx BE Mac Addr. handle state
 * evt-ch tx-/rx-ring-ref BE-path`, one row per vif.
 */
async function xlNetworkList(domid: number): Promise<{ devid: number; mac: string }[]> {
  const { stdout } = await run(xl, ['network-list', String(domid)]);
  return stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+$/.test(f[0] ?? ''))
    .map((f) => ({ devid: Number(f[0]), mac: String(f[2]).toLowerCase() }))
    .sort((a, b) => a.devid - b.devid);
}

const reason =
  process.env.XENDECK_LAB_TESTS !== '1'
    ? 'XENDECK_LAB_TESTS=1 is not set'
    : !xenPresent()
      ? 'this machine has no /dev/xen/privcmd (not a Xen dom0)'
      : undefined;

if (reason) {
  describe('Hypervisor vif contract: libxl (Xen lab)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
  describeNicContract(
    'libxl (Xen lab)',
    async () => {
      const host = await openLibxlHost({ createTimeoutMs: 600_000 });
      const dir = await mkdtemp(join(tmpdir(), 'xendeck-lab-nics-'));
      const name = process.env.XENDECK_LAB_NIC_GUEST ?? 'nw-contract';
      const mac = '00:16:3e:5a:00:00';
      const configPath = join(dir, `${name}.cfg`);
      await writeFile(
        configPath,
        [
          `name = "${name}"`,
          'type = "pv"',
          'memory = 96',
          `kernel = "${labGuests}/vmlinuz"`,
          `ramdisk = "${labGuests}/busybox-initrd.gz"`,
          'extra = "console=hvc0"',
          `vif = [ 'mac=${mac}, bridge=xenbr0' ]`,
          'on_reboot = "destroy"',
          '',
        ].join('\n'),
      );
      return {
        host,
        guest: { configPath, name, mac },
        bridge: 'xenbr0',
        missingBridge: 'nwmissing0',
        observe: xlNetworkList,
        teardown: async () => {
          await host.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
    900_000,
  );
}
