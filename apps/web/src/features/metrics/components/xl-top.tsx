import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { tdClass } from '@/components/table';
import { useLatestSample, useMetricsStatus } from '../api/metrics-stream';
import type { MetricsSample } from '../lib/contract';
import { bytesToKiB, formatPercent } from '../lib/format-metrics';
import type { MetricsStatus, MetricsStore } from '../lib/metrics-store';
import { DEFAULT_TOP_SORT, nextSort, sortTopRows, TOP_COLUMNS, type TopSort } from '../lib/xl-top';

const statusText: Record<MetricsStatus, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  paused: 'paused (tab hidden)',
};

/** Where the metrics stream is: live, connecting, or paused because the tab is hidden. */
export function MetricsStatusNote({ status }: { status: MetricsStatus }) {
  const dot =
    status === 'live'
      ? 'bg-emerald-500'
      : status === 'paused'
        ? 'bg-zinc-400'
        : status === 'reconnecting'
          ? 'bg-amber-500 animate-pulse'
          : 'bg-zinc-400 animate-pulse';
  return (
    <span
      data-testid="metrics-status"
      className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-300"
      title={
        status === 'paused'
          ? 'The metrics stream is closed while this tab is hidden; it resumes when you come back'
          : 'State of the metrics websocket (one sample a second)'
      }
    >
      <span className={`size-2 rounded-full ${dot}`} aria-hidden="true" />
      {statusText[status]}
    </span>
  );
}

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

/**
 * `xl top`: xentop's table live in the browser, one row per domain from the metrics websocket,
 * every column sortable (click a heading; again to reverse). Totals are integers, CPU(%) and
 * MEM(%) one decimal, memory and network in KiB, as xentop prints them.
 */
export function XlTop({ store }: { store?: MetricsStore }) {
  const sample = useLatestSample(store);
  const status = useMetricsStatus(store);
  const [sort, setSort] = useState<TopSort>(DEFAULT_TOP_SORT);
  const rows = useMemo(() => (sample ? sortTopRows(sample.domains, sort) : []), [sample, sort]);

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        {sample ? <HostLine sample={sample} /> : <span />}
        <MetricsStatusNote status={status} />
      </div>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full border-collapse font-mono text-xs">
          <caption className="sr-only">
            Domains as xentop shows them; column headings sort the table
          </caption>
          <thead className="border-b border-zinc-200 dark:border-zinc-800">
            <tr>
              {TOP_COLUMNS.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={
                      active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'
                    }
                    className={`px-1.5 py-2 text-xs font-medium whitespace-nowrap text-zinc-500 dark:text-zinc-400 ${c.numeric ? 'text-right' : 'text-left'}`}
                  >
                    <button
                      type="button"
                      title={c.title}
                      onClick={() => setSort((s) => nextSort(s, c.key))}
                      className={`inline-flex items-center gap-0.5 rounded font-mono hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-600 dark:hover:text-zinc-100 ${
                        active ? 'text-zinc-900 dark:text-zinc-50' : ''
                      }`}
                    >
                      {c.heading}
                      {active ? (
                        <span aria-hidden="true">{sort.direction === 'asc' ? '▲' : '▼'}</span>
                      ) : null}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
            {rows.length === 0 ? (
              <tr>
                <td
                  colSpan={TOP_COLUMNS.length}
                  className={`${tdClass} py-4 text-center text-zinc-500`}
                >
                  {sample ? 'No domains.' : 'Waiting for the first sample…'}
                </td>
              </tr>
            ) : null}
            {rows.map((d) => (
              <tr
                key={d.name}
                data-testid={`top-row-${d.name}`}
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
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
