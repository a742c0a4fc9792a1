import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { openLibxlHost } from '../src/libxl-host.js';
import { describeHypervisorContract } from '../src/testing/contract.js';
import { xenPresent } from '../src/xen-present.js';

// The contract suite against real libxl. Runs only inside the Xen lab's dom0:
//   pnpm lab exec -- sh -c 'cd /work/main/packages/hypervisor && XENDECK_LAB_TESTS=1 node ../../node_modules/vitest/vitest.mjs run test/libxl.lab.test.ts'
const run = promisify(execFile);
const xl = existsSync('/usr/sbin/xl') ? '/usr/sbin/xl' : 'xl';
const guestConfigPath = process.env.XENDECK_LAB_GUEST_CONFIG ?? '/etc/xen/xdtest-pv.cfg';
const guestName = process.env.XENDECK_LAB_GUEST_NAME ?? 'xdtest-pv';

const reason =
  process.env.XENDECK_LAB_TESTS !== '1'
    ? 'XENDECK_LAB_TESTS=1 is not set'
    : !xenPresent()
      ? 'this machine has no /dev/xen/privcmd (not a Xen dom0)'
      : undefined;

if (reason) {
  describe('Hypervisor contract: libxl (Xen lab)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
  console.log(`libxl lab contract suite skipped: ${reason}`);
} else {
  describeHypervisorContract(
    'libxl (Xen lab)',
    async () => {
      const host = await openLibxlHost();
      return {
        host,
        guestConfigPath,
        guestName,
        outside: {
          destroy: async (name) => {
            await run(xl, ['destroy', name]);
          },
          pause: async (name) => {
            await run(xl, ['pause', name]);
          },
        },
        teardown: () => host.close(),
        // The lab's HVM guest: VNC on loopback, no vncpasswd (Debian 12's device model has no DES:
        // lab/README.md, Consoles).
        hvmGuest: existsSync('/etc/xen/xdtest-hvm.cfg')
          ? { configPath: '/etc/xen/xdtest-hvm.cfg', name: 'xdtest-hvm' }
          : undefined,
      };
    },
    { caseTimeoutMs: 240_000, balloonDeadlineMs: 90_000 },
  );
}
