import { queryOptions, useQuery } from '@tanstack/react-query';
import { type Task, taskSchema } from '@xendeck/api';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';

/** Cache key of the task list; `task.updated` events write into it (see lib/apply-task-event). */
export const tasksListQueryKey = ['tasks', 'list'] as const;

/**
 * `GET /api/v1/tasks`: the newest tasks first (the server's default 50), every state. Each with
 * its steps and their output (see `taskSchema` in @xendeck/api). Throws ApiError.
 */
export function getTasks(signal?: AbortSignal): Promise<Task[]> {
  return apiFetch('/tasks', { schema: z.array(taskSchema), ...(signal ? { signal } : {}) });
}

/**
 * Changes arrive through the events websocket (`task.updated` patches this list); a 30 s poll
 * covers the time the socket is down.
 */
export const tasksQueryOptions = () =>
  queryOptions({
    queryKey: tasksListQueryKey,
    queryFn: ({ signal }) => getTasks(signal),
    refetchInterval: 30_000,
  });

export const useTasks = () => useQuery(tasksQueryOptions());
