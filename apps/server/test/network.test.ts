/**
 * Network on the simulated host: the bridge view (simulated xenbr0/xenbr1; a real host's view
 * from a fake sysfs and ARP table), a domain's vifs, attach and detach with their xl twins in the
 * audit log, and `persist` editing the config's vif list with history (only when asked).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiErrorSchema,
  domainVifsSchema,
  liveChangeResultSchema,
  networkBridgesSchema,
  vifAttachResultSchema,
} from '@xendeck/api';
import type { DomainNic } from '@xendeck/hypervisor';
import { parseXlConfig } from '@xendeck/xl-config';
import pino from 'pino';
import type request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeView, networkBridges, parseProcNetArp } from '../src/network/bridges.js';
import { configVifDevids, findConfigVif } from '../src/network/vif-config.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
let cfgPath: string;
const CFG = `# nw test guest
name = "nw1"
type = "pv"
memory = 128
vif = [ 'mac=00:16:3e:00:00:01, bridge=xenbr0',  # the public one
        'bridge=xenbr1' ]
`;
const json = { 'Content-Type': 'application/json' };
const file = () => readFileSync(cfgPath, 'utf8');
const audits = (action: string) => f.logs.filter((l) => l.audit && l.action === action);
function expectError(res: request.Response, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  const body = apiErrorSchema.parse(res.body);
  expect(body.error.code).toBe(code);
  return body.error;
}
const attach = (body: unknown, name = 'nw1') =>
  f.admin
    .post(`/api/v1/domains/${name}/vifs`)
    .set(json)
    .send(body as object);

beforeEach(async () => {
  f = await makeFixture();
  cfgPath = join(f.config.configDir, 'nw1.cfg');
  writeFileSync(cfgPath, CFG);
  const started = await f.admin.post('/api/v1/domains/nw1/start').set(json).send({});
  expect(started.status, started.text).toBe(201);
});
afterEach(async () => {
  await f.cleanup();
});

describe('GET /network/bridges (simulated host)', () => {
  it('shows each bridge, its uplink first, and whose each vif is', async () => {
    const res = await f.admin.get('/api/v1/network/bridges').expect(200);
    const view = networkBridgesSchema.parse(res.body);
    expect(view.simulated).toBe(true);
    expect(view.bridges.map((b) => b.name)).toEqual(['xenbr0', 'xenbr1']);
    const domid = (await f.sim.domidByName('nw1')) as number;
    const br0 = view.bridges[0];
    expect(br0?.ports[0]).toMatchObject({ name: 'eth0', kind: 'uplink', domain: null });
    expect(br0?.ports).toContainEqual(
      expect.objectContaining({
        name: `vif${domid}.0`,
        kind: 'vif',
        domain: { name: 'nw1', domid },
        devid: 0,
        mac: '00:16:3e:00:00:01',
      }),
    );
    // db-01 (HVM) has an ip= on xenbr0 and a rate-limited e1000 on xenbr1, each with its -emu twin.
    const db = (await f.sim.domidByName('db-01')) as number;
    expect(br0?.ports.find((p) => p.name === `vif${db}.0`)).toMatchObject({
      ips: ['192.0.2.21'],
      ipSource: 'config',
    });
    const br1 = view.bridges[1];
    expect(br1?.ports.filter((p) => p.kind === 'uplink')).toEqual([]);
    expect(br1?.ports.find((p) => p.name === `vif${db}.1-emu`)).toMatchObject({
      kind: 'vif-emu',
      domain: { name: 'db-01', domid: db },
      model: 'e1000',
      rateBytesPerSec: 10_000_000,
    });
    expect(br1?.ports.map((p) => p.name)).toContain(`vif${domid}.1`);
  });

  it('is admin only', async () => {
    const { default: request } = await import('supertest');
    await request(f.app).get('/api/v1/network/bridges').expect(401);
  });
});

describe('a real host’s view from sysfs and /proc/net/arp', () => {
  it('reads bridges, ports and STP states, matches vifs to domains, IPs from the ARP table', async () => {
    const sys = join(f.stateDir, 'sys-class-net');
    const link = (name: string, facts: Record<string, string>) => {
      mkdirSync(join(sys, name), { recursive: true });
      for (const [k, v] of Object.entries(facts)) {
        mkdirSync(join(sys, name, k, '..'), { recursive: true });
        writeFileSync(join(sys, name, k), `${v}\n`);
      }
    };
    link('xenbr0', { address: 'CA:37:5E:E1:8B:7D', operstate: 'up', mtu: '1500' });
    mkdirSync(join(sys, 'xenbr0', 'bridge'));
    mkdirSync(join(sys, 'xenbr0', 'brif'));
    for (const p of ['enp0s2', 'vif7.0', 'vif9.0']) mkdirSync(join(sys, 'xenbr0', 'brif', p));
    link('enp0s2', { address: '52:54:00:12:34:56', operstate: 'up', 'brport/state': '3' });
    link('vif7.0', { address: 'fe:ff:ff:ff:ff:ff', operstate: 'up', 'brport/state': '3' });
    link('vif9.0', { address: 'fe:ff:ff:ff:ff:ff', operstate: 'down', 'brport/state': '0' });
    link('lo', { address: '00:00:00:00:00:00' });
    const arp = join(f.stateDir, 'arp');
    writeFileSync(
      arp,
      [
        'IP address       HW type     Flags       HW address            Mask     Device',
        '10.0.2.15        0x1         0x2         00:16:3e:5a:00:00     *        xenbr0',
        '10.0.2.99        0x1         0x0         00:00:00:00:00:00     *        xenbr0',
        '',
      ].join('\n'),
    );
    const nic: DomainNic = {
      devid: 0,
      mac: '00:16:3e:5a:00:00',
      bridge: 'xenbr0',
      vifName: 'vif7.0',
      ip: null,
      model: null,
      rateBytesPerSec: 125_000,
      backendDomid: 0,
      type: 'vif',
    };
    const hv = {
      kind: 'libxl',
      listDomains: async () => [
        { domid: 0, name: 'Domain-0' },
        { domid: 7, name: 'nw-pv', state: 'blocked' },
      ],
      domainNics: async (domid: number) => (domid === 7 ? [nic] : []),
    } as unknown as Fixture['sim'];
    const view = await networkBridges(
      { hypervisor: hv, logger: pino({ level: 'silent' }) },
      { sysClassNet: sys, procNetArp: arp },
    );
    expect(view).toEqual({
      simulated: false,
      bridges: [
        {
          name: 'xenbr0',
          mac: 'ca:37:5e:e1:8b:7d',
          operstate: 'up',
          mtu: 1500,
          ports: [
            {
              name: 'enp0s2',
              kind: 'uplink',
              domain: null,
              devid: null,
              mac: '52:54:00:12:34:56',
              ips: [],
              ipSource: null,
              rateBytesPerSec: null,
              model: null,
              state: 'forwarding',
              operstate: 'up',
            },
            {
              name: 'vif7.0',
              kind: 'vif',
              domain: { name: 'nw-pv', domid: 7 },
              devid: 0,
              mac: '00:16:3e:5a:00:00',
              ips: ['10.0.2.15'],
              ipSource: 'neighbour',
              rateBytesPerSec: 125_000,
              model: null,
              state: 'forwarding',
              operstate: 'up',
            },
            {
              name: 'vif9.0',
              kind: 'vif',
              domain: null,
              devid: 0,
              mac: null,
              ips: [],
              ipSource: null,
              rateBytesPerSec: null,
              model: null,
              state: 'disabled',
              operstate: 'down',
            },
          ],
        },
      ],
    });
  });

  it('parses /proc/net/arp, leaving incomplete entries out', () => {
    const m = parseProcNetArp(
      'IP address HW type Flags HW address Mask Device\n10.0.0.1 0x1 0x2 AA:BB:CC:DD:EE:FF * br0\n10.0.0.2 0x1 0x2 aa:bb:cc:dd:ee:ff * br0\n10.0.0.3 0x1 0x0 00:00:00:00:00:00 * br0\n',
    );
    expect([...m]).toEqual([['aa:bb:cc:dd:ee:ff', ['10.0.0.1', '10.0.0.2']]]);
  });

  it('a port named vifname= is the vif; a foreign tap is an uplink', () => {
    const [b] = bridgeView(
      [
        {
          name: 'br0',
          mac: null,
          operstate: null,
          mtu: null,
          ports: [
            { name: 'web0', mac: null, operstate: 'up', mtu: null, state: null },
            { name: 'web0-emu', mac: null, operstate: 'up', mtu: null, state: null },
            { name: 'tap3', mac: 'aa:aa:aa:aa:aa:aa', operstate: 'up', mtu: null, state: null },
          ],
        },
      ],
      [
        {
          domid: 3,
          name: 'web',
          nics: [
            {
              devid: 0,
              mac: '00:16:3e:00:00:03',
              bridge: 'br0',
              vifName: 'web0',
              ip: '192.0.2.1 192.0.2.2',
              model: 'e1000',
              rateBytesPerSec: null,
              backendDomid: 0,
              type: 'ioemu',
            },
          ],
        },
      ],
      new Map([['00:16:3e:00:00:03', ['10.1.1.1']]]),
    );
    expect(
      b?.ports.map((p) => [p.name, p.kind, p.domain?.name ?? null, p.ips, p.ipSource]),
    ).toEqual([
      ['tap3', 'uplink', null, [], null],
      ['web0', 'vif', 'web', ['192.0.2.1', '192.0.2.2'], 'config'],
      ['web0-emu', 'vif-emu', 'web', ['192.0.2.1', '192.0.2.2'], 'config'],
    ]);
  });
});

describe('vifs of a domain', () => {
  it("GET lists the running domain's vifs from its config", async () => {
    const res = await f.admin.get('/api/v1/domains/nw1/vifs').expect(200);
    const body = domainVifsSchema.parse(res.body);
    expect(body.hvm).toBe(false);
    expect(body.vifs.map((v) => [v.devid, v.mac === '00:16:3e:00:00:01', v.bridge])).toEqual([
      [0, true, 'xenbr0'],
      [1, false, 'xenbr1'],
    ]);
    expectError(await f.admin.get('/api/v1/domains/nope/vifs'), 404, 'DOMAIN_NOT_FOUND');
  });

  it('attach without persist: a generated 00:16:3e MAC, the xl twin audited, the file untouched', async () => {
    const res = await attach({ bridge: 'xenbr0', rate: '10Mb/s' });
    expect(res.status, res.text).toBe(200);
    const body = vifAttachResultSchema.parse(res.body);
    expect(body.vif).toMatchObject({ devid: 2, bridge: 'xenbr0', rateBytesPerSec: 1_250_000 });
    expect(body.vif.mac).toMatch(/^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$/);
    expect(body.command).toBe(
      `xl network-attach nw1 mac=${body.vif.mac} bridge=xenbr0 rate=10Mb/s`,
    );
    expect(body.persisted).toBeNull();
    expect(file()).toBe(CFG);
    expect(audits('domain.network-attach').at(-1)).toMatchObject({
      result: 'ok',
      command: body.command,
      persist: false,
      bridge: 'xenbr0',
      mac: body.vif.mac,
    });
    const domid = (await f.sim.domidByName('nw1')) as number;
    expect((await f.sim.domainNics(domid)).map((n) => n.devid)).toEqual([0, 1, 2]);
  });

  it('attach with persist appends the vif to the list, the rest of the file byte for byte, with history', async () => {
    const res = await attach({ bridge: 'xenbr1', mac: '00:16:3E:AB:CD:EF', persist: true });
    expect(res.status, res.text).toBe(200);
    const body = vifAttachResultSchema.parse(res.body);
    expect(body.vif.mac).toBe('00:16:3e:ab:cd:ef');
    expect(body.persisted).toMatchObject({ path: cfgPath, written: true });
    expect(body.persisted?.changes[0]?.key).toBe('vif');
    const text = file();
    expect(text.startsWith('# nw test guest\nname = "nw1"\ntype = "pv"\nmemory = 128\n')).toBe(
      true,
    );
    expect(parseXlConfig(text).get('vif')).toEqual([
      'mac=00:16:3e:00:00:01, bridge=xenbr0',
      'bridge=xenbr1',
      'mac=00:16:3e:ab:cd:ef, bridge=xenbr1',
    ]);
    const versions = await f.admin.get('/api/v1/configs/nw1/history').expect(200);
    expect(JSON.stringify(versions.body)).toContain('before-edit');
  });

  it('refuses an unknown bridge, a bad body, a model for PV, dom0, before anything changes', async () => {
    const e = expectError(await attach({ bridge: 'xenbr7' }), 404, 'BRIDGE_NOT_FOUND');
    expect(e.message).toContain('xenbr0, xenbr1');
    expectError(await attach({ bridge: 'xenbr0', mac: 'nope' }), 422, 'INVALID_INPUT');
    expectError(await attach({ bridge: 'xenbr0', rate: 'fast' }), 422, 'INVALID_INPUT');
    expectError(await attach({ bridge: 'xenbr0', script: '/tmp/x' }), 422, 'INVALID_INPUT');
    expectError(await attach({ bridge: 'xenbr0', model: 'e1000' }), 422, 'INVALID_INPUT');
    expectError(await attach({ bridge: 'xenbr0' }, 'Domain-0'), 409, 'INVALID_STATE');
    const domid = (await f.sim.domidByName('nw1')) as number;
    expect((await f.sim.domainNics(domid)).length).toBe(2);
    expect(file()).toBe(CFG);
  });

  it('an HVM guest takes a model', async () => {
    const res = await attach({ bridge: 'xenbr0', model: 'e1000' }, 'db-01');
    expect(res.status, res.text).toBe(200);
    expect(vifAttachResultSchema.parse(res.body).vif).toMatchObject({
      model: 'e1000',
      type: 'ioemu',
    });
  });

  it('detach without persist leaves the file; with persist removes the matching entry (by MAC, else by devid)', async () => {
    const d1 = await f.admin.delete('/api/v1/domains/nw1/vifs/1').set(json);
    expect(d1.status, d1.text).toBe(200);
    expect(liveChangeResultSchema.parse(d1.body)).toMatchObject({
      command: 'xl network-detach nw1 1',
      persisted: null,
    });
    expect(file()).toBe(CFG);
    const d0 = await f.admin.delete('/api/v1/domains/nw1/vifs/0?persist=1').set(json);
    expect(d0.status, d0.text).toBe(200);
    expect(parseXlConfig(file()).get('vif')).toEqual(['bridge=xenbr1']);
    expect(file()).toContain('# nw test guest\n');
    expect(audits('domain.network-detach').map((a) => [a.command, a.persist, a.result])).toEqual([
      ['xl network-detach nw1 1', false, 'ok'],
      ['xl network-detach nw1 0', true, 'ok'],
    ]);
    const domid = (await f.sim.domidByName('nw1')) as number;
    expect(await f.sim.domainNics(domid)).toEqual([]);
  });

  it('detach refuses what is not there, and a persist with no config entry, before detaching', async () => {
    expectError(await f.admin.delete('/api/v1/domains/nw1/vifs/9').set(json), 404, 'VIF_NOT_FOUND');
    expectError(await f.admin.delete('/api/v1/domains/nw1/vifs/x').set(json), 422, 'INVALID_INPUT');
    expectError(
      await f.admin.delete('/api/v1/domains/nw1/vifs/0?persist=maybe').set(json),
      422,
      'INVALID_INPUT',
    );
    const added = vifAttachResultSchema.parse((await attach({ bridge: 'xenbr0' })).body);
    const e = expectError(
      await f.admin.delete(`/api/v1/domains/nw1/vifs/${added.vif.devid}?persist=1`).set(json),
      409,
      'VIF_NOT_IN_CONFIG',
    );
    expect(e.message).toContain('nothing was changed');
    const domid = (await f.sim.domidByName('nw1')) as number;
    expect((await f.sim.domainNics(domid)).map((n) => n.devid)).toEqual([0, 1, 2]);
  });
});

describe('vif-config rule', () => {
  it('gives devids as libxl does and finds entries by MAC, else by devid', () => {
    const items = ['devid=5, bridge=a', 'bridge=b', 'mac=00:16:3e:00:00:09, bridge=c', 'bridge=d'];
    expect(configVifDevids(items)).toEqual([5, 6, 7, 8]);
    expect(findConfigVif(items, { mac: '00:16:3E:00:00:09', devid: 0 })).toBe(2);
    expect(findConfigVif(items, { mac: '00:16:3e:11:11:11', devid: 8 })).toBe(3);
    // devid 7 belongs to the entry with a fixed MAC, which is another vif.
    expect(findConfigVif(items, { mac: '00:16:3e:11:11:11', devid: 7 })).toBe(-1);
  });
});
