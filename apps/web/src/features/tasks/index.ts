/**
 * Tasks: the server's long operations (`GET /api/v1/tasks`, `task.updated` events). The page is
 * lazy (`TasksRoute`); the header indicator and the cache patching are small and eager.
 */
export { getTask, taskQueryKey, taskQueryOptions, useTask } from './api/get-task';
export { getTasks, tasksListQueryKey, tasksQueryOptions, useTasks } from './api/get-tasks';
export { FollowedTaskLine, useFollowedTask } from './components/followed-task';
export { TasksRoute } from './components/lazy-tasks-page';
export { RunningTasksIndicator } from './components/running-tasks-indicator';
export { TaskLog } from './components/task-log';
export { TaskProgress } from './components/task-progress';
export {
  activeTasks,
  applyTaskUpdate,
  formatTaskDuration,
  upsertTask,
} from './lib/apply-task-event';
