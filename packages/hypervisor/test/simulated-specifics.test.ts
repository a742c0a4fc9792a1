import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigScanError, scanConfigName, scanXlConfig } from '../src/config-scan.js';
import { diffDomains } from '../src/domain-events.js';
import { HypervisorError } from '../src/errors.js';
import { createSimulatedHost, type SimulatedHost } from '../src/simulated-host.js';
import type { DomainEvent, DomainInfo } from '../src/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof HypervisorError ? e.code : `not a HypervisorError: ${String(e)}`;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-spec-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('simulated host specifics', () => {
  let host: SimulatedHost;
  const events: DomainEvent[] = [];
  afterEach(async () => {
    await host?.close();
    events.length = 0;
  });
  const open = (opts: Parameters<typeof createSimulatedHost>[0] = {}) => {
    host = createSimulatedHost({ shutdownDelayMs: 100, createDelayMs: 10, ...opts });
    host.onDomainEvent((e) => events.push(e));
    return host;
  };

  it('says it is simulated and starts with dom0 plus guests of mixed types and states', async () => {
    const h = open();
    expect(h.kind).toBe('simulated');
    expect((await h.hostInfo()).hostname).toBe('simulated');
    const list = await h.listDomains();
    expect(list[0]).toMatchObject({
      domid: 0,
      name: 'Domain-0',
      memoryKiB: 1536 * 1024,
      maxMemoryKiB: 1536 * 1024,
    });
    expect(new Set(list.map((d) => d.type)).size).toBeGreaterThan(1);
    expect(new Set(list.map((d) => d.state)).size).toBeGreaterThan(1);
    expect(await h.dom0Memory()).toEqual({
      currentKiB: 1536 * 1024,
      targetKiB: 1536 * 1024,
      maxKiB: 1536 * 1024,
      minKiB: 512 * 1024,
    });
  });

  it('dom0 memory moves toward a new target at balloonMiBPerSecond', async () => {
    const h = open({ balloonMiBPerSecond: 1000 });
    await h.setMemoryTarget(0, 1024 * 1024);
    expect((await h.dom0Memory()).targetKiB).toBe(1024 * 1024);
    await sleep(200);
    const mid = (await h.dom0Memory()).currentKiB;
    expect(mid).toBeLessThan(1536 * 1024);
    expect(mid).toBeGreaterThan(1024 * 1024);
    await sleep(500);
    expect((await h.dom0Memory()).currentKiB).toBe(1024 * 1024);
  });

  it('dom0 floor is max(128 MiB, dom0MinMiB); domU floor is 32 MiB', async () => {
    const h = open({ dom0MinMiB: 64 });
    expect((await h.dom0Memory()).minKiB).toBe(128 * 1024);
    const id = h.external.create({ name: 'small', memoryMiB: 256 });
    const err = await h.setMemoryTarget(id, 16 * 1024).catch((e: HypervisorError) => e);
    expect(err).toMatchObject({
      code: 'MEMORY_OUT_OF_RANGE',
      details: { minKiB: 32 * 1024, maxKiB: 256 * 1024, requestedKiB: 16 * 1024 },
    });
  });

  it('shutdown passes through `shutdown`, then the domain goes away', async () => {
    const h = open();
    const id = h.external.create({ name: 'guest', state: 'running' });
    await sleep(50);
    await h.domainOperation(id, 'shutdown');
    expect((await h.domainInfo(id)).state).toBe('shutdown');
    expect(events.at(-1)).toMatchObject({ kind: 'changed', previousState: 'running' });
    await sleep(250);
    expect(await codeOf(h.domainInfo(id))).toBe('DOMAIN_NOT_FOUND');
    expect(events.at(-1)).toEqual({ kind: 'removed', domid: id, name: 'guest' });
  });

  it('reboot keeps the name and gives a new domid', async () => {
    const h = open();
    const id = h.external.create({ name: 'rb', memoryMiB: 256 });
    await h.domainOperation(id, 'reboot');
    await sleep(250);
    const again = await h.domidByName('rb');
    expect(again).toBeDefined();
    expect(again).not.toBe(id);
    expect(events.some((e) => e.kind === 'removed' && e.domid === id)).toBe(true);
    expect(events.some((e) => e.kind === 'added' && e.domain.domid === again)).toBe(true);
  });

  it('outside changes: create/destroy are announced by themselves, pause only at refresh()', async () => {
    const h = open();
    const id = h.external.create({ name: 'ext' });
    await sleep(60);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'added' }));
    events.length = 0;
    h.external.pause('ext');
    await sleep(60);
    expect(events).toEqual([]);
    await h.refresh();
    expect(events).toEqual([
      expect.objectContaining({ kind: 'changed', previousState: 'running' }),
    ]);
    h.external.destroy('ext');
    await sleep(60);
    expect(events.at(-1)).toEqual({ kind: 'removed', domid: id, name: 'ext' });
    expect(() => h.external.destroy('Domain-0')).toThrow(/dom0/);
    expect(() => h.external.pause('nope')).toThrow(HypervisorError);
  });

  it('cpuTimeNs grows for running domains and not for paused ones', async () => {
    const h = open({
      initialDomains: [
        { name: 'r', state: 'running' },
        { name: 'p', state: 'paused' },
      ],
    });
    const r = (await h.domidByName('r')) as number;
    const p = (await h.domidByName('p')) as number;
    await sleep(100);
    expect((await h.domainInfo(r)).cpuTimeNs).toBeGreaterThan(0);
    expect((await h.domainInfo(p)).cpuTimeNs).toBe(0);
  });

  it('createDomain reads name/memory/maxmem/vcpus/type and reports parse errors as CREATE_FAILED', async () => {
    const h = open();
    const good = join(dir, 'hvm.cfg');
    await writeFile(
      good,
      'name = "win"\nbuilder = "hvm"\nmemory = 2048\nmaxmem = 4096\nvcpus = 2\ndisk = [\n  "phy:/dev/vg0/win,xvda,w",\n]\n',
    );
    const r = await h.createDomain(good);
    expect(await h.domainInfo(r.domid)).toMatchObject({
      name: 'win',
      type: 'hvm',
      memoryKiB: 2048 * 1024,
      maxMemoryKiB: 4096 * 1024,
      vcpus: 2,
    });
    const bad = join(dir, 'bad.cfg');
    await writeFile(bad, 'name = "bad"\nmemory 128\n');
    const err = await h.createDomain(bad).catch((e: HypervisorError) => e);
    expect(err).toMatchObject({ code: 'CREATE_FAILED', details: { line: 2 } });
    expect((err as Error).message).toMatch(/line 2/);
    const noName = join(dir, 'noname.cfg');
    await writeFile(noName, 'memory = 128\n');
    expect(await codeOf(h.createDomain(noName))).toBe('CREATE_FAILED');
    expect(await codeOf(h.createDomain('relative.cfg'))).toBe('CONFIG_NOT_FOUND');
    expect(await codeOf(h.createDomain(dir))).toBe('CONFIG_NOT_FOUND');
  });
});

