import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

describe('simulated host: configs read with @xendeck/xl-config', () => {
  let host: SimulatedHost | undefined;
  afterEach(async () => {
    await host?.close();
  });

  it('reads what the scanner could not: several statements per line, +=, an empty CD drive, maxvcpus, on_reboot', async () => {
    host = createSimulatedHost({ createDelayMs: 5, shutdownDelayMs: 20 });
    const cfg = join(dir, 'xlgrammar.cfg');
    await writeFile(
      cfg,
      [
        'name = "sim"; type = "hvm" # two statements',
        'memory = 512; maxmem = 1024',
        'vcpus = 2',
        'maxvcpus = 4',
        "disk = [ 'phy:/dev/vg0/sim,hda,w',",
        "         # 'phy:/dev/vg0/old,hdb,w',",
        "         ',,hdc:cdrom,r' ]",
        "vif = [ 'bridge=xenbr0' ]",
        "vif += [ 'bridge=xenbr1' ]",
        'vnclisten = "127.0.0.1:1"',
        'on_reboot = "destroy"',
        '',
      ].join('\n'),
    );
    const { domid } = await host.createDomain(cfg);
    expect(await host.domainInfo(domid)).toMatchObject({
      name: 'sim',
      type: 'hvm',
      memoryKiB: 512 * 1024,
      maxMemoryKiB: 1024 * 1024,
      vcpus: 2,
      maxVcpus: 4,
    });
    expect(await host.domainDisks(domid)).toEqual([
      { vdev: 'hda', target: '/dev/vg0/sim', devtype: 'disk', format: 'raw', readonly: false },
      { vdev: 'hdc', target: null, devtype: 'cdrom', format: 'empty', readonly: true },
    ]);
    const m = (await host.metricsSnapshot()).domains.find((d) => d.domid === domid);
    expect(m?.nets.map((n) => n.id)).toEqual([0, 1]);
    expect(m?.vbds).toHaveLength(1);
    expect((await host.vncEndpoint(domid))?.host).toBe('127.0.0.1');
    // No `serial = "pty"`: no emulated serial port, as with xl.
    const e = await host.openTextConsole(domid, 'serial').catch((x: HypervisorError) => x);
    expect(e).toMatchObject({ code: 'CONSOLE_UNAVAILABLE' });
    // on_reboot = "destroy": a reboot ends the domain instead of re-creating it.
    await host.domainOperation(domid, 'reboot');
    await sleep(80);
    expect(await host.domidByName('sim')).toBeUndefined();
  });

  it("config errors are CREATE_FAILED with xl-config's diagnostics (line, message)", async () => {
    host = createSimulatedHost({ createDelayMs: 5 });
    const cases: [string, string, number | undefined, RegExp][] = [
      ['baddisk', 'name = "d"\n\ndisk = [ \'garbage=,\' ]\n', 3, /line 3: .*bad disk syntax/],
      ['badtype', 'name = "t"\ntype = "xen"\n', 2, /line 2/],
      ['bareword', 'name = "b"\nmemory = lots\n', 2, /line 2: memory: bare word/],
      ['cpus', 'name = "c"\nvcpus = 4\nmaxvcpus = 2\n', 3, /line 3: maxvcpus \(2\) is below/],
      ['novcpu', 'name = "z"\nvcpus = 0\n', undefined, /vcpus must be at least 1/],
      ['maxmem', 'name = "m"\nmemory = 512\nmaxmem = 256\n', 3, /line 3: maxmem \(256 MiB\)/],
    ];
    for (const [file, text, line, message] of cases) {
      const path = join(dir, `${file}.cfg`);
      await writeFile(path, text);
      const err = await host.createDomain(path).catch((e: unknown) => e);
      expect(err, file).toBeInstanceOf(HypervisorError);
      const e = err as HypervisorError;
      expect(e.code, file).toBe('CREATE_FAILED');
      expect(e.message, file).toMatch(message);
      expect(e.details.line, file).toBe(line);
      if (line !== undefined) {
        expect(e.details.diagnostics, file).toContainEqual(
          expect.objectContaining({ line, message: expect.any(String) }),
        );
      }
    }
  });
});

