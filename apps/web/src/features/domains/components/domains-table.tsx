/**
 * The domains table (`/domains`): `xl list` plus live CPU % and memory sparklines and the
 * lifecycle actions, for hundreds of domains: sortable by any figure column (click a heading),
 * filtered by name and state, virtualized (only the rows in view and a few beyond are mounted;
 * `?rows=all` mounts all, the baseline of `e2e/bench/table-bench.mjs`), each row memoized on its
 * `Domain` object (TanStack Query keeps unchanged ones identical across refetches), so a tick of
 * the metrics stream re-renders only the live cells of the rows on screen.
 */
import { useQueryClient } from '@tanstack/react-query';
import { DOMAIN_STATES, type Domain } from '@xendeck/api';
import { memo, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Link } from 'react-router';
import { QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import {
  SortHeading,
  TableFilterBar,
  useVirtualRows,
  VirtualTable,
} from '@/components/virtual-table';
import {
  DomainCpuCell,
  MemorySparkline,
  type MetricsField,
  type MetricsSample,
  type MetricsStore,
  metricsStore,
  useLatestSample,
  useMetricsView,
} from '@/features/metrics';
import { formatCpuTimeSeconds, formatKiBAsMiB, kibToWholeMiB } from '@/lib/format';
import {
  compareNames,
  NO_FILTER,
  nextTableSort,
  passesFilter,
  type RowFilter,
  sortRows,
  type TableSort,
} from '@/lib/table-sort';
import { domainsListQueryKey, useDomains } from '../api/get-domains';
import { useShutOffDomains } from '../api/shut-off-domains';
import { DomainActions } from './domain-actions';
import { ShutOffRow } from './shut-off-row';
import { StateBadge } from './state-badge';

// Two px less padding each side than the shared table classes: nine columns fit a 1280 px
// window's panel without scrolling sideways.
const narrow = (cls: string) => cls.replace('px-3', 'px-2');
const th = `${narrow(thClass)} whitespace-nowrap`;
const td = `${narrow(tdClass)} whitespace-nowrap`;

/**
 * True when a live sample shows some domain (same domid) at a whole-MiB memory other than the
 * list's: the list, which is `xl list`'s figure, is then out of date (ballooning).
 */
export function memoryDiffers(domains: readonly Domain[], sample: MetricsSample | null): boolean {
  if (!sample) return false;
  // By domid in a map: a scan per sampled domain would be 250 000 comparisons a second at 500.
  const listed = new Map<number, Domain>();
  for (const d of domains) listed.set(d.domid, d);
  return sample.domains.some((m) => {
    const d = listed.get(m.domid);
    return (
      d !== undefined &&
      m.memoryBytes !== undefined &&
      Math.floor(m.memoryBytes / 1048576) !== kibToWholeMiB(d.memoryKiB)
    );
  });
}

/**
 * Renders nothing; keeps the Memory column live without changing where its figure comes from: the text stays
 * `xl list`'s (`GET /domains`, e2e compares it literally), and when the metrics stream's memory
 * for a domid differs from it, the list is refetched (at most every 2 s) instead of waiting for
 * its 5 s poll. A component of its own so that its re-render at every tick stays its own.
 */
function LiveMemoryRefresh({ domains }: { domains: readonly Domain[] | undefined }) {
  const queryClient = useQueryClient();
  const sample = useLatestSample();
  const lastRefetch = useRef(0);
  useEffect(() => {
    if (!domains || !memoryDiffers(domains, sample)) return;
    const now = Date.now();
    if (now - lastRefetch.current < 2_000) return;
    lastRefetch.current = now;
    void queryClient.invalidateQueries({ queryKey: domainsListQueryKey });
  }, [domains, sample, queryClient]);
  return null;
}

/**
 * The domains table, as `xl list` plus actions and live CPU %; fed by `['domains','list']`. Below
 * the running domains, the ones not running that the person may start (`api/shut-off-domains.ts`)
 * as "shut off" rows.
 */
export function DomainsTable() {
  const domains = useDomains();
  const shutOff = useShutOffDomains(domains.data);
  if (!domains.data) {
    return <QueryState isPending={domains.isPending} error={domains.error} what="domains" />;
  }
  return (
    <>
      <LiveMemoryRefresh domains={domains.data} />
      <DomainsTableView domains={domains.data} shutOff={shutOff.names} />
    </>
  );
}

/**
 * What the table reads from the metrics stream, for every domain: the page subscribes to these
 * fields only (state for the stream's own filter, CPU % for the cell, the sort and its
 * sparkline, memory for the sparkline and the list refresh, its maximum for the point).
 */
export const TABLE_FIELDS: readonly MetricsField[] = [
  'state',
  'cpuPercent',
  'memoryBytes',
  'maxMemoryBytes',
];

/** The table's column count (the shut-off rows span the figures). */
const COLUMNS = 9;
/** A row's height, px (`h-10` plus the 1 px divider): the virtualizer's estimate. */
const ROW_HEIGHT_PX = 41;
/** The state filter's word for the shut-off rows (as their badge reads). */
const SHUT_OFF = 'shut off';

export type DomainsSortKey =
  | 'name'
  | 'domid'
  | 'state'
  | 'type'
  | 'cpuPercent'
  | 'memory'
  | 'vcpus'
  | 'cpuTime';

/** Default: as `xl list` prints them, by domid. */
export const DEFAULT_DOMAINS_SORT: TableSort<DomainsSortKey> = { key: 'domid', direction: 'asc' };

/** One row: a domain that exists, or a name the person may start (shut off). */
type TableRow = { kind: 'domain'; domain: Domain } | { kind: 'off'; name: string };

/** Sort value of a domain under `key` (`cpu`: the live CPU % by name, null before a rate). */
function domainSortValue(
  d: Domain,
  key: DomainsSortKey,
  cpu: (name: string) => number | null,
): string | number | null {
  switch (key) {
    case 'name':
      return d.name;
    case 'domid':
      return d.domid;
    case 'state':
      return d.state;
    case 'type':
      return d.type;
    case 'cpuPercent':
      return cpu(d.name);
    case 'memory':
      return d.memoryKiB;
    case 'vcpus':
      return d.vcpus;
    case 'cpuTime':
      return d.cpuTimeNs;
  }
}

const NUMERIC: Record<DomainsSortKey, boolean> = {
  name: false,
  domid: true,
  state: false,
  type: false,
  cpuPercent: true,
  memory: true,
  vcpus: true,
  cpuTime: true,
};

const never = () => () => {};
const noSample = () => null;

/**
 * The latest sample while the table is sorted by live CPU % (it re-sorts at every tick then),
 * null otherwise: no subscription, so a tick does not re-render the whole table.
 */
function useSampleWhen(needed: boolean, store: MetricsStore): MetricsSample | null {
  return useSyncExternalStore(
    needed ? store.subscribe : never,
    needed ? store.getLatest : noSample,
    needed ? store.getLatest : noSample,
  );
}

/**
 * The rows shown under `filter` and `sort`: domains sorted, then the shut-off names (which have
 * no figures) in name order, `desc` reversing it.
 */
export function domainTableRows(
  domains: readonly Domain[],
  shutOff: readonly string[],
  filter: RowFilter,
  sort: TableSort<DomainsSortKey>,
  cpu: (name: string) => number | null = noSample,
): TableRow[] {
  const shown = domains.filter((d) => passesFilter(filter, d.name, d.state));
  const sorted = sortRows(
    shown,
    (d) => domainSortValue(d, sort.key, cpu),
    sort.direction,
    (d) => d.name,
    (d) => d.domid,
  );
  const names = new Set(domains.map((d) => d.name));
  const off = shutOff
    .filter((name) => !names.has(name) && passesFilter(filter, name, SHUT_OFF))
    .sort(
      (a, b) => (sort.key === 'name' && sort.direction === 'desc' ? -1 : 1) * compareNames(a, b),
    );
  return [
    ...sorted.map((domain): TableRow => ({ kind: 'domain', domain })),
    ...off.map((name): TableRow => ({ kind: 'off', name })),
  ];
}

/**
 * Presentational half of {@link DomainsTable}; `shutOff`: names shown as shut-off rows.
 * `initialRect`: the scroll container's size before it is measured (tests: jsdom has no layout).
 */
export function DomainsTableView({
  domains,
  shutOff = [],
  store = metricsStore,
  initialRect,
}: {
  domains: Domain[];
  shutOff?: readonly string[];
  store?: MetricsStore;
  initialRect?: { width: number; height: number };
}) {
  useMetricsView({ domains: '*', fields: TABLE_FIELDS });
  const [sort, setSort] = useState(DEFAULT_DOMAINS_SORT);
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  const sample = useSampleWhen(sort.key === 'cpuPercent', store);
  const rows = useMemo(() => {
    const cpu = (name: string) =>
      sample ? (store.getDomainLatest(name)?.cpuPercent ?? null) : null;
    return domainTableRows(domains, shutOff, filter, sort, cpu);
  }, [domains, shutOff, filter, sort, sample, store]);
  const total = domains.length + shutOff.length;
  const states = useMemo(
    () => [...DOMAIN_STATES, ...(shutOff.length > 0 ? [SHUT_OFF] : [])],
    [shutOff.length],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows({
    count: rows.length,
    rowHeightPx: ROW_HEIGHT_PX,
    scrollRef,
    ...(initialRect ? { initialRect } : {}),
  });
  const onSort = (key: DomainsSortKey) => setSort((s) => nextTableSort(s, key, NUMERIC[key]));
  const heading = (key: DomainsSortKey, label: string, align: string, title?: string) => (
    <SortHeading
      column={key}
      sort={sort}
      onSort={onSort}
      className={`${th} ${align}`}
      {...(title ? { title } : {})}
    >
      {label}
    </SortHeading>
  );

  return (
    <div className="flex flex-col">
      <div className="border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <TableFilterBar
          filter={filter}
          onChange={setFilter}
          states={states}
          shown={rows.length}
          total={total}
          testIdPrefix="domains"
        />
      </div>
      <VirtualTable
        scrollRef={scrollRef}
        testId="domains"
        containerClass="max-h-[calc(100dvh-16rem)] min-h-48"
        tableClass="text-sm"
        caption="Domains, as xl list shows them; column headings sort the table"
        rowCount={rows.length}
        columns={COLUMNS}
        virtual={virtual}
        empty={total === 0 ? 'No domains.' : 'No domain matches the filter.'}
        head={
          <>
            {heading('name', 'Name', 'text-left')}
            {heading('domid', 'ID', 'text-right')}
            {heading('state', 'State', 'text-left')}
            {heading('type', 'Type', 'text-left')}
            {heading(
              'cpuPercent',
              'CPU %',
              'text-right',
              'CPU over the last second, percent of one physical CPU (xentop CPU(%)); the line is the last 2 minutes',
            )}
            {heading('memory', 'Memory', 'text-right')}
            {heading('vcpus', 'vCPUs', 'text-right')}
            {heading('cpuTime', 'CPU time (s)', 'text-right')}
            <th scope="col" className={`${th} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </>
        }
      >
        {virtual.items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return row.kind === 'domain' ? (
            <DomainRow
              key={`d-${row.domain.domid}`}
              domain={row.domain}
              rowIndex={item.index + 2}
              store={store}
            />
          ) : (
            <ShutOffRow
              key={`off-${row.name}`}
              name={row.name}
              columns={COLUMNS}
              rowIndex={item.index + 2}
            />
          );
        })}
      </VirtualTable>
    </div>
  );
}

/**
 * One domain's row; memoized on the `Domain` object, so it re-renders when `xl list` changed for
 * it, while its live cells (CPU %, sparklines) follow the metrics store by themselves.
 */
const DomainRow = memo(function DomainRow({
  domain: d,
  rowIndex,
  store,
}: {
  domain: Domain;
  rowIndex: number;
  store: MetricsStore;
}) {
  return (
    <tr
      data-testid={`domain-row-${d.name}`}
      aria-rowindex={rowIndex}
      className="h-10 hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
    >
      <th scope="row" className={`${td} text-left font-medium`}>
        <Link
          to={`/domains/${encodeURIComponent(d.name)}`}
          className="font-mono text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600 dark:text-sky-300"
          title={`UUID ${d.uuid}`}
        >
          {d.name}
        </Link>
      </th>
      <td className={`${td} text-right tabular-nums`}>{d.domid}</td>
      <td className={td}>
        <StateBadge state={d.state} />
      </td>
      <td className={`${td} uppercase text-xs text-zinc-600 dark:text-zinc-300`}>{d.type}</td>
      <td className={`${td} text-right`}>
        <DomainCpuCell name={d.name} store={store} />
      </td>
      <td className={`${td} text-right`}>
        <div className="flex items-center justify-end gap-2">
          <MemorySparkline name={d.name} maxMemoryBytes={d.maxMemoryKiB * 1024} store={store} />
          <span
            className="w-[4.5rem] text-right tabular-nums"
            data-testid="domain-memory"
            title={`${d.memoryKiB} KiB (max ${d.maxMemoryKiB} KiB); the line is the last 2 minutes, 0 to max`}
          >
            {formatKiBAsMiB(d.memoryKiB)}
          </span>
        </div>
      </td>
      <td className={`${td} text-right tabular-nums`}>
        {d.vcpus}
        {d.maxVcpus !== d.vcpus ? <span className="text-zinc-400">/{d.maxVcpus}</span> : null}
      </td>
      <td className={`${td} text-right tabular-nums`}>{formatCpuTimeSeconds(d.cpuTimeNs)}</td>
      <td className={`${td} text-right`}>
        <DomainActions domain={d} />
      </td>
    </tr>
  );
});

/** Default export for `React.lazy` (`lazy-domains-table.tsx`). */
export default DomainsTable;
