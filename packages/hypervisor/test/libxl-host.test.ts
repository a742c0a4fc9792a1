import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isHypervisorError } from '../src/errors.js';
import {
  openLibxlHost,
  stateFromDominfo,
  stateFromXenstat,
  toDomainDisk,
  toDomainInfo,
  toMetricsSnapshot,
  typeFromDominfo,
  vbdBackendType,
} from '../src/libxl-host.js';
import { loadNative, nativeCandidates } from '../src/native.js';
import { xenPresent } from '../src/xen-present.js';

const flags = {
  dying: false,
  shutdown: false,
  shutdownReason: -1,
  paused: false,
  running: false,
  blocked: false,
};

describe('libxl_dominfo conversion', () => {
  it('state precedence: dying > crashed > shutdown > paused > running > blocked', () => {
    expect(
      stateFromDominfo({ ...flags, dying: true, shutdown: true, paused: true, running: true }),
    ).toBe('dying');
    expect(stateFromDominfo({ ...flags, shutdown: true, shutdownReason: 3, paused: true })).toBe(
      'crashed',
    );
    expect(stateFromDominfo({ ...flags, shutdown: true, shutdownReason: 0, paused: true })).toBe(
      'shutdown',
    );
    expect(stateFromDominfo({ ...flags, paused: true, running: true })).toBe('paused');
    expect(stateFromDominfo({ ...flags, running: true, blocked: true })).toBe('running');
    expect(stateFromDominfo({ ...flags, blocked: true })).toBe('blocked');
    expect(stateFromDominfo(flags)).toBe('running');
  });

  it('domain types and xl-list memory (current + outstanding, KiB)', () => {
    expect([typeFromDominfo(1), typeFromDominfo(2), typeFromDominfo(3)]).toEqual([
      'hvm',
      'pv',
      'pvh',
    ]);
    const d = toDomainInfo({
      ...flags,
      blocked: true,
      domid: 3,
      uuid: '0f2c6a8e-1d3b-4c5a-9e7f-8a6b5c4d3e2f',
      name: null,
      currentMemKiB: 131072,
      outstandingMemKiB: 1024,
      maxMemKiB: 132096,
      cpuTimeNs: 5e9,
      vcpuOnline: 1,
      vcpuMaxId: 1,
      domainType: 2,
    });
    expect(d).toMatchObject({
      domid: 3,
      name: '(null)',
      type: 'pv',
      state: 'blocked',
      memoryKiB: 132096,
      maxVcpus: 2,
      vcpus: 1,
    });
  });
});

describe('xenstat node conversion', () => {
  const xflags = {
    dying: false,
    crashed: false,
    shutdown: false,
    paused: false,
    running: false,
    blocked: false,
  };

  it('state precedence from the xenstat_domain_* flags matches libxl_dominfo', () => {
    expect(stateFromXenstat({ ...xflags, dying: true, crashed: true, paused: true })).toBe('dying');
    expect(stateFromXenstat({ ...xflags, crashed: true, paused: true })).toBe('crashed');
    expect(stateFromXenstat({ ...xflags, shutdown: true, paused: true })).toBe('shutdown');
    expect(stateFromXenstat({ ...xflags, paused: true, running: true })).toBe('paused');
    expect(stateFromXenstat({ ...xflags, running: true, blocked: true })).toBe('running');
    expect(stateFromXenstat({ ...xflags, blocked: true })).toBe('blocked');
    expect(stateFromXenstat(xflags)).toBe('running');
  });

  it('vbd backend types of Xen 4.17 libxenstat: 1 blkback, 2 blktap, 0 qdisk', () => {
    expect([1, 2, 0, 7].map(vbdBackendType)).toEqual(['vbd', 'tap', 'qdisk', 'unknown']);
  });

  it('renames fields to the contract, keeps units (bytes, ns), sorts by domid, unlimited max → null', () => {
    const s = toMetricsSnapshot({
      monotonicNs: 5e9,
      collectNs: 2e6,
      numCpus: 2,
      cpuHz: 2.4e9,
      totMemBytes: 3 * 2 ** 30,
      freeMemBytes: 2 ** 30,
      domains: [
        {
          ...xflags,
          blocked: true,
          domid: 4,
          name: 'g',
          cpuNs: 7e9,
          numVcpus: 2,
          onlineVcpus: 1,
          curMemBytes: 2 ** 27,
          maxMemBytes: 2 ** 27 + 2 ** 20,
          networks: [
            {
              id: 0,
              rbytes: 1160,
              rpackets: 9,
              rerrs: 1,
              rdrop: 2,
              tbytes: 2016,
              tpackets: 12,
              terrs: 3,
              tdrop: 4,
            },
          ],
          vbds: [
            {
              type: 1,
              dev: 51712,
              error: false,
              ooReqs: 1,
              rdReqs: 69,
              wrReqs: 16,
              rdSects: 16376,
              wrSects: 4000,
            },
          ],
        },
        {
          ...xflags,
          running: true,
          domid: 0,
          name: 'Domain-0',
          cpuNs: 1e9,
          numVcpus: 2,
          onlineVcpus: 2,
          curMemBytes: 2 ** 30,
          maxMemBytes: null,
          networks: [],
          vbds: [],
        },
      ],
    });
    expect(s.host).toEqual({
      nrCpus: 2,
      cpuHz: 2.4e9,
      totalMemoryBytes: 3 * 2 ** 30,
      freeMemoryBytes: 2 ** 30,
    });
    expect(s.domains.map((d) => d.domid)).toEqual([0, 4]);
    expect(s.domains[0]?.maxMemoryBytes).toBeNull();
    expect(s.domains[1]).toEqual({
      domid: 4,
      name: 'g',
      state: 'blocked',
      cpuNs: 7e9,
      onlineVcpus: 1,
      maxVcpus: 2,
      memoryBytes: 2 ** 27,
      maxMemoryBytes: 2 ** 27 + 2 ** 20,
      nets: [
        {
          id: 0,
          rxBytes: 1160,
          rxPackets: 9,
          rxErrors: 1,
          rxDrops: 2,
          txBytes: 2016,
          txPackets: 12,
          txErrors: 3,
          txDrops: 4,
        },
      ],
      vbds: [
        {
          devid: 51712,
          backendType: 'vbd',
          statsAvailable: true,
          ooReqs: 1,
          rdReqs: 69,
          wrReqs: 16,
          rdSectors: 16376,
          wrSectors: 4000,
        },
      ],
    });
  });
});

