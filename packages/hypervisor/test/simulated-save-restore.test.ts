import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedHost } from '../src/simulated-host.js';
import { describeSaveRestoreContract } from '../src/testing/save-restore-contract.js';

describeSaveRestoreContract('simulated host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-save-'));
  const guestConfigPath = join(dir, 'save-guest.cfg');
  await writeFile(
    guestConfigPath,
    ['name = "save-guest"', 'type = "pv"', 'memory = 128', 'kernel = "/boot/vmlinuz"', ''].join(
      '\n',
    ),
  );
  const host = createSimulatedHost({ createDelayMs: 40 });
  return {
    host,
    guestConfigPath,
    guestName: 'save-guest',
    async teardown() {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
