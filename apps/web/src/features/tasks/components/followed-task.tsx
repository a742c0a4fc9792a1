/**
 * One task a page started and follows in place: {@link useFollowedTask} keeps it fresh (the
 * events socket patches the task cache; a 1 s poll while it runs covers a socket that is down)
 * and calls `onEnd` once it succeeded or failed; {@link FollowedTaskLine} shows it as one line —
 * kind, target (without its `kind:` prefix), progress, state and error, a link to its log. For
 * features that start tasks (saved images; storage's and snapshots' lines are the same shape).
 */
import { useQuery } from '@tanstack/react-query';
import type { Task } from '@xendeck/api';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { taskQueryOptions } from '../api/get-task';
import { TaskProgress } from './task-progress';

const ended = (t: Task | undefined) => t?.state === 'succeeded' || t?.state === 'failed';

/** Task `id`, polled every second until it ends; `onEnd` runs once when it has. */
export function useFollowedTask(id: string, onEnd?: (task: Task) => void): Task | undefined {
  const task = useQuery({
    ...taskQueryOptions(id),
    refetchInterval: (q) => (ended(q.state.data as Task | undefined) ? false : 1_000),
  });
  const t = task.data;
  const done = ended(t);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the task ends, once.
  useEffect(() => {
    if (done && t) onEnd?.(t);
  }, [done]);
  return t;
}

/** The line of a followed task; `testId` goes on it with `data-state` = the task's state. */
export function FollowedTaskLine({ task: t, testId }: { task: Task; testId: string }) {
  return (
    <div
      data-testid={testId}
      data-state={t.state}
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm"
    >
      <span className="font-mono text-xs">{t.kind}</span>
      <span className="font-medium">{t.target.replace(/^[a-z-]+:/, '')}</span>
      <TaskProgress task={t} />
      <span
        className={
          t.state === 'failed'
            ? 'text-red-700 dark:text-red-300'
            : t.state === 'succeeded'
              ? 'text-emerald-700 dark:text-emerald-300'
              : 'text-zinc-600 dark:text-zinc-300'
        }
      >
        {t.state}
        {t.error ? `: ${t.error.message} (${t.error.code})` : ''}
      </span>
      <Link
        to={`/tasks/${encodeURIComponent(t.id)}`}
        className="text-xs text-sky-700 hover:underline dark:text-sky-400"
      >
        Task log
      </Link>
    </div>
  );
}