describe('tiny config scanner', () => {
  it('reads strings, numbers, lists and comments', () => {
    const m = scanXlConfig(
      "# c\nname = \"a#b\" # trailing\nmemory = 0x80\nvif = [ 'bridge=xenbr0' ]\nkernel='/boot/vmlinuz'\n",
    );
    expect(m.get('name')).toBe('a#b');
    expect(m.get('memory')).toBe(128);
    expect(m.get('vif')).toEqual({ list: "[ 'bridge=xenbr0' ]" });
    expect(m.get('kernel')).toBe('/boot/vmlinuz');
  });
  it('rejects unclosed strings and lists with the line number', () => {
    expect(() => scanXlConfig('name = "x\n')).toThrow(ConfigScanError);
    expect(() => scanXlConfig('a = 1\ndisk = [ "x",\n')).toThrow(/line 2/);
    expect(() => scanXlConfig('memory = lots\n')).toThrow(/line 1/);
  });
  it('scanConfigName takes the last name line', () => {
    expect(scanConfigName('name = "a"\nname=\'b\' # x\n')).toBe('b');
    expect(scanConfigName('memory = 1\n')).toBeUndefined();
  });
});

describe('diffDomains', () => {
  const d = (
    domid: number,
    name: string,
    state: DomainInfo['state'],
    uuid = `u${domid}`,
  ): DomainInfo => ({
    domid,
    name,
    uuid,
    state,
    type: 'pv',
    memoryKiB: 1,
    maxMemoryKiB: 1,
    vcpus: 1,
    maxVcpus: 1,
    cpuTimeNs: 0,
  });
  it('reports removed, added, then changed; a reused domid is removed + added', () => {
    const prev = new Map([
      [1, d(1, 'a', 'running')],
      [2, d(2, 'b', 'running')],
      [3, d(3, 'c', 'blocked')],
    ]);
    const ev = diffDomains(prev, [
      d(2, 'b', 'paused'),
      d(3, 'x', 'running', 'other'),
      d(4, 'n', 'running'),
    ]);
    expect(ev.map((e) => `${e.kind}:${e.kind === 'removed' ? e.domid : e.domain.domid}`)).toEqual([
      'removed:1',
      'removed:3',
      'added:3',
      'added:4',
      'changed:2',
    ]);
    expect(diffDomains(prev, [...prev.values()])).toEqual([]);
  });
});
