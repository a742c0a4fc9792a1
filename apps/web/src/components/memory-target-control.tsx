/**
 * The balloon-target control shared by dom0 (overview, `features/host`) and a domU (Resources tab,
 * `features/resources`): the four figures (current, target, minimum, maximum), a progress line,
 * a slider and a number field (MiB) bounded by the limits, the caller's Apply controls, and the
 * field's check — `checkMemoryTargetInput` (`lib/memory-target.ts`: whole MiB, then the range by
 * `@xendeck/api`'s domain rules, the rule the hypervisor enforces). The caller owns the request;
 * the control owns what is typed or slid to (its draft), dropped again after a successful Apply.
 */
import { type ReactNode, useId, useState } from 'react';
import { inputBaseClass } from '@/components/form-field';
import { checkMemoryTargetInput } from '@/lib/memory-target';

export interface MemoryTargetControlProps {
  /** What the slider is about, for its accessible name: "<subject> balloon target in MiB". */
  subject: string;
  /** Memory the domain holds now, MiB (`xl list`). */
  currentMiB: number;
  /** Its balloon target, MiB (what the field shows until someone types). */
  targetMiB: number;
  /** Lowest and highest target allowed, MiB (from the server). */
  minMiB: number;
  maxMiB: number;
  /** Labels of the current and maximum figures, e.g. "Current (xl list)", "Maximum (maxmem)". */
  labels: { current: string; max: string };
  /** Test ids of the current figure and of the number field. */
  testIds: { current: string; input: string };
  /**
   * While the domain moves toward a target: "ballooning… <fromMiB> MiB → <toMiB> MiB" (with
   * `testId`); otherwise `idleNote`, if any.
   */
  ballooning: { fromMiB: number; toMiB: number; testId?: string } | null;
  idleNote?: string;
  /** What the field's message says while the input is valid. */
  hint: string;
  /** Apply with a checked target; call `done` once it succeeded (the control forgets the draft). */
  onApply: (targetMiB: number, done: () => void) => void;
  /** The Apply button(s) beside the field, given the checked target (null while invalid). */
  controls: (targetMiB: number | null) => ReactNode;
  /** Below the field's message (e.g. what the last Apply wrote). */
  children?: ReactNode;
}

export function MemoryTargetControl({
  subject,
  currentMiB,
  targetMiB,
  minMiB,
  maxMiB,
  labels,
  testIds,
  ballooning,
  idleNote,
  hint,
  onApply,
  controls,
  children,
}: MemoryTargetControlProps) {
  const id = useId();
  // null: follow the server's target; a string: what the person typed or slid to.
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? String(Math.round(targetMiB));
  const check = checkMemoryTargetInput(value, { minMiB, maxMiB });
  const low = Math.ceil(minMiB);
  const high = Math.floor(maxMiB);

  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (check.ok) onApply(check.targetMiB, () => setDraft(null));
      }}
    >
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">{labels.current}</dt>
          <dd className="font-medium tabular-nums">
            <span data-testid={testIds.current}>{Math.floor(currentMiB)}</span> MiB
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Balloon target</dt>
          <dd className="font-medium tabular-nums">{Math.round(targetMiB)} MiB</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Minimum</dt>
          <dd className="tabular-nums">{minMiB} MiB</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">{labels.max}</dt>
          <dd className="tabular-nums">{maxMiB} MiB</dd>
        </div>
      </dl>
      <p aria-live="polite" className="min-h-5 text-xs">
        {ballooning ? (
          <span
            data-testid={ballooning.testId}
            className="inline-flex items-center gap-1.5 text-sky-700 dark:text-sky-300"
          >
            <span className="size-2 animate-pulse rounded-full bg-sky-500" aria-hidden="true" />
            ballooning… {Math.floor(ballooning.fromMiB)} MiB → {Math.round(ballooning.toMiB)} MiB
          </span>
        ) : idleNote ? (
          <span className="text-zinc-500 dark:text-zinc-400">{idleNote}</span>
        ) : null}
      </p>
      <div className="flex items-center gap-3">
        <span className="w-16 text-right text-xs text-zinc-500 tabular-nums" aria-hidden="true">
          {minMiB}
        </span>
        <input
          type="range"
          aria-label={`${subject} balloon target in MiB`}
          min={low}
          max={high}
          step={1}
          value={check.ok ? check.targetMiB : Math.round(targetMiB)}
          onChange={(e) => setDraft(e.target.value)}
          className="h-2 flex-1 cursor-pointer accent-sky-700 dark:accent-sky-500"
        />
        <span className="w-16 text-xs text-zinc-500 tabular-nums" aria-hidden="true">
          {maxMiB}
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-target`} className="text-sm font-medium">
          Target (MiB)
        </label>
        <input
          id={`${id}-target`}
          data-testid={testIds.input}
          type="number"
          inputMode="numeric"
          min={low}
          max={high}
          step={1}
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={!check.ok}
          aria-describedby={`${id}-check`}
          className={`${inputBaseClass} w-28 tabular-nums`}
        />
        {controls(check.ok ? check.targetMiB : null)}
      </div>
      <p
        id={`${id}-check`}
        className={`min-h-4 text-xs ${check.ok ? 'text-zinc-500 dark:text-zinc-400' : 'text-red-700 dark:text-red-300'}`}
      >
        {check.ok ? hint : check.message}
      </p>
      {children}
    </form>
  );
}
