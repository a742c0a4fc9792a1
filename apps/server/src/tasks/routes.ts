/**
 * `/api/v1/tasks`: the task list (newest first, `?limit=` 1..500 default 50, `?state=`) and one
 * task by id (404 TASK_NOT_FOUND). Admin only. Tasks are made by the operations that run as
 * tasks (`POST /domains/:name/start?async=1`); this module only reads them from the registry.
 */
import { taskListQuerySchema } from '@xendeck/api';
import { ApiError, zodToApiError } from '../errors.js';
import { ADMIN, type RouteDef } from '../routes/types.js';
import type { TaskRegistry } from './registry.js';

export function taskRoutes(tasks: TaskRegistry): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/tasks',
      access: ADMIN,
      summary:
        'Tasks, newest first (?limit=1..500, default 50; ?state=queued|running|succeeded|failed)',
      handler: (req, res) => {
        const q = taskListQuerySchema.safeParse(req.query);
        if (!q.success) throw zodToApiError(q.error, 'query');
        res.json(tasks.list(q.data));
      },
    },
    {
      method: 'get',
      path: '/tasks/:id',
      access: ADMIN,
      summary: 'One task with its steps and their output; 404 TASK_NOT_FOUND',
      handler: (req, res) => {
        const id = String(req.params.id);
        const task = tasks.get(id);
        if (!task) throw new ApiError('TASK_NOT_FOUND', `No task with id "${id}"`, { id });
        res.json(task);
      },
    },
  ];
}
