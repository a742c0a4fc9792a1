/**
 * The `xl top` page's table (loaded on the page's first visit, see `lazy-xl-top.tsx`): xentop's, live, for
 * hundreds of domains: sortable by every column, filtered by name and state, virtualized (only
 * the rows in view and a few beyond are mounted; `?rows=all` mounts all, the baseline of
 * `e2e/bench/table-bench.mjs`), each row memoized on its domain object (the frame decoder keeps
 * a domain whose values did not change the same object), and the page subscribes to every
 * field of every domain while it is shown.
 */
import { DOMAIN_STATES } from '@xendeck/api';
import { memo, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import {
  SortHeading,
  TableFilterBar,
  useVirtualRows,
  VirtualTable,
} from '@/components/virtual-table';
import { NO_FILTER, passesFilter, type RowFilter } from '@/lib/table-sort';
import { useLatestSample, useMetricsStatus, useMetricsView } from '../api/metrics-stream';
import type { MetricsDomain, MetricsSample } from '../lib/contract';
import { bytesToKiB, formatPercent } from '../lib/format-metrics';
import type { MetricsStore } from '../lib/metrics-store';
import { ALL_FIELDS } from '../lib/metrics-view';
import {
  DEFAULT_TOP_SORT,
  nextSort,
  sortTopRows,
  TOP_COLUMNS,
  type TopColumnKey,
  type TopSort,
} from '../lib/xl-top';
import { MetricsStatusNote } from './metrics-status-note';

/** xentop's summary line: time, domain count, memory and CPUs. */
function HostLine({ sample }: { sample: MetricsSample }) {
  const { host } = sample;
  const used = host.totalMemoryBytes - host.freeMemoryBytes;
  const running = sample.domains.filter((d) => d.state === 'running').length;
  return (
    <p className="font-mono text-xs text-zinc-600 dark:text-zinc-300">
      {new Date(sample.t).toLocaleTimeString()} · {sample.domains.length} domains: {running} running
      · Mem: {bytesToKiB(host.totalMemoryBytes)}k total, {bytesToKiB(used)}k used,{' '}
      {bytesToKiB(host.freeMemoryBytes)}k free · CPUs: {host.nrCpus} @ {host.cpuMhz}MHz · host CPU{' '}
      {formatPercent(host.cpuPercent)}
    </p>
  );
}

/** A row's height, px (one line of text-xs with py-1, plus the 1 px divider). */
const TOP_ROW_HEIGHT_PX = 25;

/**
 * `xl top`: xentop's table live in the browser, one row per domain from the metrics websocket,
 * every column sortable (click a heading; again to reverse), filtered by name and state. Totals
 * are integers, CPU(%) and MEM(%) one decimal, memory and network in KiB, as xentop prints them.
 * `initialRect`: the scroll container's size before it is measured (tests: jsdom has no layout).
 */
export function XlTop({
  store,
  initialRect,
}: {
  store?: MetricsStore;
  initialRect?: { width: number; height: number };
}) {
  useMetricsView({ domains: '*', fields: ALL_FIELDS });
  const sample = useLatestSample(store);
  const status = useMetricsStatus(store);
  const [sort, setSort] = useState<TopSort>(DEFAULT_TOP_SORT);
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  const rows = useMemo(() => {
    if (!sample) return [];
    const shown = sample.domains.filter((d) => passesFilter(filter, d.name, d.state ?? ''));
    return sortTopRows(shown, sort);
  }, [sample, sort, filter]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows({
    count: rows.length,
    rowHeightPx: TOP_ROW_HEIGHT_PX,
    scrollRef,
    overscan: 12,
    ...(initialRect ? { initialRect } : {}),
  });
  const onSort = (key: TopColumnKey) => setSort((s) => nextSort(s, key));

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        {sample ? <HostLine sample={sample} /> : <span />}
        <MetricsStatusNote status={status} />
      </div>
      <TableFilterBar
        filter={filter}
        onChange={setFilter}
        states={DOMAIN_STATES}
        shown={rows.length}
        total={sample?.domains.length ?? 0}
        testIdPrefix="top"
      />
      <VirtualTable
        scrollRef={scrollRef}
        testId="top"
        containerClass="max-h-[calc(100dvh-15rem)] min-h-48 rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
        tableClass="font-mono text-xs"
        caption="Domains as xentop shows them; column headings sort the table"
        rowCount={rows.length}
        columns={TOP_COLUMNS.length}
        virtual={virtual}
        empty={
          !sample
            ? 'Waiting for the first sample…'
            : sample.domains.length === 0
              ? 'No domains.'
              : 'No domain matches the filter.'
        }
        head={TOP_COLUMNS.map((c) => (
          <SortHeading
            key={c.key}
            column={c.key}
            sort={sort}
            onSort={onSort}
            title={c.title}
            className={`px-1.5 py-2 text-xs font-medium whitespace-nowrap text-zinc-500 dark:text-zinc-400 ${c.numeric ? 'text-right' : 'text-left'}`}
          >
            {c.heading}
          </SortHeading>
        ))}
      >
        {virtual.items.map((item) => {
          const d = rows[item.index];
          return d ? <TopRow key={d.name} domain={d} rowIndex={item.index + 2} /> : null;
        })}
      </VirtualTable>
    </div>
  );
}

/** One domain's row; re-renders only when its domain object changes (a value changed). */
const TopRow = memo(function TopRow({
  domain: d,
  rowIndex,
}: {
  domain: MetricsDomain;
  rowIndex: number;
}) {
  return (
    <tr
      data-testid={`top-row-${d.name}`}
      aria-rowindex={rowIndex}
      className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
    >
      {TOP_COLUMNS.map((c) =>
        c.key === 'name' ? (
          <th
            key={c.key}
            scope="row"
            className="px-1.5 py-1 text-left font-medium whitespace-nowrap"
          >
            <Link
              to={`/domains/${encodeURIComponent(d.name)}?view=metrics`}
              className="text-sky-800 hover:underline dark:text-sky-300"
              title={`domid ${d.domid}`}
            >
              {d.name}
            </Link>
          </th>
        ) : (
          <td
            key={c.key}
            {...(c.key === 'cpuPercent' ? { 'data-testid': 'top-cpu-percent' } : {})}
            className={`px-1.5 py-1 tabular-nums whitespace-nowrap ${c.numeric ? 'text-right' : ''}`}
          >
            {c.format(d)}
          </td>
        ),
      )}
    </tr>
  );
});

/** Default export for `React.lazy` (`lazy-xl-top.tsx`). */
export default XlTop;
