/**
 * The domain page's **Resources** tab: memory (balloon target), vCPUs (online, `xl vcpu-list`,
 * pinning), credit2 weight and cap, and for an HVM guest its CD-ROM drives (the console
 * toolbar's CD menu, reused from the consoles feature). Everything acts on the running domain;
 * each form can also write its change to `<name>.cfg`, and shows its `xl` command.
 *
 * Test ids: `resources-panel`, `resources-not-running`, `resources-cdrom` (plus each section's).
 */
import type { Domain } from '@xendeck/api';
import { Panel } from '@/components/panel';
import { CdromMenu } from '@/features/consoles';
import { WhenRunning } from '@/features/domains';
import { MemorySection } from './memory-section';
import { SchedSection } from './sched-section';
import { VcpusSection } from './vcpus-section';

export function ResourcesPanel({ name }: { name: string }) {
  return (
    <WhenRunning
      name={name}
      testId="resources-not-running"
      notRunning={
        <>
          <span className="font-mono">{name}</span> is not running. Live resources are changed on a
          running domain; for the next start, edit <span className="font-mono">{name}.cfg</span>{' '}
          under the Config tab.
        </>
      }
    >
      {(domain) => <ResourcesView domain={domain} />}
    </WhenRunning>
  );
}

/** The sections for a running `domain` (keyed by domid by WhenRunning: a restart starts the forms afresh). */
function ResourcesView({ domain }: { domain: Domain }) {
  return (
    <div data-testid="resources-panel" className="flex flex-col gap-4 pt-2">
      <Panel title="Memory" labelledBy="resources-memory-heading">
        <MemorySection domain={domain} />
      </Panel>
      <Panel title="vCPUs" labelledBy="resources-vcpus-heading">
        <VcpusSection domain={domain} />
      </Panel>
      <Panel title="Scheduler (credit2)" labelledBy="resources-sched-heading">
        <SchedSection domain={domain} />
      </Panel>
      {domain.type === 'hvm' ? (
        <Panel title="CD-ROM" labelledBy="resources-cdrom-heading">
          <div data-testid="resources-cdrom" className="flex flex-wrap items-center gap-3">
            <CdromMenu name={domain.name} domain={domain} />
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              Insert, change or eject an ISO while the guest runs (
              <code className="font-mono">xl cd-insert</code> /{' '}
              <code className="font-mono">xl cd-eject</code>; the config file does not change).
            </span>
          </div>
        </Panel>
      ) : null}
    </div>
  );
}
