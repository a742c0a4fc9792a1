/**
 * `/api/v1/tasks`: the task list (newest first, `?limit=` 1..500 default 50, `?state=`) and one
 * task by id (404 TASK_NOT_FOUND). Every logged-in user; a customer sees only the tasks
 * `taskForCustomer` (auth/customer-views.ts) lets them see, as it shows them. Tasks are made by the operations that run as
 * tasks (`POST /domains/:name/start?async=1`); this module only reads them from the registry.
 */
import { TASK_LIST_MAX_LIMIT, taskListQuerySchema } from '@xendeck/api';
import { currentUser } from '../auth/access.js';
import { domainFilter } from '../auth/authorize.js';
import { taskForCustomer } from '../auth/customer-views.js';
import type { Grants } from '../auth/grants.js';
import { ApiError, zodToApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import type { TaskRegistry } from './registry.js';

export function taskRoutes(tasks: TaskRegistry, grants: Grants): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/tasks',
      access: 'user',
      summary:
        'Tasks, newest first (?limit=1..500, default 50; ?state=queued|running|succeeded|failed)',
      handler: (req, res) => {
        const q = taskListQuerySchema.safeParse(req.query);
        if (!q.success) throw zodToApiError(q.error, 'query');
        const user = currentUser(res);
        if (user.role !== 'customer') {
          res.json(tasks.list(q.data));
          return;
        }
        // A customer's newest `limit` among the newest TASK_LIST_MAX_LIMIT of the server.
        const visible = domainFilter(grants, user);
        const theirs = tasks
          .list({ ...q.data, limit: TASK_LIST_MAX_LIMIT })
          .flatMap((t) => taskForCustomer(t, user, visible) ?? []);
        res.json(theirs.slice(0, q.data.limit));
      },
    },
    {
      method: 'get',
      path: '/tasks/:id',
      access: 'user',
      summary: 'One task with its steps and their output; 404 TASK_NOT_FOUND',
      handler: (req, res) => {
        const id = String(req.params.id);
        const found = tasks.get(id);
        const user = currentUser(res);
        const task = found && taskForCustomer(found, user, domainFilter(grants, user));
        if (!task) throw new ApiError('TASK_NOT_FOUND', `No task with id "${id}"`, { id });
        res.json(task);
      },
    },
  ];
}
