/**
 * The snapshot and clone operations started from this tab, each following its task (the events
 * socket patches the task cache; a 1 s poll while it runs covers a socket that is down). When one
 * ends, the guest's snapshot list and the config list (a clone writes a config) are refetched.
 */
import { useQueryClient } from '@tanstack/react-query';
import { FollowedTaskLine, useFollowedTask } from '@/features/tasks';

function SnapshotTask({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const t = useFollowedTask(id, () => {
    void queryClient.invalidateQueries({ queryKey: ['domains', 'snapshots'] });
    void queryClient.invalidateQueries({ queryKey: ['configs'] });
    void queryClient.invalidateQueries({ queryKey: ['storage'] });
  });
  if (!t) return null;
  return (
    <li>
      <FollowedTaskLine task={t} testId="snapshot-task" />
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
