import { describe, expect, it } from 'vitest';
import { metricsDomain } from '@/test/fixtures';
import { nextSort, sortTopRows, TOP_COLUMNS } from './xl-top';

const rows = [
  metricsDomain({
    domid: 0,
    name: 'Domain-0',
    cpuPercent: 3.2,
    memoryBytes: 2048 * 1024 * 1024,
    netTxBytes: 5,
  }),
  metricsDomain({
    domid: 2,
    name: 'web10',
    cpuPercent: 80,
    memoryBytes: 256 * 1024 * 1024,
    netTxBytes: 900,
  }),
  metricsDomain({
    domid: 3,
    name: 'web2',
    cpuPercent: null,
    memoryBytes: 1024 * 1024 * 1024,
    netTxBytes: 90,
  }),
  metricsDomain({
    domid: 4,
    name: 'db',
    cpuPercent: 9.5,
    memoryBytes: 512 * 1024 * 1024,
    netTxBytes: 1000,
  }),
];
const names = (r: { name: string }[]) => r.map((d) => d.name);

describe('xl top columns', () => {
  it('has xentop’s 17 headings in order', () => {
    expect(TOP_COLUMNS.map((c) => c.heading)).toEqual([
      'NAME',
      'STATE',
      'CPU(sec)',
      'CPU(%)',
      'MEM(k)',
      'MEM(%)',
      'MAXMEM(k)',
      'VCPUS',
      'NETS',
      'NETTX(k)',
      'NETRX(k)',
      'VBDS',
      'VBD_OO',
      'VBD_RD',
      'VBD_WR',
      'VBD_RSECT',
      'VBD_WSECT',
    ]);
  });
  it('formats like xentop: integer seconds, one-decimal percent, KiB', () => {
    const d = metricsDomain({
      domid: 1,
      name: 'web1',
      cpuSeconds: 12.97,
      cpuPercent: 73.44,
      memoryBytes: 524_288 * 1024 + 1023,
      memoryPercent: 6.25,
      maxMemoryBytes: null,
      netTxBytes: 10_239,
    });
    const cell = (key: string) => TOP_COLUMNS.find((c) => c.key === key)?.format(d);
    expect(cell('cpuSeconds')).toBe('12');
    expect(cell('cpuPercent')).toBe('73.4');
    expect(cell('mem')).toBe('524288');
    expect(cell('memPercent')).toBe('6.3');
    expect(cell('maxMem')).toBe('no limit');
    expect(cell('netTx')).toBe('9');
    expect(
      TOP_COLUMNS.find((c) => c.key === 'cpuPercent')?.format({ ...d, cpuPercent: null }),
    ).toBe('—');
  });
});

describe('sortTopRows', () => {
  it('sorts numbers as numbers, nulls last in both directions', () => {
    expect(names(sortTopRows(rows, { key: 'cpuPercent', direction: 'desc' }))).toEqual([
      'web10',
      'db',
      'Domain-0',
      'web2',
    ]);
    expect(names(sortTopRows(rows, { key: 'cpuPercent', direction: 'asc' }))).toEqual([
      'Domain-0',
      'db',
      'web10',
      'web2',
    ]);
    // 900 > 90 > 5 numerically; as text "900" < "90" would be wrong.
    expect(names(sortTopRows(rows, { key: 'netTx', direction: 'asc' }))).toEqual([
      'Domain-0',
      'web2',
      'web10',
      'db',
    ]);
  });
  it('sorts names as text, numeric-aware (web2 before web10)', () => {
    expect(names(sortTopRows(rows, { key: 'name', direction: 'asc' }))).toEqual([
      'db',
      'Domain-0',
      'web2',
      'web10',
    ]);
    expect(names(sortTopRows(rows, { key: 'name', direction: 'desc' }))).toEqual([
      'web10',
      'web2',
      'Domain-0',
      'db',
    ]);
  });
  it('breaks ties by name and does not touch its input', () => {
    const copy = [...rows];
    expect(names(sortTopRows(rows, { key: 'vcpus', direction: 'desc' }))).toEqual([
      'db',
      'Domain-0',
      'web2',
      'web10',
    ]);
    expect(rows).toEqual(copy);
  });
  it('toggles on the same column, starts text ascending and numbers descending', () => {
    expect(nextSort({ key: 'cpuPercent', direction: 'desc' }, 'cpuPercent')).toEqual({
      key: 'cpuPercent',
      direction: 'asc',
    });
    expect(nextSort({ key: 'cpuPercent', direction: 'asc' }, 'cpuPercent')).toEqual({
      key: 'cpuPercent',
      direction: 'desc',
    });
    expect(nextSort({ key: 'cpuPercent', direction: 'desc' }, 'name')).toEqual({
      key: 'name',
      direction: 'asc',
    });
    expect(nextSort({ key: 'name', direction: 'asc' }, 'mem')).toEqual({
      key: 'mem',
      direction: 'desc',
    });
  });
});
