import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCpumap, parseCpumap } from '../src/cpumap.js';

describe('parseCpumap', () => {
  it('reads the forms of xl.cfg(5) cpus=', () => {
    expect(parseCpumap('all', 4)).toEqual({ ok: true, cpus: [0, 1, 2, 3] });
    expect(parseCpumap('0-3,5,^1', 8)).toEqual({ ok: true, cpus: [0, 2, 3, 5] });
    expect(parseCpumap('all,^7', 8)).toEqual({ ok: true, cpus: [0, 1, 2, 3, 4, 5, 6] });
    expect(parseCpumap(' 2 , 0 ', 4)).toEqual({ ok: true, cpus: [0, 2] });
    expect(parseCpumap('3-8,^5', 9)).toEqual({ ok: true, cpus: [3, 4, 6, 7, 8] });
  });

  it('refuses what xl would refuse, saying which item', () => {
    const bad = (text: string, n = 4) => {
      const r = parseCpumap(text, n);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(bad('4')).toMatch(/"4".*CPUs 0-3/);
    expect(bad('3-1')).toMatch(/ends before/);
    expect(bad('x')).toMatch(/"x" is not a CPU/);
    expect(bad('')).toMatch(/empty/);
    expect(bad('0,^0')).toMatch(/selects no CPU/);
    expect(bad('nodes:0')).toMatch(/NUMA/);
    expect(bad('0,'.repeat(600))).toMatch(/at most 1024/);
  });
});

describe('formatCpumap', () => {
  it('prints as xl vcpu-list does', () => {
    expect(formatCpumap([0, 1, 2, 3], 4)).toBe('all');
    expect(formatCpumap([0, 1, 2, 3])).toBe('0-3');
    expect(formatCpumap([3, 0, 1, 1])).toBe('0-1,3');
    expect(formatCpumap([], 4)).toBe('none');
    expect(formatCpumap([5], 8)).toBe('5');
  });

  it('parse(format(set)) is the set', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1 }), (cpus) => {
        expect(parseCpumap(formatCpumap(cpus, 16), 16)).toEqual({
          ok: true,
          cpus: [...cpus].sort((a, b) => a - b),
        });
      }),
    );
  });
});
