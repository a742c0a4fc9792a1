/**
 * The `xl top` table's columns, as xentop prints them (same headings, same order, same number
 * formats: totals as integers, percentages with one decimal, memory and network in KiB), and
 * its sorting.
 */
import type { MetricsDomain } from './contract';
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
  /** Value to sort by: strings sort as text, numbers as numbers, null sorts last. */
  value: (d: MetricsDomain) => string | number | null;
  /** Cell text. */
  format: (d: MetricsDomain) => string;
  numeric: boolean;
}

const int = (n: number) => String(Math.floor(n));

/** The 17 columns, in xentop's order. */
export const TOP_COLUMNS: readonly TopColumn[] = [
  {
    key: 'name',
    heading: 'NAME',
    title: 'Domain name',
    value: (d) => d.name,
    format: (d) => d.name,
    numeric: false,
  },
  {
    key: 'state',
    heading: 'STATE',
    title: 'Domain state',
    value: (d) => d.state,
    format: (d) => d.state,
    numeric: false,
  },
  {
    key: 'cpuSeconds',
    heading: 'CPU(sec)',
    title: 'CPU time since the domain started, whole seconds',
    value: (d) => d.cpuSeconds,
    format: (d) => int(d.cpuSeconds),
    numeric: true,
  },
  {
    key: 'cpuPercent',
    heading: 'CPU(%)',
    title: 'CPU over the last interval, percent of one physical CPU',
    value: (d) => d.cpuPercent,
    format: (d) => (d.cpuPercent === null ? NO_VALUE : d.cpuPercent.toFixed(1)),
    numeric: true,
  },
  {
    key: 'mem',
    heading: 'MEM(k)',
    title: 'Current memory, KiB',
    value: (d) => d.memoryBytes,
    format: (d) => String(bytesToKiB(d.memoryBytes)),
    numeric: true,
  },
  {
    key: 'memPercent',
    heading: 'MEM(%)',
    title: 'Current memory, percent of host memory',
    value: (d) => d.memoryPercent,
    format: (d) => formatPercent(d.memoryPercent).replace('%', ''),
    numeric: true,
  },
  {
    key: 'maxMem',
    heading: 'MAXMEM(k)',
    title: 'Maximum memory, KiB',
    value: (d) => d.maxMemoryBytes,
    format: (d) => (d.maxMemoryBytes === null ? 'no limit' : String(bytesToKiB(d.maxMemoryBytes))),
    numeric: true,
  },
  {
    key: 'vcpus',
    heading: 'VCPUS',
    title: 'vCPUs',
    value: (d) => d.vcpus,
    format: (d) => String(d.vcpus),
    numeric: true,
  },
  {
    key: 'nets',
    heading: 'NETS',
    title: 'Virtual network interfaces (vifs)',
    value: (d) => d.nets,
    format: (d) => String(d.nets),
    numeric: true,
  },
  {
    key: 'netTx',
    heading: 'NETTX(k)',
    title: 'Sent over all vifs, KiB total (xentop: the backend transmitted)',
    value: (d) => d.netTxBytes,
    format: (d) => String(bytesToKiB(d.netTxBytes)),
    numeric: true,
  },
  {
    key: 'netRx',
    heading: 'NETRX(k)',
    title: 'Received over all vifs, KiB total (xentop: the backend received)',
    value: (d) => d.netRxBytes,
    format: (d) => String(bytesToKiB(d.netRxBytes)),
    numeric: true,
  },
  {
    key: 'vbds',
    heading: 'VBDS',
    title: 'Virtual block devices (vbds)',
    value: (d) => d.vbds,
    format: (d) => String(d.vbds),
    numeric: true,
  },
  {
    key: 'vbdOo',
    heading: 'VBD_OO',
    title: 'Requests that found the ring full (out of requests), total',
    value: (d) => d.vbdOo,
    format: (d) => int(d.vbdOo),
    numeric: true,
  },
  {
    key: 'vbdRd',
    heading: 'VBD_RD',
    title: 'Read requests, total',
    value: (d) => d.vbdRd,
    format: (d) => int(d.vbdRd),
    numeric: true,
  },
  {
    key: 'vbdWr',
    heading: 'VBD_WR',
    title: 'Write requests, total',
    value: (d) => d.vbdWr,
    format: (d) => int(d.vbdWr),
    numeric: true,
  },
  {
    key: 'vbdRsect',
    heading: 'VBD_RSECT',
    title: 'Sectors read (512 bytes), total',
    value: (d) => d.vbdRdSectors,
    format: (d) => int(d.vbdRdSectors),
    numeric: true,
  },
  {
    key: 'vbdWsect',
    heading: 'VBD_WSECT',
    title: 'Sectors written (512 bytes), total',
    value: (d) => d.vbdWrSectors,
    format: (d) => int(d.vbdWrSectors),
    numeric: true,
  },
];

export type SortDirection = 'asc' | 'desc';
export interface TopSort {
  key: TopColumnKey;
  direction: SortDirection;
}

/** Default: the busiest domain first. */
export const DEFAULT_TOP_SORT: TopSort = { key: 'cpuPercent', direction: 'desc' };

/**
 * The sort after a click on `key`'s heading: the same column flips direction; another column
 * starts ascending for text (NAME, STATE) and descending for numbers (largest first).
 */
export function nextSort(current: TopSort, key: TopColumnKey): TopSort {
  if (current.key === key) {
    return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  const column = TOP_COLUMNS.find((c) => c.key === key);
  return { key, direction: column?.numeric ? 'desc' : 'asc' };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * `domains` sorted by `sort` (a new array). Numbers compare as numbers, text with a
 * numeric-aware collation (`web2` before `web10`); nulls (no rate yet) go last in both
 * directions; ties keep name order so rows do not jump between ticks.
 */
export function sortTopRows(domains: readonly MetricsDomain[], sort: TopSort): MetricsDomain[] {
  const column = TOP_COLUMNS.find((c) => c.key === sort.key) ?? TOP_COLUMNS[0];
  if (!column) return [...domains];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...domains].sort((a, b) => {
    const va = column.value(a);
    const vb = column.value(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      const c =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : collator.compare(String(va), String(vb));
      if (c !== 0) return sign * c;
    }
    return collator.compare(a.name, b.name) || a.domid - b.domid;
  });
}
