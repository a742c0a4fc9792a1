/**
 * The storage operations started on this page, each following its task (the events socket patches
 * the task cache; a 1 s poll while it runs covers a socket that is down). When one ends the
 * storage lists are refetched; each line links to the task's log on the Tasks page.
 */
import { useQueryClient } from '@tanstack/react-query';
import { FollowedTaskLine, useFollowedTask } from '@/features/tasks';
import { storageQueryKey } from '../api/storage-queries';

/** One operation's line (the tasks feature's followed-task line); the lists refetch when it ends. */
function OperationTask({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const t = useFollowedTask(id, () => {
    void queryClient.invalidateQueries({ queryKey: storageQueryKey });
  });
  if (!t) return null;
  return (
    <li>
      <FollowedTaskLine task={t} testId="storage-task" />
    </li>
  );
}

/** The list, newest first; nothing when no operation was started here. */
export function OperationTasks({ ids }: { ids: string[] }) {
  if (ids.length === 0) return null;
  return (
    <section
      aria-label="Storage operations"
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 className="mb-2 text-sm font-semibold">Operations</h2>
      <ul className="flex flex-col gap-1.5">
        {ids.map((id) => (
          <OperationTask key={id} id={id} />
        ))}
      </ul>
    </section>
  );
}
