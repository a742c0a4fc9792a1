/**
 * The balloon target of a running domain (`xl mem-set`): what it holds now, a slider and a field
 * bounded by min..maxmem of `GET /domains/:name/memory`, Apply with "Also write to <name>.cfg",
 * and the `xl` command beside the button. After Apply it polls every second and says
 * "ballooning… X MiB → Y MiB" until the domain holds the target (within 1 MiB).
 *
 * Test ids: `resources-memory-current`, `resources-memory-input`, `resources-memory-apply`,
 * `resources-memory-persist`, `resources-memory-outcome`, `resources-memory-ballooning`.
 */
import type { Domain, LiveChangeResult } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { useEffect, useId, useState } from 'react';
import { inputBaseClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { useChangeResources } from '../api/change-resources';
import { useDomainMemory } from '../api/get-domain-memory';
import { checkWholeNumber } from '../lib/checks';
import { ApplyControls, ChangeOutcome, FieldMessage } from './change-parts';

/** How long the section polls for the domain to reach a new target, ms. */
export const BALLOON_FOLLOW_MS = 60_000;

export function MemorySection({ domain }: { domain: Domain }) {
  const { name } = domain;
  const id = useId();
  const notices = useNotices();
  const change = useChangeResources(name);
  // The target set from this page, until the domain holds it.
  const [pending, setPending] = useState<number | null>(null);
  const memory = useDomainMemory(name, domain.domid, pending === null ? undefined : 1000);
  const [draft, setDraft] = useState<string | null>(null);
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
  const value = draft ?? String(Math.round(shownTarget));
  const check = checkWholeNumber(value, Math.ceil(minMiB), Math.floor(maxMiB), 'The target (MiB)');
  const command = check.ok ? xlCommand({ action: 'mem-set', name, targetMiB: check.value }) : '';

  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!check.ok) return;
        change.mutate(
          { kind: 'memory', body: { targetMiB: check.value, persist } },
          {
            onSuccess: (r) => {
              setOutcome(r);
              setDraft(null);
              setPending(check.value);
            },
            onError: (err) => notices.error(`Set ${name}'s memory to ${check.value} MiB`, err),
          },
        );
      }}
    >
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Current (xl list)</dt>
          <dd className="font-medium tabular-nums">
            <span data-testid="resources-memory-current">{Math.floor(currentMiB)}</span> MiB
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Balloon target</dt>
          <dd className="font-medium tabular-nums">{Math.round(shownTarget)} MiB</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Minimum</dt>
          <dd className="tabular-nums">{minMiB} MiB</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Maximum (maxmem)</dt>
          <dd className="tabular-nums">{maxMiB} MiB</dd>
        </div>
      </dl>
      <p aria-live="polite" className="min-h-5 text-xs">
        {pending !== null ? (
          <span
            data-testid="resources-memory-ballooning"
            className="inline-flex items-center gap-1.5 text-sky-700 dark:text-sky-300"
          >
            <span className="size-2 animate-pulse rounded-full bg-sky-500" aria-hidden="true" />
            ballooning… {Math.floor(currentMiB)} MiB → {pending} MiB
          </span>
        ) : null}
      </p>
      <div className="flex items-center gap-3">
        <span className="w-14 text-right text-xs text-zinc-500 tabular-nums" aria-hidden="true">
          {minMiB}
        </span>
        <input
          type="range"
          aria-label={`${name} balloon target in MiB`}
          min={Math.ceil(minMiB)}
          max={Math.floor(maxMiB)}
          step={1}
          value={check.ok ? check.value : Math.round(shownTarget)}
          onChange={(e) => setDraft(e.target.value)}
          className="h-2 flex-1 cursor-pointer accent-sky-700 dark:accent-sky-500"
        />
        <span className="w-14 text-xs text-zinc-500 tabular-nums" aria-hidden="true">
          {maxMiB}
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-mem`} className="text-sm font-medium">
          Target (MiB)
        </label>
        <input
          id={`${id}-mem`}
          data-testid="resources-memory-input"
          type="number"
          inputMode="numeric"
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={!check.ok}
          aria-describedby={`${id}-mem-check`}
          className={`${inputBaseClass} w-28 tabular-nums`}
        />
        <ApplyControls
          name={name}
          section="memory"
          persist={persist}
          onPersist={setPersist}
          pending={change.isPending}
          command={check.ok ? command : null}
        />
      </div>
      <FieldMessage
        id={`${id}-mem-check`}
        problem={check.ok ? undefined : check.message}
        hint={`Allowed: ${minMiB}–${maxMiB} MiB. The guest's balloon driver gives memory back or takes it over seconds.`}
      />
      <ChangeOutcome result={outcome} testId="resources-memory-outcome" />
    </form>
  );
}
