import { lazy, type ReactNode, Suspense } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { QueryState } from '@/components/panel';
import { Tabs, tabPanelProps } from '@/components/tabs';
import { type DomainNeed, useAccess } from '@/features/auth';
import { ConfigView, useConfigs } from '@/features/configs';
import { ConsolePanel } from '@/features/consoles';
import { DomainActions, StateBadge, useDomains } from '@/features/domains';
import { DomainLiveNumbers, DomainMetricsCharts } from '@/features/metrics';
import { SaveDomainDialog } from '@/features/saved-images';
import { formatCpuTimeSeconds, formatKiBAsMiB } from '@/lib/format';

// The admin/operator tabs are fetched on first use: they keep the first page within its budget.
const ResourcesPanel = lazy(() =>
  import('@/features/resources').then((m) => ({ default: m.ResourcesPanel })),
);
const DomainNetworkPanel = lazy(() =>
  import('@/features/network').then((m) => ({ default: m.DomainNetworkPanel })),
);
const SnapshotsPanel = lazy(() =>
  import('@/features/snapshots').then((m) => ({ default: m.SnapshotsPanel })),
);

/** The tabs and what each needs (features/auth): a permission on the domain, or a host-wide area. */
const TABS = [
  { id: 'overview', label: 'Overview', needs: { permission: 'view' } },
  { id: 'metrics', label: 'Metrics', needs: { permission: 'metrics' } },
  { id: 'resources', label: 'Resources', needs: { area: 'host' } },
  { id: 'network', label: 'Network', needs: { area: 'host' } },
  { id: 'snapshots', label: 'Snapshots', needs: { area: 'storage' } },
  { id: 'config', label: 'Config', needs: { area: 'config-text' } },
  { id: 'console', label: 'Console', needs: { permission: 'console' } },
] as const satisfies readonly { id: string; label: string; needs: DomainNeed }[];
type DomainTab = (typeof TABS)[number]['id'];

/**
 * `/domains/:name`: one domain. Overview (its `xl list` facts, live CPU/memory/network/disk
 * numbers and the row's actions), Metrics (CPU, memory, network, disk charts with a range
 * picker), Config (the config component for `<name>.cfg`, when the config dir has that file) and
 * Console (the guest's screen and text consoles, loaded lazily), Resources (live memory, vCPUs,
 * pinning, credit2, CDs: features/resources). Network (its vifs, add/remove: features/network). Snapshots (snapshot sets of its volumes, Clone…: features/snapshots). `?view=metrics|resources|network|snapshots|config|console`
 * selects the tab; the config's own tabs use `?tab=`, the console's `?console=vnc|pv|serial`.
 * Only the tabs the person may use are shown (`TABS[].needs`: a customer's grant, or the role).
 */
export function DomainRoute() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const requested = params.get('view');
  const access = useAccess();
  const tabs = TABS.filter((t) => access.may(t.needs, name));
  const view: DomainTab = tabs.find((t) => t.id === requested)?.id ?? 'overview';
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500 dark:text-zinc-400">
        <Link to="/domains" className="hover:underline">
          Domains
        </Link>{' '}
        / <span className="font-mono">{name}</span>
      </nav>
      <h1 className="text-lg font-semibold tracking-tight">
        Domain <span className="font-mono">{name}</span>
      </h1>
      <Tabs
        label={`Domain ${name}`}
        idPrefix="domain"
        tabs={tabs}
        selected={view}
        onSelect={(id) =>
          setParams(
            (p) => {
              const next = new URLSearchParams(p);
              if (id === 'overview') next.delete('view');
              else next.set('view', id);
              if (id !== 'config') next.delete('tab');
              if (id !== 'console') next.delete('console');
              return next;
            },
            { replace: true },
          )
        }
      />
      <div {...tabPanelProps('domain', view)}>
        {view === 'overview' ? <DomainOverview name={name} /> : null}
        {view === 'metrics' ? (
          <div className="pt-2">
            <DomainMetricsCharts name={name} />
          </div>
        ) : null}
        <Suspense fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>}>
          {view === 'resources' ? <ResourcesPanel name={name} /> : null}
          {view === 'network' ? <DomainNetworkPanel name={name} /> : null}
          {view === 'snapshots' ? <SnapshotsPanel name={name} /> : null}
        </Suspense>
        {view === 'console' ? <ConsolePanel name={name} /> : null}
        {/* Kept mounted while Overview shows, so unsaved config edits survive a tab switch. */}
        {access.sees('config-text') ? (
          <div hidden={view !== 'config'}>
            <DomainConfig name={name} />
          </div>
        ) : null}
      </div>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="text-sm tabular-nums">{children}</dd>
    </div>
  );
}

function DomainOverview({ name }: { name: string }) {
  const domains = useDomains();
  const access = useAccess();
  if (!domains.data) {
    return <QueryState isPending={domains.isPending} error={domains.error} what="domains" />;
  }
  const d = domains.data.find((x) => x.name === name);
  if (!d) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No domain named <span className="font-mono">{name}</span> exists now (
        <code className="font-mono">xl list</code> does not show it).
        {access.sees('config-text') ? ' Its config, if it has one, is under the Config tab.' : ''}
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-4 pt-1">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4">
        <Fact label="domid">{d.domid}</Fact>
        <Fact label="State">
          <StateBadge state={d.state} />
        </Fact>
        <Fact label="Type">
          <span className="uppercase">{d.type}</span>
        </Fact>
        <Fact label="UUID">
          <span className="font-mono text-xs">{d.uuid}</span>
        </Fact>
        <Fact label="Memory">{formatKiBAsMiB(d.memoryKiB)}</Fact>
        <Fact label="Max memory">{formatKiBAsMiB(d.maxMemoryKiB)}</Fact>
        <Fact label="vCPUs">
          {d.vcpus}
          {d.maxVcpus !== d.vcpus ? ` of ${d.maxVcpus}` : ''}
        </Fact>
        <Fact label="CPU time">{formatCpuTimeSeconds(d.cpuTimeNs)} s</Fact>
      </dl>
      <section aria-labelledby="domain-live-heading" className="flex flex-col gap-2">
        <h2
          id="domain-live-heading"
          className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
        >
          Live
        </h2>
        <DomainLiveNumbers name={name} />
      </section>
      <div className="flex justify-start gap-1">
        <DomainActions domain={d} />
        {access.sees('storage') ? <SaveDomainDialog domain={d} /> : null}
      </div>
    </div>
  );
}

function DomainConfig({ name }: { name: string }) {
  const configs = useConfigs();
  if (!configs.data) {
    return <QueryState isPending={configs.isPending} error={configs.error} what="config files" />;
  }
  if (!configs.data.some((c) => c.name === name)) {
    return (
      <p className="pt-2 text-sm text-zinc-600 dark:text-zinc-400">
        No config file named <span className="font-mono">{name}.cfg</span> is in the config dir.
        Xendeck pairs a domain with the file of the same name.
      </p>
    );
  }
  return (
    <div className="pt-2">
      <ConfigView name={name} />
    </div>
  );
}
