/**
 * One save or restore task started here, followed live (the events socket patches the task cache;
 * a 1 s poll while it runs covers a socket that is down): progress, state, the error, a link to
 * its log. When it ends, the saved-image list is refetched. Test id `saved-image-task`
 * (`data-state` = the task's state).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Task } from '@xendeck/api';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { TaskProgress, taskQueryOptions } from '@/features/tasks';
import { savedImagesQueryKey } from '../api/get-saved-images';

const ended = (t: Task | undefined) => t?.state === 'succeeded' || t?.state === 'failed';

export function FollowedTask({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const task = useQuery({
    ...taskQueryOptions(id),
    refetchInterval: (q) => (ended(q.state.data as Task | undefined) ? false : 1_000),
  });
  const t = task.data;
  const done = ended(t);
  useEffect(() => {
    if (done) void queryClient.invalidateQueries({ queryKey: savedImagesQueryKey });
  }, [done, queryClient]);
  if (!t) return null;
  return (
    <div
      data-testid="saved-image-task"
      data-state={t.state}
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
