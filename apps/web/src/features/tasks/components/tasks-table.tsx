import type { Task } from '@xendeck/api';
import { Link } from 'react-router';
import { tdClass, thClass } from '@/components/table';
import { formatTaskDuration } from '../lib/apply-task-event';
import { TaskProgress } from './task-progress';
import { TaskStateBadge } from './task-state-badge';

/**
 * The task list, newest first: kind, target, user, state, progress, start time (local) and
 * duration (to `nowMs` while running). A row links to `/tasks/:id`; `selectedId` is highlighted.
 */
export function TasksTable({
  tasks,
  nowMs,
  selectedId,
}: {
  tasks: readonly Task[];
  nowMs: number;
  selectedId?: string | undefined;
}) {
  if (tasks.length === 0) {
    return <p className="p-4 text-sm text-zinc-500">No tasks yet.</p>;
  }
  return (
    <table className="w-full text-sm">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={thClass}>Kind</th>
          <th className={thClass}>Target</th>
          <th className={thClass}>User</th>
          <th className={thClass}>State</th>
          <th className={thClass}>Progress</th>
          <th className={thClass}>Started</th>
          <th className={thClass}>Duration</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr
            key={t.id}
            data-testid={`task-row-${t.id}`}
            aria-selected={t.id === selectedId}
            className={`border-b border-zinc-100 dark:border-zinc-800/60 ${
              t.id === selectedId ? 'bg-sky-50 dark:bg-sky-950/40' : ''
            }`}
          >
            <td className={tdClass}>
              <Link
                to={`/tasks/${encodeURIComponent(t.id)}`}
                className="text-sky-700 hover:underline dark:text-sky-400"
              >
                {t.kind}
              </Link>
            </td>
            <td className={`${tdClass} font-mono`}>{t.target}</td>
            <td className={tdClass}>{t.user}</td>
            <td className={tdClass}>
              <TaskStateBadge state={t.state} />
            </td>
            <td className={tdClass}>
              <TaskProgress task={t} />
            </td>
            <td className={`${tdClass} tabular-nums`}>
              {t.startedAt ? new Date(t.startedAt).toLocaleString() : '—'}
            </td>
            <td className={`${tdClass} tabular-nums`} data-testid="task-duration">
              {formatTaskDuration(t, nowMs)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
