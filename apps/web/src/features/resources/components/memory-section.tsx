/**
 * The balloon target of a running domain (`xl mem-set`): the shared `MemoryTargetControl` (what
 * it holds now, a slider and a field bounded by min..maxmem of `GET /domains/:name/memory`,
 * checked by the domain rules), Apply with "Also write to <name>.cfg",
 * and the `xl` command beside the button. After Apply it polls every second and says
 * "ballooning… X MiB → Y MiB" until the domain holds the target (within 1 MiB).
 *
 * Test ids: `resources-memory-current`, `resources-memory-input`, `resources-memory-apply`,
 * `resources-memory-persist`, `resources-memory-outcome`, `resources-memory-ballooning`.
 */
import type { Domain, LiveChangeResult } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { useEffect, useState } from 'react';
import { MemoryTargetControl } from '@/components/memory-target-control';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { useChangeResources } from '../api/change-resources';
import { useDomainMemory } from '../api/get-domain-memory';
import { ApplyControls, ChangeOutcome } from './change-parts';

/** How long the section polls for the domain to reach a new target, ms. */
export const BALLOON_FOLLOW_MS = 60_000;

export function MemorySection({ domain }: { domain: Domain }) {
  const { name } = domain;
  const notices = useNotices();
  const change = useChangeResources(name);
  // The target set from this page, until the domain holds it.
  const [pending, setPending] = useState<number | null>(null);
  const memory = useDomainMemory(name, domain.domid, pending === null ? undefined : 1000);
  const [persist, setPersist] = useState(false);
  const [outcome, setOutcome] = useState<LiveChangeResult | null>(null);
  const currentNow = memory.data?.currentMiB;
  // Stop following once the domain holds the target, or after BALLOON_FOLLOW_MS.
  useEffect(() => {
    if (pending === null) return;
    if (currentNow !== undefined && Math.abs(currentNow - pending) < 1) {
      setPending(null);
      return;
    }
    const t = setTimeout(() => setPending(null), BALLOON_FOLLOW_MS);
    return () => clearTimeout(t);
  }, [pending, currentNow]);
  if (!memory.data) {
    return <QueryState isPending={memory.isPending} error={memory.error} what="memory" />;
  }
  const { currentMiB, minMiB, maxMiB, targetMiB } = memory.data;
  const shownTarget = pending ?? targetMiB;

  return (
    <MemoryTargetControl
      subject={name}
      currentMiB={currentMiB}
      targetMiB={shownTarget}
      minMiB={minMiB}
      maxMiB={maxMiB}
      labels={{ current: 'Current (xl list)', max: 'Maximum (maxmem)' }}
      testIds={{ current: 'resources-memory-current', input: 'resources-memory-input' }}
      ballooning={
        pending === null
          ? null
          : { fromMiB: currentMiB, toMiB: pending, testId: 'resources-memory-ballooning' }
      }
      hint={`Allowed: ${minMiB}–${maxMiB} MiB. The guest's balloon driver gives memory back or takes it over seconds.`}
      onApply={(target, done) =>
        change.mutate(
          { kind: 'memory', body: { targetMiB: target, persist } },
          {
            onSuccess: (r) => {
              setOutcome(r);
              done();
              setPending(target);
            },
            onError: (err) => notices.error(`Set ${name}'s memory to ${target} MiB`, err),
          },
        )
      }
      controls={(target) => (
        <ApplyControls
          name={name}
          section="memory"
          persist={persist}
          onPersist={setPersist}
          pending={change.isPending}
          command={
            target === null ? null : xlCommand({ action: 'mem-set', name, targetMiB: target })
          }
        />
      )}
    >
      <ChangeOutcome result={outcome} testId="resources-memory-outcome" />
    </MemoryTargetControl>
  );
}
