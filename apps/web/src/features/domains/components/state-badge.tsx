import type { DomainState } from '@xendeck/api';

const styles: Record<DomainState, string> = {
  running:
    'bg-emerald-100 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-800',
  blocked:
    'bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-800',
  paused:
    'bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-800',
  shutdown:
    'bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700',
  crashed:
    'bg-red-100 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-300 dark:ring-red-800',
  dying:
    'bg-orange-100 text-orange-900 ring-orange-300 dark:bg-orange-950 dark:text-orange-300 dark:ring-orange-800',
};

/** What each state means, as the `xl list` State column letters (r, b, p, s, c, d). */
const meanings: Record<DomainState, string> = {
  running: 'r — running on a pCPU or runnable',
  blocked: 'b — blocked: idle, waiting for an event',
  paused: 'p — paused by the toolstack',
  shutdown: 's — shut down, not yet destroyed',
  crashed: 'c — crashed, kept for inspection',
  dying: 'd — dying: being torn down',
};

/** The domain's state word in a coloured badge; the text is exactly the state (e2e reads it). */
export function StateBadge({
  state,
  testId = 'domain-state',
}: {
  state: DomainState;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      title={meanings[state]}
      className={`inline-flex rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[state]}`}
    >
      {state}
    </span>
  );
}
