import { describe, expect, it } from 'vitest';
import { isHypervisorError } from '../src/errors.js';
import { toVcpuInfo } from '../src/libxl-host.js';
import {
  CREDIT2_WEIGHT_MAX,
  checkCpuSet,
  checkCredit2,
  checkVcpuChangeState,
  checkVcpuCount,
  checkVcpuId,
  credit2CapMax,
} from '../src/vcpus.js';

/** The code and details `fn` throws with. */
function thrown(fn: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    if (isHypervisorError(err)) return { code: err.code, details: err.details };
    throw err;
  }
  throw new Error('expected a HypervisorError');
}

describe('vcpus.ts argument checks', () => {
  it('checkVcpuCount: 1..maxVcpus, integers', () => {
    expect(() => checkVcpuCount(3, 1, 2)).not.toThrow();
    expect(() => checkVcpuCount(3, 2, 2)).not.toThrow();
    expect(thrown(() => checkVcpuCount(3, 0, 2))).toEqual({
      code: 'INVALID_ARGUMENT',
      details: { domid: 3, count: 0, min: 1, max: 2 },
    });
    expect(thrown(() => checkVcpuCount(3, 3, 2)).details).toMatchObject({ max: 2 });
    expect(thrown(() => checkVcpuCount(3, 1.5, 2)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => checkVcpuCount(3, Number.NaN, 2)).code).toBe('INVALID_ARGUMENT');
  });

  it('checkVcpuChangeState: running, blocked, paused take a change; the rest are INVALID_STATE', () => {
    for (const s of ['running', 'blocked', 'paused'] as const) {
      expect(() => checkVcpuChangeState(1, s)).not.toThrow();
    }
    for (const s of ['shutdown', 'crashed', 'dying'] as const) {
      expect(thrown(() => checkVcpuChangeState(1, s))).toEqual({
        code: 'INVALID_STATE',
        details: { domid: 1, op: 'vcpus', state: s },
      });
    }
  });

  it('checkVcpuId: 0..maxVcpus-1 or "all"', () => {
    expect(() => checkVcpuId(1, 'all', 2)).not.toThrow();
    expect(() => checkVcpuId(1, 1, 2)).not.toThrow();
    expect(thrown(() => checkVcpuId(1, 2, 2)).details).toEqual({
      domid: 1,
      vcpu: 2,
      min: 0,
      max: 1,
    });
    expect(thrown(() => checkVcpuId(1, -1, 2)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => checkVcpuId(1, 'some' as 'all', 2)).code).toBe('INVALID_ARGUMENT');
  });

  it('checkCpuSet: non-empty, ids below nrCpus, returned sorted without duplicates', () => {
    expect(checkCpuSet('hard', [3, 1, 3, 0], 4)).toEqual([0, 1, 3]);
    expect(thrown(() => checkCpuSet('hard', [], 4)).details).toMatchObject({
      field: 'hard',
      min: 0,
      max: 3,
    });
    expect(thrown(() => checkCpuSet('soft', [4], 4)).details).toMatchObject({
      field: 'soft',
      cpus: [4],
      max: 3,
    });
    expect(thrown(() => checkCpuSet('hard', [0.5], 4)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => checkCpuSet('hard', '0-3', 4)).code).toBe('INVALID_ARGUMENT');
  });

  it('checkCredit2: weight 1..65535, cap 0..100 × maxVcpus, at least one, nothing else', () => {
    expect(credit2CapMax(2)).toBe(200);
    expect(checkCredit2({ weight: 1 }, 2)).toEqual({ weight: 1 });
    expect(checkCredit2({ weight: CREDIT2_WEIGHT_MAX, cap: 200 }, 2)).toEqual({
      weight: 65535,
      cap: 200,
    });
    expect(checkCredit2({ cap: 0 }, 1)).toEqual({ cap: 0 });
    expect(thrown(() => checkCredit2({ weight: 0 }, 2)).details).toEqual({
      field: 'weight',
      value: 0,
      min: 1,
      max: 65535,
    });
    expect(thrown(() => checkCredit2({ weight: 70000 }, 2)).details).toMatchObject({
      field: 'weight',
    });
    expect(thrown(() => checkCredit2({ cap: 201 }, 2)).details).toEqual({
      field: 'cap',
      value: 201,
      min: 0,
      max: 200,
    });
    expect(thrown(() => checkCredit2({ cap: 101 }, 1)).details).toMatchObject({ max: 100 });
    expect(thrown(() => checkCredit2({}, 2)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => checkCredit2({ ratelimit: 5 }, 2)).details).toEqual({
      field: 'ratelimit',
    });
    expect(thrown(() => checkCredit2(null, 2)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('toVcpuInfo (libxl_vcpuinfo → VcpuInfo)', () => {
  const raw = {
    vcpuid: 1,
    cpu: 1,
    online: true,
    blocked: false,
    running: true,
    vcpuTimeNs: 7e9,
    hard: [0, 1],
    soft: [1],
  };
  it('maps the flags to one state and keeps the cpu only while online', () => {
    expect(toVcpuInfo(raw)).toEqual({
      vcpu: 1,
      cpu: 1,
      online: true,
      state: 'running',
      cpuTimeNs: 7e9,
      hardAffinity: [0, 1],
      softAffinity: [1],
    });
    expect(toVcpuInfo({ ...raw, running: false, blocked: true }).state).toBe('blocked');
    expect(toVcpuInfo({ ...raw, running: false }).state).toBe('runnable');
    expect(toVcpuInfo({ ...raw, online: false, running: false })).toMatchObject({
      state: 'offline',
      cpu: null,
    });
  });
});
