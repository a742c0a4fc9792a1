/**
 * The `xl top` table's columns, as xentop prints them (same headings, same order, same number
 * formats: totals as integers, percentages with one decimal, memory and network in KiB), and
 * its sorting.
 */
import { nextTableSort, sortRows, type TableSort } from '@/lib/table-sort';
import type { MetricsDomain, MetricsField } from './contract';
import { bytesToKiB, formatPercent, NO_VALUE } from './format-metrics';

export type TopColumnKey =
  | 'name'
  | 'state'
  | 'cpuSeconds'
  | 'cpuPercent'
  | 'mem'
  | 'memPercent'
  | 'maxMem'
  | 'vcpus'
  | 'nets'
  | 'netTx'
  | 'netRx'
  | 'vbds'
  | 'vbdOo'
  | 'vbdRd'
  | 'vbdWr'
  | 'vbdRsect'
  | 'vbdWsect';

export interface TopColumn {
  key: TopColumnKey;
  /** xentop's heading. */
  heading: string;
  /** What the column is, for the heading's tooltip. */
  title: string;
  /** The sample field shown (what the page subscribes to; `name` is always there). */
  field: MetricsField | 'name';
  /** Value to sort by: strings sort as text, numbers as numbers, null (or absent) sorts last. */
  value: (d: MetricsDomain) => string | number | null;
  /** Cell text (`—` while the field is absent or null, but `no limit` for MAXMEM(k)). */
  format: (d: MetricsDomain) => string;
  numeric: boolean;
}

const int = (n: number) => String(Math.floor(n));
const kib = (n: number) => String(bytesToKiB(n));

/** A column of `field`, its non-null value shown by `show` (`nullText` for null). */
function column(
  key: TopColumnKey,
  heading: string,
  title: string,
  field: MetricsField | 'name',
  show: (v: never) => string,
  nullText: string = NO_VALUE,
): TopColumn {
  const value = (d: MetricsDomain): string | number | null => {
    const v = (d as Record<string, unknown>)[field];
    return typeof v === 'number' || typeof v === 'string' ? v : null;
  };
  return {
    key,
    heading,
    title,
    field,
    value,
    format: (d) => {
      const v = (d as Record<string, unknown>)[field];
      if (v === undefined) return NO_VALUE;
      return v === null ? nullText : show(v as never);
    },
    numeric: field !== 'name' && field !== 'state',
  };
}

const text = (v: string) => v;
const fixed1 = (v: number) => v.toFixed(1);
const count = (v: number) => String(v);

/** The 17 columns, in xentop's order. */
export const TOP_COLUMNS: readonly TopColumn[] = [
  column('name', 'NAME', 'Domain name', 'name', text),
  column('state', 'STATE', 'Domain state', 'state', text),
  column(
    'cpuSeconds',
    'CPU(sec)',
    'CPU time since the domain started, whole seconds',
    'cpuSeconds',
    int,
  ),
  column(
    'cpuPercent',
    'CPU(%)',
    'CPU over the last interval, percent of one physical CPU',
    'cpuPercent',
    fixed1,
  ),
  column('mem', 'MEM(k)', 'Current memory, KiB', 'memoryBytes', kib),
  column(
    'memPercent',
    'MEM(%)',
    'Current memory, percent of host memory',
    'memoryPercent',
    (v: number) => formatPercent(v).replace('%', ''),
  ),
  column('maxMem', 'MAXMEM(k)', 'Maximum memory, KiB', 'maxMemoryBytes', kib, 'no limit'),
  column('vcpus', 'VCPUS', 'vCPUs', 'vcpus', count),
  column('nets', 'NETS', 'Virtual network interfaces (vifs)', 'nets', count),
  column(
    'netTx',
    'NETTX(k)',
    'Sent over all vifs, KiB total (xentop: the backend transmitted)',
    'netTxBytes',
    kib,
  ),
  column(
    'netRx',
    'NETRX(k)',
    'Received over all vifs, KiB total (xentop: the backend received)',
    'netRxBytes',
    kib,
  ),
  column('vbds', 'VBDS', 'Virtual block devices (vbds)', 'vbds', count),
  column(
    'vbdOo',
    'VBD_OO',
    'Requests that found the ring full (out of requests), total',
    'vbdOo',
    int,
  ),
  column('vbdRd', 'VBD_RD', 'Read requests, total', 'vbdRd', int),
  column('vbdWr', 'VBD_WR', 'Write requests, total', 'vbdWr', int),
  column('vbdRsect', 'VBD_RSECT', 'Sectors read (512 bytes), total', 'vbdRdSectors', int),
  column('vbdWsect', 'VBD_WSECT', 'Sectors written (512 bytes), total', 'vbdWrSectors', int),
];

export type { SortDirection } from '@/lib/table-sort';
export type TopSort = TableSort<TopColumnKey>;

/** Default: the busiest domain first. */
export const DEFAULT_TOP_SORT: TopSort = { key: 'cpuPercent', direction: 'desc' };

/**
 * The sort after a click on `key`'s heading: the same column flips direction; another column
 * starts ascending for text (NAME, STATE) and descending for numbers (largest first).
 */
export function nextSort(current: TopSort, key: TopColumnKey): TopSort {
  const numeric = TOP_COLUMNS.find((c) => c.key === key)?.numeric ?? false;
  return nextTableSort(current, key, numeric);
}

/**
 * `domains` sorted by `sort` (a new array), as `sortRows` in `@/lib/table-sort` orders: numbers
 * as numbers, names numeric-aware (`web2` before `web10`), null or absent (no rate yet, field not
 * received yet) last in both directions, ties in name order so rows do not jump between ticks.
 */
export function sortTopRows(domains: readonly MetricsDomain[], sort: TopSort): MetricsDomain[] {
  const column = TOP_COLUMNS.find((c) => c.key === sort.key) ?? TOP_COLUMNS[0];
  if (!column) return [...domains];
  return sortRows(
    domains,
    column.value,
    sort.direction,
    (d) => d.name,
    (d) => d.domid,
  );
}