describe('libxl_device_disk_list conversion (toDomainDisk)', () => {
  const raw = {
    vdev: 'xvda',
    pdevPath: '/dev/vg0/web',
    backend: 'phy',
    format: 'unknown',
    isCdrom: false,
    readwrite: true,
    removable: false,
    devid: 51712,
    backendPath: '/local/domain/0/backend/vbd/3/51712',
    backendParams: '/dev/vg0/web',
  };
  it('a phy disk is raw and writable', () => {
    expect(toDomainDisk(raw)).toEqual({
      vdev: 'xvda',
      target: '/dev/vg0/web',
      devtype: 'disk',
      format: 'raw',
      readonly: false,
    });
  });
  it('qdisk: the format comes from the params prefix ("aio" is raw)', () => {
    const q = {
      ...raw,
      backend: 'qdisk',
      pdevPath: '/img/a.qcow2',
      backendParams: 'qcow2:/img/a.qcow2',
    };
    expect(toDomainDisk(q).format).toBe('qcow2');
    const cd = {
      ...q,
      vdev: 'hdc',
      isCdrom: true,
      readwrite: false,
      pdevPath: '/iso/x.iso',
      backendParams: 'aio:/iso/x.iso',
    };
    expect(toDomainDisk(cd)).toEqual({
      vdev: 'hdc',
      target: '/iso/x.iso',
      devtype: 'cdrom',
      format: 'raw',
      readonly: true,
    });
  });
  it('an ejected CD-ROM (params "") has no target and format empty; a known format wins', () => {
    const ejected = { ...raw, vdev: 'hdc', backend: 'qdisk', isCdrom: true, readwrite: false };
    expect(toDomainDisk({ ...ejected, pdevPath: '', backendParams: '' })).toMatchObject({
      target: null,
      format: 'empty',
    });
    expect(toDomainDisk({ ...ejected, pdevPath: null, backendParams: null }).target).toBeNull();
    expect(toDomainDisk({ ...raw, format: 'vhd' }).format).toBe('vhd');
  });
});

describe('the native addon door', () => {
  const saved = process.env.XENDECK_NATIVE_ADDON;
  afterEach(() => {
    if (saved === undefined) delete process.env.XENDECK_NATIVE_ADDON;
    else process.env.XENDECK_NATIVE_ADDON = saved;
  });

  it('looks at build/Release then build/Debug, or only at XENDECK_NATIVE_ADDON when set', () => {
    delete process.env.XENDECK_NATIVE_ADDON;
    expect(nativeCandidates().map((p) => p.replace(/.*\/build\//, 'build/'))).toEqual([
      'build/Release/xendeck_xen.node',
      'build/Debug/xendeck_xen.node',
    ]);
    process.env.XENDECK_NATIVE_ADDON = '/nonexistent/xendeck_xen.node';
    expect(nativeCandidates()).toEqual(['/nonexistent/xendeck_xen.node']);
  });

  const built = nativeCandidates().some((p) => existsSync(p));
  it.skipIf(!built)('the built addon validates arguments with a usage line', async () => {
    const addon = loadNative();
    expect(addon.linkedLibraries()).toEqual([
      'xenlight',
      'xenstore',
      'xentoollog',
      'xenstat',
      'xenctrl',
    ]);
    expect(() => (addon.openContext as unknown as (x: number) => unknown)(1)).toThrow(
      /usage: openContext\(\)/,
    );
    const Ctor = (addon as unknown as { LibxlContext: new (x: unknown) => unknown }).LibxlContext;
    expect(() => new Ctor(1)).toThrow(TypeError);
  });

  it.skipIf(!built || xenPresent())(
    'without Xen, libxl_ctx_alloc fails with a libxl error number, not a crash',
    async () => {
      const err = await loadNative()
        .openContext()
        .then(
          () => undefined,
          (e: unknown) => e as Error & { libxlError?: number; call?: string },
        );
      expect(err?.call).toBe('libxl_ctx_alloc');
      expect(err?.libxlError).toBeLessThan(0);
    },
  );
});

describe('openLibxlHost', () => {
  it.skipIf(xenPresent())('on a machine without /dev/xen it throws XEN_UNAVAILABLE', async () => {
    const err = await openLibxlHost().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isHypervisorError(err) && err.code).toBe('XEN_UNAVAILABLE');
    expect(String((err as Error).message)).toMatch(/privcmd/);
  });
});