describe('simulated host: CD-ROM drives', () => {
  let host: SimulatedHost | undefined;
  afterEach(async () => {
    await host?.close();
  });

  it('the default HVM guest has an empty CD drive; PV guests get one xvda volume', async () => {
    host = createSimulatedHost();
    const db = (await host.domidByName('db-01')) as number;
    expect((await host.domainDisks(db)).map((d) => `${d.vdev}:${d.devtype}:${d.target}`)).toEqual([
      'hda:disk:/dev/vg0/db-01',
      'hdc:cdrom:null',
    ]);
    const pv = (await host.domidByName('build-pv')) as number;
    expect(await host.domainDisks(pv)).toEqual([
      {
        vdev: 'xvda',
        target: '/dev/vg0/build-pv',
        devtype: 'disk',
        format: 'raw',
        readonly: false,
      },
    ]);
    expect(await host.domainDisks(0)).toEqual([]);
    // Specs keep the serial port HVM domains always had here.
    (await host.openTextConsole(db, 'serial')).close();
  });

  it('insert and eject survive a reboot; bad arguments are refused with the documented codes', async () => {
    host = createSimulatedHost({ shutdownDelayMs: 20 });
    const iso = join(dir, 'a.iso');
    await writeFile(iso, 'not really an ISO');
    await mkdir(join(dir, 'adir.iso'), { recursive: true });
    const db = (await host.domidByName('db-01')) as number;
    await host.cdInsert(db, 'hdc', iso);
    expect((await host.domainDisks(db))[1]).toEqual({
      vdev: 'hdc',
      target: iso,
      devtype: 'cdrom',
      format: 'raw',
      readonly: true,
    });
    // What domainDisks returned is a copy: changing it changes nothing.
    const copy = await host.domainDisks(db);
    (copy[1] as { target: string | null }).target = '/elsewhere';
    expect((await host.domainDisks(db))[1]?.target).toBe(iso);

    const h = host;
    const refused: [() => Promise<unknown>, string][] = [
      [() => h.cdInsert(db, 'hdd', iso), 'INVALID_ARGUMENT'],
      [() => h.cdInsert(db, 'hda', iso), 'INVALID_ARGUMENT'],
      [() => h.cdInsert(db, 'hdc; rm', iso), 'INVALID_ARGUMENT'],
      [() => h.cdInsert(db, 'hdc', join(dir, 'missing.iso')), 'INVALID_ARGUMENT'],
      [() => h.cdInsert(db, 'hdc', 'relative.iso'), 'INVALID_ARGUMENT'],
      [() => h.cdInsert(db, 'hdc', join(dir, 'adir.iso')), 'INVALID_ARGUMENT'],
      [() => h.cdEject(db, 'xvdz'), 'INVALID_ARGUMENT'],
      [() => h.cdEject(0, 'hdc'), 'INVALID_STATE'],
      [() => h.cdEject(30_000, 'hdc'), 'DOMAIN_NOT_FOUND'],
      [() => h.cdEject(0x7ff0, 'hdc'), 'INVALID_ARGUMENT'],
      [() => h.cdEject(-1, 'hdc'), 'INVALID_ARGUMENT'],
    ];
    for (const [call, code] of refused) expect(await codeOf(call()), String(call)).toBe(code);
    expect((await host.domainDisks(db))[1]?.target).toBe(iso);

    await host.domainOperation(db, 'reboot');
    await sleep(80);
    const again = (await host.domidByName('db-01')) as number;
    expect(again).not.toBe(db);
    expect((await host.domainDisks(again))[1]?.target).toBe(iso);
    await host.cdEject(again, 'hdc');
    expect((await host.domainDisks(again))[1]).toMatchObject({ target: null, format: 'empty' });
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
