import { DOMAIN_STATES, type Domain, type DomainState } from '@xendeck/api';
import { Link } from 'react-router';
import { Panel, QueryState } from '@/components/panel';
import { useAccess } from '@/features/auth';
import { AutostartPanel } from '@/features/autostart';
import { StateBadge, useDomains } from '@/features/domains';
import { Dom0MemoryControl, HostFacts, MemorySplit, useHost } from '@/features/host';
import { HostMetricsCharts, MetricsStatusNote, useMetricsStatus } from '@/features/metrics';

/**
 * `/`: host facts, memory split, dom0 memory control, a domain count, host CPU and memory charts.
 * The dom0 memory and autostart panels are host settings (admins only).
 */
export function OverviewRoute() {
  const host = useHost();
  const hostSettings = useAccess().sees('host-settings');
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Overview</h1>
      {host.data ? (
        <div className="grid gap-4 xl:grid-cols-2">
          <Panel title="Host" labelledBy="host-heading">
            <HostFacts host={host.data} />
          </Panel>
          <Panel title="Domains" labelledBy="domains-summary-heading">
            <DomainsSummary />
          </Panel>
          <Panel title="Memory" labelledBy="memory-heading">
            <MemorySplit host={host.data} />
          </Panel>
          {hostSettings ? (
            <>
              <Panel title="dom0 memory" labelledBy="dom0-heading">
                <Dom0MemoryControl host={host.data} />
              </Panel>
              <Panel title="Autostart (xendomains)" labelledBy="autostart-heading">
                <AutostartPanel />
              </Panel>
            </>
          ) : null}
          <Panel
            title="Host CPU and memory"
            labelledBy="host-metrics-heading"
            className="xl:col-span-2"
            actions={<HostMetricsStatus />}
          >
            <HostMetricsCharts />
          </Panel>
        </div>
      ) : (
        <QueryState isPending={host.isPending} error={host.error} what="host information" />
      )}
    </>
  );
}

function HostMetricsStatus() {
  return <MetricsStatusNote status={useMetricsStatus()} />;
}

function DomainsSummary() {
  const domains = useDomains();
  const configText = useAccess().sees('config-text');
  if (!domains.data) {
    return <QueryState isPending={domains.isPending} error={domains.error} what="domains" />;
  }
  const guests: Domain[] = domains.data.filter((d) => d.domid !== 0);
  const counts = new Map<DomainState, number>();
  for (const d of guests) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
  const vcpus = guests.reduce((sum, d) => sum + d.vcpus, 0);
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p>
        <span className="text-2xl font-semibold tabular-nums">{guests.length}</span>{' '}
        <span className="text-zinc-500 dark:text-zinc-400">
          guest domain{guests.length === 1 ? '' : 's'}, {vcpus} vCPU{vcpus === 1 ? '' : 's'}
        </span>
      </p>
      <ul className="flex flex-wrap gap-3">
        {DOMAIN_STATES.filter((s) => counts.has(s)).map((s) => (
          <li key={s} className="flex items-center gap-1.5">
            <StateBadge state={s} testId={`domain-count-${s}`} />
            <span className="tabular-nums">{counts.get(s)}</span>
          </li>
        ))}
      </ul>
      <p className="flex gap-4">
        <Link to="/domains" className="text-sky-700 hover:underline dark:text-sky-400">
          All domains →
        </Link>
        {configText ? (
          <Link to="/configs" className="text-sky-700 hover:underline dark:text-sky-400">
            Start from a config file →
          </Link>
        ) : null}
      </p>
    </div>
  );
}
