import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isHypervisorError } from '../src/errors.js';
import {
  openLibxlHost,
  stateFromDominfo,
  toDomainInfo,
  typeFromDominfo,
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

describe('the native addon door', () => {
  const saved = process.env.XENDECK_NATIVE_ADDON;
  afterEach(() => {
    if (saved === undefined) delete process.env.XENDECK_NATIVE_ADDON;
    else process.env.XENDECK_NATIVE_ADDON = saved;
  });

  it('looks at XENDECK_NATIVE_ADDON first, then build/Release and build/Debug', () => {
    process.env.XENDECK_NATIVE_ADDON = '/nonexistent/xendeck_xen.node';
    const list = nativeCandidates();
    expect(list[0]).toBe('/nonexistent/xendeck_xen.node');
    expect(list.slice(1).map((p) => p.replace(/.*\/build\//, 'build/'))).toEqual([
      'build/Release/xendeck_xen.node',
      'build/Debug/xendeck_xen.node',
    ]);
  });

  const built = nativeCandidates().some((p) => existsSync(p));
  it.skipIf(!built)('the built addon validates arguments with a usage line', async () => {
    const addon = loadNative();
    expect(addon.linkedLibraries()).toEqual(['xenlight', 'xenstore', 'xentoollog', 'xenstat']);
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
