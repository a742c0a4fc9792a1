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
  const host = createSimulatedHost({ createDelayMs: 50 });
  return {
    host,
    guestConfigPath,
    guestName: 'contract-guest',
    hvmGuest: { configPath: hvmConfigPath, name: 'contract-hvm', vncPassword: 'pw-contract' },
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
