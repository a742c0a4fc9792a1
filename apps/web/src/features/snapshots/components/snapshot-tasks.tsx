/**
 * The snapshot and clone operations started from this tab, each following its task (the events
 * socket patches the task cache; a 1 s poll while it runs covers a socket that is down). When one
 * ends, the guest's snapshot list and the config list (a clone writes a config) are refetched.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Task } from '@xendeck/api';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { TaskProgress, taskQueryOptions } from '@/features/tasks';

const ended = (t: Task | undefined) => t?.state === 'succeeded' || t?.state === 'failed';

function SnapshotTask({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const task = useQuery({
    ...taskQueryOptions(id),
    refetchInterval: (q) => (ended(q.state.data as Task | undefined) ? false : 1_000),
  });
  const t = task.data;
  const done = ended(t);
  useEffect(() => {
    if (!done) return;
    void queryClient.invalidateQueries({ queryKey: ['domains', 'snapshots'] });
    void queryClient.invalidateQueries({ queryKey: ['configs'] });
    void queryClient.invalidateQueries({ queryKey: ['storage'] });
  }, [done, queryClient]);
  if (!t) return null;
  const last = [...t.steps].reverse().find((s) => s.state !== 'pending' && s.state !== 'skipped');
  return (
    <li
      data-testid="snapshot-task"
      data-state={t.state}
      data-kind={t.kind}
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm"
    >
      <span className="font-mono text-xs">{t.kind}</span>
      <span className="font-medium">{t.target.replace(/^domain:/, '')}</span>
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
        {t.state === 'running' && last ? ` — ${last.name}` : ''}
        {t.error ? `: ${t.error.message} (${t.error.code})` : ''}
      </span>
      <Link
        to={`/tasks/${encodeURIComponent(t.id)}`}
        className="text-xs text-sky-700 hover:underline dark:text-sky-400"
      >
        Task log
      </Link>
    </li>
  );
}

/** The list, newest first; nothing when no operation was started here. */
export function SnapshotTasks({ ids }: { ids: string[] }) {
  if (ids.length === 0) return null;
  return (
    <section
      aria-label="Snapshot operations"
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 className="mb-2 text-sm font-semibold">Operations</h2>
      <ul className="flex flex-col gap-1.5">
        {ids.map((id) => (
          <SnapshotTask key={id} id={id} />
        ))}
      </ul>
    </section>
  );
}
