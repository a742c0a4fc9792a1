import type { Host } from '@xendeck/api';
import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { useNotices } from '@/components/notices';
import { isBallooning } from '../api/get-host';
import { dom0MemSetCommand, useSetDom0Memory } from '../api/set-dom0-memory';

export type TargetCheck = { ok: true; targetMiB: number } | { ok: false; message: string };

/**
 * Checks a typed dom0 target against the limits of `GET /host`: a whole number of MiB within
 * `minMiB..maxMiB` (inclusive). The message says what is wrong and which limit applies.
 */
export function checkDom0Target(input: string, minMiB: number, maxMiB: number): TargetCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter a target in MiB.' };
  if (!/^\d+$/.test(text)) return { ok: false, message: 'The target is a whole number of MiB.' };
  const targetMiB = Number(text);
  if (targetMiB < minMiB) {
    return { ok: false, message: `${targetMiB} MiB is below dom0's minimum of ${minMiB} MiB.` };
  }
  if (targetMiB > maxMiB) {
    return {
      ok: false,
      message: `${targetMiB} MiB is above dom0's maximum (static-max) of ${maxMiB} MiB.`,
    };
  }
  return { ok: true, targetMiB };
}

/**
 * dom0 balloon control: slider and number field (MiB) bounded by `host.dom0.minMemoryMiB` and
 * `maxMemoryMiB`, "Apply" sends `PUT /host/dom0/memory`, and while dom0's memory differs from its
 * target it shows "ballooning… X MiB → Y MiB" (the host query polls every second meanwhile).
 */
export function Dom0MemoryControl({ host }: { host: Host }) {
  const id = useId();
  const notices = useNotices();
  const setMemory = useSetDom0Memory();
  const { memoryMiB, targetMiB, minMemoryMiB, maxMemoryMiB } = host.dom0;
  // null: follow the server's target; a string: what the person typed or slid to.
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? String(Math.round(targetMiB));
  const check = checkDom0Target(value, minMemoryMiB, maxMemoryMiB);
  const ballooning = isBallooning(host);
  const sliderValue = check.ok ? check.targetMiB : Math.round(targetMiB);

  return (
    <div className="flex flex-col gap-3">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Current</dt>
          <dd className="font-medium tabular-nums">
            <span data-testid="dom0-current">{Math.floor(memoryMiB)}</span> MiB
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Balloon target</dt>
          <dd className="font-medium tabular-nums">{Math.round(targetMiB)} MiB</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Minimum</dt>
          <dd className="tabular-nums">{minMemoryMiB} MiB</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Maximum (static-max)</dt>
          <dd className="tabular-nums">{maxMemoryMiB} MiB</dd>
        </div>
      </dl>

      <p aria-live="polite" className="min-h-5 text-xs">
        {ballooning ? (
          <span className="inline-flex items-center gap-1.5 text-sky-700 dark:text-sky-300">
            <span className="size-2 animate-pulse rounded-full bg-sky-500" aria-hidden="true" />
            ballooning… {Math.floor(memoryMiB)} MiB → {Math.round(targetMiB)} MiB
          </span>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">dom0 is at its target.</span>
        )}
      </p>

      <form
        className="flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!check.ok) return;
          setMemory.mutate(
            { targetMiB: check.targetMiB },
            {
              onSuccess: () => setDraft(null),
              onError: (error) => notices.error(`Set dom0 memory to ${check.targetMiB} MiB`, error),
            },
          );
        }}
      >
        <div className="flex items-center gap-3">
          <span className="w-16 text-right text-xs text-zinc-500 tabular-nums" aria-hidden="true">
            {minMemoryMiB}
          </span>
          <input
            type="range"
            aria-label="dom0 balloon target in MiB"
            min={minMemoryMiB}
            max={maxMemoryMiB}
            step={1}
            value={sliderValue}
            onChange={(e) => setDraft(e.target.value)}
            className="h-2 flex-1 cursor-pointer accent-sky-700 dark:accent-sky-500"
          />
          <span className="w-16 text-xs text-zinc-500 tabular-nums" aria-hidden="true">
            {maxMemoryMiB}
          </span>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-target`} className="text-sm font-medium">
            Target (MiB)
          </label>
          <input
            id={`${id}-target`}
            data-testid="dom0-target-input"
            type="number"
            inputMode="numeric"
            min={minMemoryMiB}
            max={maxMemoryMiB}
            step={1}
            value={value}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={!check.ok}
            aria-describedby={`${id}-check`}
            className="h-8 w-28 rounded-md border border-zinc-300 bg-white px-2 text-sm tabular-nums focus-visible:border-sky-600 focus-visible:outline-2 focus-visible:outline-sky-600/40 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-950"
          />
          <Button
            type="submit"
            variant="primary"
            disabled={!check.ok || setMemory.isPending}
            title={check.ok ? dom0MemSetCommand(check.targetMiB) : undefined}
          >
            {setMemory.isPending ? 'Applying…' : 'Apply'}
          </Button>
          {check.ok ? <CommandHint command={dom0MemSetCommand(check.targetMiB)} /> : null}
        </div>
        <p
          id={`${id}-check`}
          className={`min-h-4 text-xs ${check.ok ? 'text-zinc-500 dark:text-zinc-400' : 'text-red-700 dark:text-red-300'}`}
        >
          {check.ok ? `Allowed: ${minMemoryMiB}–${maxMemoryMiB} MiB.` : check.message}
        </p>
      </form>
    </div>
  );
}
