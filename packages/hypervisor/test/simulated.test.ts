import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedHost } from '../src/simulated-host.js';
import { describeHypervisorContract } from '../src/testing/contract.js';

describeHypervisorContract('simulated host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-'));
  /** Writes `<dir>/<name>.cfg` naming the guest `name`, with `settings` one per line. */
  const config = async (name: string, settings: string[]) => {
    const path = join(dir, `${name}.cfg`);
    await writeFile(path, [`name = "${name}"`, ...settings, ''].join('\n'));
    return path;
  };
  const guestConfigPath = await config('contract-guest', [
    'type = "pv"',
    'memory = 128',
    'vcpus = 1',
    "vif = [ 'bridge=xenbr0' ]",
  ]);
  const hvmConfigPath = await config('contract-hvm', [
    'type = "hvm"',
    'memory = 256',
    'vnc = 1',
    'vncpasswd = "pw-contract"',
  ]);
  const isoPath = join(dir, 'install.iso');
  const otherIsoPath = join(dir, 'other.iso');
  await writeFile(isoPath, 'an ISO image');
  await writeFile(otherIsoPath, 'another ISO image');
  const pvDisksPath = await config('contract-disks-pv', [
    'type = "pv"',
    'memory = 128',
    "disk = [ 'phy:/dev/vg0/contract-pv,xvda,w' ]",
  ]);
  const hvmCdPath = await config('contract-cd-hvm', [
    'type = "hvm"',
    'memory = 256',
    "disk = [ 'format=raw, vdev=hda, access=rw, target=/dev/vg0/contract-hvm',",
    `         'file:${isoPath},hdc:cdrom,r' ]`,
  ]);
  const vcpuGuestPath = await config('contract-vcpus', [
    'type = "pv"',
    'memory = 128',
    'vcpus = 1',
    'maxvcpus = 2',
  ]);
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
    vcpuGuest: { configPath: vcpuGuestPath, name: 'contract-vcpus' },
    outside: {
      destroy: async (name) => host.external.destroy(name),
      pause: async (name) => host.external.pause(name),
      crash: async (name) => host.external.crash(name),
    },
    teardown: async () => {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
