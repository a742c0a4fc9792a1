import { queryOptions, useQuery } from '@tanstack/react-query';
import { type Task, taskSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache key of one task; `task.updated` events replace it (see lib/apply-task-event). */
export const taskQueryKey = (id: string) => ['tasks', 'detail', id] as const;

/** `GET /api/v1/tasks/:id`: one task with its steps and output. Throws ApiError (404 TASK_NOT_FOUND). */
export function getTask(id: string, signal?: AbortSignal): Promise<Task> {
  return apiFetch(`/tasks/${encodeURIComponent(id)}`, {
    schema: taskSchema,
    ...(signal ? { signal } : {}),
  });
}

/** One task; kept current by `task.updated` events, with a 30 s poll as a fallback. */
export const taskQueryOptions = (id: string) =>
  queryOptions({
    queryKey: taskQueryKey(id),
    queryFn: ({ signal }) => getTask(id, signal),
    refetchInterval: 30_000,
  });

export const useTask = (id: string | undefined) =>
  useQuery({ ...taskQueryOptions(id ?? ''), enabled: id !== undefined });
