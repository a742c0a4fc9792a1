import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedHost } from '../src/simulated-host.js';
import { describeHypervisorContract } from '../src/testing/contract.js';

describeHypervisorContract('simulated host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-'));
  const guestConfigPath = join(dir, 'contract-guest.cfg');
  await writeFile(
    guestConfigPath,
    '# a small PV guest\nname = "contract-guest"\ntype = "pv"\nmemory = 128\nvcpus = 1\nvif = [ \'bridge=xenbr0\' ]\n',
  );
  const hvmConfigPath = join(dir, 'contract-hvm.cfg');
  await writeFile(
    hvmConfigPath,
    'name = "contract-hvm"\ntype = "hvm"\nmemory = 256\nvnc = 1\nvncpasswd = "pw-contract"\n',
  );
  const isoPath = join(dir, 'install.iso');
  const otherIsoPath = join(dir, 'other.iso');
  await writeFile(isoPath, 'an ISO image');
  await writeFile(otherIsoPath, 'another ISO image');
  const pvDisksPath = join(dir, 'contract-disks-pv.cfg');
  await writeFile(
    pvDisksPath,
    'name = "contract-disks-pv"\ntype = "pv"\nmemory = 128\ndisk = [ \'phy:/dev/vg0/contract-pv,xvda,w\' ]\n',
  );
  const hvmCdPath = join(dir, 'contract-cd-hvm.cfg');
  await writeFile(
    hvmCdPath,
    `name = "contract-cd-hvm"\ntype = "hvm"\nmemory = 256\ndisk = [ 'format=raw, vdev=hda, access=rw, target=/dev/vg0/contract-hvm',\n         'file:${isoPath},hdc:cdrom,r' ]\n`,
  );
  const host = createSimulatedHost({ createDelayMs: 50 });
  return {
    host,
    guestConfigPath,
    guestName: 'contract-guest',
    hvmGuest: { configPath: hvmConfigPath, name: 'contract-hvm', vncPassword: 'pw-contract' },
    disks: {
      pv: {
        configPath: pvDisksPath,
        name: 'contract-disks-pv',
        disk: { vdev: 'xvda', target: '/dev/vg0/contract-pv' },
      },
      hvm: {
        configPath: hvmCdPath,
        name: 'contract-cd-hvm',
        cdromVdev: 'hdc',
        isoPath,
        otherIsoPath,
      },
    },
    outside: {
      destroy: async (name) => host.external.destroy(name),
      pause: async (name) => host.external.pause(name),
    },
    teardown: async () => {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
