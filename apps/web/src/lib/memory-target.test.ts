import { describe, expect, it } from 'vitest';
import { checkMemoryTargetInput } from './memory-target';

describe('checkMemoryTargetInput', () => {
  const limits = { minMiB: 512, maxMiB: 4096 };

  it('takes whole MiB within the limits, the limits included', () => {
    expect(checkMemoryTargetInput('512', limits)).toEqual({ ok: true, targetMiB: 512 });
    expect(checkMemoryTargetInput(' 4096 ', limits)).toEqual({ ok: true, targetMiB: 4096 });
  });

  it('refuses outside the range with the domain rule’s message, 0 included', () => {
    for (const [text, n] of [
      ['511', 511],
      ['4097', 4097],
      ['0', 0],
    ] as const) {
      expect(checkMemoryTargetInput(text, limits)).toEqual({
        ok: false,
        message: `The target is 512–4096 MiB; ${n} is outside.`,
      });
    }
  });

  it('refuses what is not a whole number of MiB', () => {
    expect(checkMemoryTargetInput('', limits)).toEqual({
      ok: false,
      message: 'Enter a target in MiB.',
    });
    for (const text of ['1024.5', '-1024', '1e3', 'lots']) {
      expect(checkMemoryTargetInput(text, limits)).toEqual({
        ok: false,
        message: 'The target is a whole number of MiB.',
      });
    }
  });

  it('rounds fractional limits inward (a domain at 256.5 MiB maxmem takes 256)', () => {
    const r = checkMemoryTargetInput('257', { minMiB: 31.5, maxMiB: 256.5 });
    expect(r).toEqual({ ok: false, message: 'The target is 32–256 MiB; 257 is outside.' });
  });
});
