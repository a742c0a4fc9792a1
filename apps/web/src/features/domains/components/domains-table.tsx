import { useQueryClient } from '@tanstack/react-query';
import type { Domain } from '@xendeck/api';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import {
  DomainCpuCell,
  MemorySparkline,
  type MetricsSample,
  useLatestSample,
} from '@/features/metrics';
import { formatCpuTimeSeconds, formatKiBAsMiB, kibToWholeMiB } from '@/lib/format';
import { domainsListQueryKey, useDomains } from '../api/get-domains';
import { useShutOffDomains } from '../api/shut-off-domains';
import { DomainActions } from './domain-actions';
import { ShutOffRow } from './shut-off-row';
import { StateBadge } from './state-badge';

const th = `${thClass} whitespace-nowrap`;
const td = `${tdClass} whitespace-nowrap`;

/**
 * True when a live sample shows some domain (same domid) at a whole-MiB memory other than the
 * list's: the list, which is `xl list`'s figure, is then out of date (ballooning).
 */
export function memoryDiffers(domains: readonly Domain[], sample: MetricsSample | null): boolean {
  if (!sample) return false;
  return sample.domains.some((m) => {
    const d = domains.find((x) => x.domid === m.domid);
    return d !== undefined && Math.floor(m.memoryBytes / 1048576) !== kibToWholeMiB(d.memoryKiB);
  });
}

/**
 * Keeps the Memory column live without changing where its figure comes from: the text stays
 * `xl list`'s (`GET /domains`, e2e compares it literally), and when the metrics stream's memory
 * for a domid differs from it, the list is refetched (at most every 2 s) instead of waiting for
 * its 5 s poll.
 */
function useLiveMemoryRefresh(domains: readonly Domain[] | undefined) {
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
}

/**
 * The domains table, as `xl list` plus actions and live CPU %; fed by `['domains','list']`. Below
 * the running domains, the ones not running that the person may start (`api/shut-off-domains.ts`)
 * as "shut off" rows.
 */
export function DomainsTable() {
  const domains = useDomains();
  const shutOff = useShutOffDomains(domains.data);
  useLiveMemoryRefresh(domains.data);
  if (!domains.data) {
    return <QueryState isPending={domains.isPending} error={domains.error} what="domains" />;
  }
  return <DomainsTableView domains={domains.data} shutOff={shutOff.names} />;
}

/** The table's column count (the shut-off rows span the figures). */
const COLUMNS = 9;

/** Presentational half of {@link DomainsTable}; `shutOff`: names shown as shut-off rows. */
export function DomainsTableView({
  domains,
  shutOff = [],
}: {
  domains: Domain[];
  shutOff?: readonly string[];
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">Domains, as xl list shows them</caption>
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th scope="col" className={th}>
              Name
            </th>
            <th scope="col" className={`${th} text-right`}>
              ID
            </th>
            <th scope="col" className={th}>
              State
            </th>
            <th scope="col" className={th}>
              Type
            </th>
            <th
              scope="col"
              className={`${th} text-right`}
              title="CPU over the last second, percent of one physical CPU (xentop CPU(%)); the line is the last 2 minutes"
            >
              CPU %
            </th>
            <th scope="col" className={`${th} text-right`}>
              Memory
            </th>
            <th scope="col" className={`${th} text-right`}>
              vCPUs
            </th>
            <th scope="col" className={`${th} text-right`}>
              CPU time (s)
            </th>
            <th scope="col" className={`${th} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {domains.length === 0 && shutOff.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className={`${td} py-4 text-center text-zinc-500`}>
                No domains.
              </td>
            </tr>
          ) : null}
          {domains.map((d) => (
            <tr
              key={d.domid}
              data-testid={`domain-row-${d.name}`}
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
              <td className={`${td} uppercase text-xs text-zinc-600 dark:text-zinc-300`}>
                {d.type}
              </td>
              <td className={`${td} text-right`}>
                <DomainCpuCell name={d.name} />
              </td>
              <td className={`${td} text-right`}>
                <div className="flex items-center justify-end gap-2">
                  <MemorySparkline name={d.name} maxMemoryBytes={d.maxMemoryKiB * 1024} />
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
                {d.maxVcpus !== d.vcpus ? (
                  <span className="text-zinc-400">/{d.maxVcpus}</span>
                ) : null}
              </td>
              <td className={`${td} text-right tabular-nums`}>
                {formatCpuTimeSeconds(d.cpuTimeNs)}
              </td>
              <td className={`${td} text-right`}>
                <DomainActions domain={d} />
              </td>
            </tr>
          ))}
          {shutOff.map((name) => (
            <ShutOffRow key={`off-${name}`} name={name} columns={COLUMNS} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
