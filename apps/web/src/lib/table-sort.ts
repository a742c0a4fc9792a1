/**
 * Sorting and filtering of the domain tables (the domains table and `xl top`): one comparison
 * (numbers as numbers, text numeric-aware so `web2` comes before `web10`, nulls last in both
 * directions, ties in name order so rows do not jump between ticks), the click-a-heading rule,
 * `aria-sort`'s word, and the name/state filter both tables offer.
 */

export type SortDirection = 'asc' | 'desc';

/** A table's sort: which column and which way. */
export interface TableSort<K extends string> {
  key: K;
  direction: SortDirection;
}

/** `aria-sort` of a column heading under `sort`. */
export function ariaSort<K extends string>(
  sort: TableSort<K>,
  key: K,
): 'ascending' | 'descending' | 'none' {
  if (sort.key !== key) return 'none';
  return sort.direction === 'asc' ? 'ascending' : 'descending';
}

/**
 * The sort after a click on `key`'s heading: the same column flips direction; another column
 * starts ascending for text and descending for numbers (largest first).
 */
export function nextTableSort<K extends string>(
  current: TableSort<K>,
  key: K,
  numeric: boolean,
): TableSort<K> {
  if (current.key === key) {
    return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  return { key, direction: numeric ? 'desc' : 'asc' };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares two names as the tables order them (`web2` before `web10`, case-insensitive). */
export const compareNames = (a: string, b: string): number => collator.compare(a, b);

/**
 * `rows` sorted by `value` in `direction` (a new array). Numbers compare as numbers, strings with
 * {@link compareNames}; null (no figure yet) goes last in both directions; ties fall back to
 * `name` then `id`.
 */
export function sortRows<T>(
  rows: readonly T[],
  value: (row: T) => string | number | null,
  direction: SortDirection,
  name: (row: T) => string,
  id: (row: T) => number = () => 0,
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  // Each row's value once (the comparator runs n log n times).
  const keyed = rows.map((row) => ({ row, v: value(row) }));
  keyed.sort((a, b) => {
    const va = a.v;
    const vb = b.v;
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      const c =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : compareNames(String(va), String(vb));
      if (c !== 0) return sign * c;
    }
    return compareNames(name(a.row), name(b.row)) || id(a.row) - id(b.row);
  });
  return keyed.map((k) => k.row);
}

/** A table filter: part of a name (case-insensitive) and a state (`''` = every state). */
export interface RowFilter {
  text: string;
  state: string;
}

export const NO_FILTER: RowFilter = { text: '', state: '' };

/** Whether a row called `name` in `state` passes `filter`. */
export function passesFilter(filter: RowFilter, name: string, state: string): boolean {
  if (filter.state !== '' && filter.state !== state) return false;
  const text = filter.text.trim().toLowerCase();
  return text === '' || name.toLowerCase().includes(text);
}
