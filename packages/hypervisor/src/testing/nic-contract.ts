/**
 * The contract cases of `domainNics`, `nicAttach` and `nicDetach`, for every backend: the
 * simulated host everywhere (`test/nics.simulated.test.ts`), the libxl backend inside the Xen lab
 * (`test/nics.lab.test.ts`, checked against `xl network-list`). Kept beside, not inside,
 * `contract.ts` so the vif cases run on their own guest. Uses vitest; call it from a test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHypervisorError } from '../errors.js';
import type { DomainNic, Hypervisor } from '../types.js';

/** What a backend's test file hands to {@link describeNicContract}. */
export interface NicContractSetup {
  host: Hypervisor;
  /**
   * A small PV guest config whose `vif` list is exactly `vif = [ 'mac=<guest.mac>, bridge=<bridge>' ]`
   * (created and destroyed by the cases; a leftover domain of that name is destroyed first).
   */
  guest: { configPath: string; name: string; mac: string };
  /** A dom0 bridge that exists (the lab's `xenbr0`). */
  bridge: string;
  /** A bridge name that does not exist on the host. */
  missingBridge: string;
  /**
   * What the host says outside the backend (the lab runs `xl network-list <domid>`): devid and
   * MAC of each vif. Omitted on the simulated host.
   */
  observe?(domid: number): Promise<{ devid: number; mac: string }[]>;
  teardown(): Promise<void>;
}

/** Awaits `p` and returns the HypervisorError code it rejects with; fails on success or another error. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isHypervisorError(err)) return err.code;
    throw new Error(`expected a HypervisorError, got ${String(err)}`);
  }
  throw new Error('expected a rejection, but the call succeeded');
}

const brief = (nics: DomainNic[]) => nics.map((n) => ({ devid: n.devid, mac: n.mac }));

/** Declares the vif contract for one backend; `setup` runs once before the cases. */
export function describeNicContract(
  name: string,
  setup: () => Promise<NicContractSetup>,
  caseTimeoutMs = 180_000,
): void {
  describe(`Hypervisor vif contract: ${name}`, () => {
    let ctx: NicContractSetup;
    let host: Hypervisor;
    let domid = -1;

    beforeAll(async () => {
      ctx = await setup();
      host = ctx.host;
      const leftover = await host.domidByName(ctx.guest.name);
      if (leftover !== undefined) await host.domainOperation(leftover, 'destroy');
      domid = (await host.createDomain(ctx.guest.configPath)).domid;
    }, caseTimeoutMs);

    afterAll(async () => {
      if (domid >= 0) await host.domainOperation(domid, 'destroy').catch(() => {});
      await ctx?.teardown();
    }, caseTimeoutMs);

    it('refuses bad domids, unknown domains and dom0', async () => {
      expect(await codeOf(host.domainNics(-1))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(host.domainNics(1.5))).toBe('INVALID_ARGUMENT');
      const unused = Math.max(...(await host.listDomains()).map((d) => d.domid)) + 1000;
      expect(await codeOf(host.domainNics(unused))).toBe('DOMAIN_NOT_FOUND');
      expect(await codeOf(host.nicAttach(unused, `bridge=${ctx.bridge}`))).toBe('DOMAIN_NOT_FOUND');
      expect(await codeOf(host.nicDetach(unused, 0))).toBe('DOMAIN_NOT_FOUND');
      expect(await host.domainNics(0)).toEqual([]);
      expect(await codeOf(host.nicAttach(0, `bridge=${ctx.bridge}`))).toBe('INVALID_STATE');
      expect(await codeOf(host.nicDetach(0, 0))).toBe('INVALID_STATE');
    });

    it("lists the config's vif: devid 0, its MAC and bridge, vif<domid>.0", async () => {
      const nics = await host.domainNics(domid);
      expect(nics).toEqual([
        {
          devid: 0,
          mac: ctx.guest.mac,
          bridge: ctx.bridge,
          vifName: `vif${domid}.0`,
          ip: null,
          model: null,
          rateBytesPerSec: null,
          backendDomid: 0,
          type: 'vif',
        },
      ]);
      if (ctx.observe) expect(await ctx.observe(domid)).toEqual(brief(nics));
    });

    it('refuses bad specs and devids before anything changes', async () => {
      for (const spec of ['', ' , ', 'mac=zz:16:3e:00:00:01', 'colour=blue', 'rate=fast', 'a\nb']) {
        expect(await codeOf(host.nicAttach(domid, spec)), spec).toBe('INVALID_ARGUMENT');
      }
      expect(await codeOf(host.nicAttach(domid, 42 as unknown as string))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(host.nicDetach(domid, -1))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(host.nicDetach(domid, 0.5))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(host.nicDetach(domid, 7))).toBe('INVALID_ARGUMENT');
      expect((await host.domainNics(domid)).map((n) => n.devid)).toEqual([0]);
    });

    it(
      'a missing bridge fails the attach (hotplug) and leaves the vifs as they were',
      async () => {
        expect(await codeOf(host.nicAttach(domid, `bridge=${ctx.missingBridge}`))).toBe(
          'LIBXL_ERROR',
        );
        const nics = await host.domainNics(domid);
        expect(nics.map((n) => n.devid)).toEqual([0]);
        if (ctx.observe) expect(await ctx.observe(domid)).toEqual(brief(nics));
      },
      caseTimeoutMs,
    );

    it(
      'attaches a vif with MAC, rate and ip; another without a MAC gets 00:16:3e; detaches both',
      async () => {
        const mac = '00:16:3e:5a:00:01';
        const added = await host.nicAttach(
          domid,
          `bridge=${ctx.bridge}, mac=${mac.toUpperCase()}, rate=1MB/s, ip=192.0.2.77`,
        );
        expect(added).toEqual({
          devid: 1,
          mac,
          bridge: ctx.bridge,
          vifName: `vif${domid}.1`,
          ip: '192.0.2.77',
          model: null,
          rateBytesPerSec: 1_000_000,
          backendDomid: 0,
          type: 'vif',
        });
        const second = await host.nicAttach(domid, `bridge=${ctx.bridge}`);
        expect(second.devid).toBe(2);
        expect(second.mac).toMatch(/^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$/);
        expect(second.rateBytesPerSec).toBeNull();
        const nics = await host.domainNics(domid);
        expect(nics.map((n) => n.devid)).toEqual([0, 1, 2]);
        expect(nics[1]).toEqual(added);
        if (ctx.observe) expect(await ctx.observe(domid)).toEqual(brief(nics));

        await host.nicDetach(domid, 1);
        await host.nicDetach(domid, 2);
        const after = await host.domainNics(domid);
        expect(after.map((n) => n.devid)).toEqual([0]);
        if (ctx.observe) expect(await ctx.observe(domid)).toEqual(brief(after));
        expect(await codeOf(host.nicDetach(domid, 1))).toBe('INVALID_ARGUMENT');
      },
      caseTimeoutMs,
    );
  });
}
