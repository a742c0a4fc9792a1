import { Link } from 'react-router';
import { useTasks } from '../api/get-tasks';
import { activeTasks } from '../lib/apply-task-event';

/**
 * The header's running-tasks count (queued or running, from `['tasks','list']`), linking to
 * `/tasks`; nothing when no task is active.
 */
export function RunningTasksIndicator() {
  const tasks = useTasks();
  const count = activeTasks(tasks.data ?? []).length;
  if (count === 0) return null;
  return (
    <Link
      to="/tasks"
      data-testid="running-tasks"
      className="inline-flex items-center gap-1.5 rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-800 hover:bg-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:hover:bg-sky-900"
    >
      <span className="size-1.5 animate-pulse rounded-full bg-sky-600" aria-hidden="true" />
      {count === 1 ? '1 task running' : `${count} tasks running`}
    </Link>
  );
}
