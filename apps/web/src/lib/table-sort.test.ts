import { describe, expect, it } from 'vitest';
import { ariaSort, nextTableSort, passesFilter, sortRows } from './table-sort';

const rows = [
  { name: 'web10', v: 3 as number | null },
  { name: 'web2', v: null },
  { name: 'Web1', v: 3 },
  { name: 'db', v: 7 },
];
const names = (r: { name: string }[]) => r.map((x) => x.name);

describe('table sorting', () => {
  it('numbers as numbers, nulls last both ways, ties by numeric-aware name', () => {
    const by = (d: 'asc' | 'desc') =>
      names(
        sortRows(
          rows,
          (r) => r.v,
          d,
          (r) => r.name,
        ),
      );
    expect(by('asc')).toEqual(['Web1', 'web10', 'db', 'web2']);
    expect(by('desc')).toEqual(['db', 'Web1', 'web10', 'web2']);
    expect(
      names(
        sortRows(
          rows,
          (r) => r.name,
          'asc',
          (r) => r.name,
        ),
      ),
    ).toEqual(['db', 'Web1', 'web2', 'web10']);
  });

  it('a click flips the active column; a new one starts desc for numbers, asc for text', () => {
    const s = { key: 'cpu', direction: 'desc' } as const;
    expect(nextTableSort(s, 'cpu', true)).toEqual({ key: 'cpu', direction: 'asc' });
    expect(nextTableSort(s, 'name', false)).toEqual({ key: 'name', direction: 'asc' });
    expect(nextTableSort(s, 'mem', true)).toEqual({ key: 'mem', direction: 'desc' });
    expect(ariaSort(s, 'cpu')).toBe('descending');
    expect(ariaSort(s, 'name')).toBe('none');
  });

  it('filters by part of the name (any case, trimmed) and by exact state', () => {
    expect(passesFilter({ text: ' WEB ', state: '' }, 'my-web-1', 'paused')).toBe(true);
    expect(passesFilter({ text: 'web', state: 'running' }, 'my-web-1', 'paused')).toBe(false);
    expect(passesFilter({ text: '', state: 'paused' }, 'db', 'paused')).toBe(true);
    expect(passesFilter({ text: 'x', state: '' }, 'db', 'paused')).toBe(false);
  });
});
