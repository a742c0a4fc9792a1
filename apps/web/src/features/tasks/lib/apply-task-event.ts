import type { QueryClient } from '@tanstack/react-query';
import type { Task } from '@xendeck/api';
import { formatDurationMs } from '@/lib/format';
import { taskQueryKey } from '../api/get-task';
import { tasksListQueryKey } from '../api/get-tasks';

/**
 * The task list after a `task.updated` event: the task replaces the entry with its id, or is
 * inserted newest first (by `createdAt`). A list never loaded stays `undefined` (a patch on
 * nothing would look like the whole history).
 */
export function upsertTask(list: Task[] | undefined, task: Task): Task[] | undefined {
  if (!list) return list;
  const index = list.findIndex((t) => t.id === task.id);
  if (index >= 0) return list.map((t, i) => (i === index ? task : t));
  const next = [task, ...list];
  return next.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** Feeds a `task.updated` event into `['tasks','list']` and `['tasks','detail',id]`. */
export function applyTaskUpdate(queryClient: QueryClient, task: Task): void {
  queryClient.setQueryData<Task[]>(tasksListQueryKey, (list) => upsertTask(list, task));
  queryClient.setQueryData<Task>(taskQueryKey(task.id), task);
}

/** Tasks not ended yet (queued or running). */
export function activeTasks(list: readonly Task[]): Task[] {
  return list.filter((t) => t.state === 'running' || t.state === 'queued');
}

/**
 * How long a task ran, `"850 ms"`, `"12 s"`, `"3 min 05 s"`, `"1 h 02 min"`: from `startedAt` to
 * `endedAt`, or to `nowMs` while it runs; `"—"` before it started.
 */
export function formatTaskDuration(task: Task, nowMs: number): string {
  if (!task.startedAt) return '—';
  return formatDurationMs(
    (task.endedAt ? Date.parse(task.endedAt) : nowMs) - Date.parse(task.startedAt),
  );
}
