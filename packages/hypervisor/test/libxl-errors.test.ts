import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HypervisorError } from '../src/errors.js';
import { LIBXL_ERROR_NAMES, libxlErrorName, mapNativeError } from '../src/libxl-errors.js';

describe('libxl error mapping', () => {
  it('ERROR_DOMAIN_NOTFOUND (-21) → DOMAIN_NOT_FOUND with the libxl number and name', () => {
    const native = Object.assign(new Error('libxl_domain_info failed'), {
      call: 'libxl_domain_info',
      libxlError: -21,
    });
    const e = mapNativeError(native, { domid: 7 });
    expect(e).toBeInstanceOf(HypervisorError);
    const he = e as HypervisorError;
    expect(he.code).toBe('DOMAIN_NOT_FOUND');
    expect(he.details).toMatchObject({
      domid: 7,
      libxlError: -21,
      libxlErrorName: 'ERROR_DOMAIN_NOTFOUND',
      call: 'libxl_domain_info',
    });
    expect(he.message).toContain('domid 7');
  });

  it('other libxl errors → LIBXL_ERROR with details.libxlError / libxlErrorName', () => {
    const he = mapNativeError(
      Object.assign(new Error('x'), { call: 'libxl_domain_pause', libxlError: -3 }),
    ) as HypervisorError;
    expect(he.code).toBe('LIBXL_ERROR');
    expect(he.details).toMatchObject({
      libxlError: -3,
      libxlErrorName: 'ERROR_FAIL',
      call: 'libxl_domain_pause',
    });
    expect(
      (mapNativeError(Object.assign(new Error('x'), { libxlError: -6 })) as HypervisorError).details
        .libxlErrorName,
    ).toBe('ERROR_INVAL');
  });

  it('an unknown libxl number keeps the number', () => {
    expect(libxlErrorName(-99)).toBe('ERROR_UNKNOWN(-99)');
    const he = mapNativeError(
      Object.assign(new Error('x'), { libxlError: -99 }),
    ) as HypervisorError;
    expect(he.code).toBe('LIBXL_ERROR');
    expect(he.details.libxlError).toBe(-99);
  });

  it('errno failures (xenstore) → XEN_UNAVAILABLE; TypeError and HypervisorError pass through', () => {
    const he = mapNativeError(
      Object.assign(new Error('xs_read failed'), { call: 'xs_read', errno: 13 }),
    ) as HypervisorError;
    expect(he.code).toBe('XEN_UNAVAILABLE');
    expect(he.details).toMatchObject({ call: 'xs_read', errno: 13 });
    const te = new TypeError('usage: ctx.domainInfo(domid: number)');
    expect(mapNativeError(te)).toBe(te);
    const orig = new HypervisorError('INVALID_STATE', 'x');
    expect(mapNativeError(orig)).toBe(orig);
  });

  it('the name table matches the installed libxl headers, when present', () => {
    let header: string;
    try {
      header = readFileSync('/usr/include/_libxl_types.h', 'utf8');
    } catch {
      console.log('skipped: /usr/include/_libxl_types.h not installed (libxen-dev)');
      return;
    }
    const found = [...header.matchAll(/^\s+(ERROR_[A-Z0-9_]+) = (-\d+),$/gm)];
    expect(found.length).toBeGreaterThan(20);
    for (const m of found) expect(LIBXL_ERROR_NAMES[Number(m[2])]).toBe(m[1]);
    expect(Object.keys(LIBXL_ERROR_NAMES)).toHaveLength(found.length);
  });
});
