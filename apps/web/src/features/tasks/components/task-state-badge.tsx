import type { TaskState, TaskStepState } from '@xendeck/api';

const styles: Record<TaskState | TaskStepState, string> = {
  queued:
    'bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700',
  pending:
    'bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700',
  skipped:
    'bg-zinc-100 text-zinc-500 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-400 dark:ring-zinc-700',
  running:
    'bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-800',
  succeeded:
    'bg-emerald-100 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-800',
  failed:
    'bg-red-100 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-300 dark:ring-red-800',
};

/** A task's or step's state word in a coloured badge; the text is exactly the state. */
export function TaskStateBadge({
  state,
  testId = 'task-state',
}: {
  state: TaskState | TaskStepState;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[state]}`}
    >
      {state}
    </span>
  );
}
