import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulatedHost, SIMULATED_BRIDGES } from '../src/simulated-host.js';
import { describeNicContract } from '../src/testing/nic-contract.js';

describeNicContract('simulated host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-nics-'));
  const configPath = join(dir, 'nw-contract.cfg');
  const mac = '00:16:3e:5a:00:00';
  await writeFile(
    configPath,
    [
      'name = "nw-contract"',
      'type = "pv"',
      'memory = 128',
      `vif = [ 'mac=${mac}, bridge=xenbr0' ]`,
      '',
    ].join('\n'),
  );
  const host = createSimulatedHost({ createDelayMs: 10 });
  return {
    host,
    guest: { configPath, name: 'nw-contract', mac },
    bridge: 'xenbr0',
    missingBridge: 'xenbr9',
    teardown: async () => {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('simulated host vifs (specifics)', () => {
  it("reads an HVM config's vif list: ioemu type, model, vifname, rate; the -emu twin is the type's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-nics-'));
    const host = createSimulatedHost({ createDelayMs: 10, initialDomains: [] });
    try {
      const path = join(dir, 'nw-hvm.cfg');
      await writeFile(
        path,
        [
          'name = "nw-hvm"',
          'type = "hvm"',
          "vif = [ 'bridge=xenbr1, model=e1000, rate=10Mb/s@20ms, vifname=web0', 'type=vif' ]",
          '',
        ].join('\n'),
      );
      const { domid } = await host.createDomain(path);
      const nics = await host.domainNics(domid);
      expect(
        nics.map((n) => [n.devid, n.bridge, n.type, n.model, n.vifName, n.rateBytesPerSec]),
      ).toEqual([
        [0, 'xenbr1', 'ioemu', 'e1000', 'web0', 1_250_000],
        [1, 'xenbr0', 'vif', null, `vif${domid}.1`, null],
      ]);
      // MACs are stable per name and devid, in Xen's OUI.
      for (const n of nics) expect(n.mac).toMatch(/^00:16:3e:/);
      // The metrics follow the vifs.
      await host.nicDetach(domid, 0);
      const snap = await host.metricsSnapshot();
      expect(snap.domains.find((d) => d.domid === domid)?.nets.map((n) => n.id)).toEqual([1]);
      // An attached vif survives a reboot (libxl's stored configuration keeps it).
      await host.nicAttach(domid, 'bridge=xenbr0, mac=00:16:3e:00:00:aa');
      expect((await host.domainNics(domid)).map((n) => n.mac)).toContain('00:16:3e:00:00:aa');
    } finally {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('knows its bridges; the default db-01 has a vif on each', async () => {
    const host = createSimulatedHost();
    try {
      expect(SIMULATED_BRIDGES).toEqual(['xenbr0', 'xenbr1']);
      const domid = await host.domidByName('db-01');
      const nics = await host.domainNics(domid as number);
      expect(nics.map((n) => n.bridge)).toEqual(['xenbr0', 'xenbr1']);
      expect(nics[0]?.ip).toBe('192.0.2.21');
      expect(nics[1]?.rateBytesPerSec).toBe(10_000_000);
    } finally {
      await host.close();
    }
  });
});
