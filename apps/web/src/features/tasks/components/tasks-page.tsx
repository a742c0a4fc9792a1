/**
 * `/tasks` and `/tasks/:id`: the task list and, for the selected task, its log. Loaded lazily
 * (see lazy-tasks-page.tsx): nothing here is in the first page's bundle.
 */
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { Panel, QueryState } from '@/components/panel';
import { useTask } from '../api/get-task';
import { useTasks } from '../api/get-tasks';
import { activeTasks } from '../lib/apply-task-event';
import { TaskLog } from './task-log';
import { TasksTable } from './tasks-table';

/** Re-renders every second while `active` (running durations count up). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export default function TasksPage() {
  const { id } = useParams();
  const tasks = useTasks();
  const task = useTask(id);
  const now = useNow(activeTasks(tasks.data ?? []).length > 0);
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Tasks</h1>
      <Panel title="Recent tasks (newest first)" labelledBy="tasks-heading">
        <QueryState isPending={tasks.isPending} error={tasks.error} what="the tasks" />
        {tasks.data && (
          <div className="-m-4 overflow-x-auto">
            <TasksTable tasks={tasks.data} nowMs={now} selectedId={id} />
          </div>
        )}
      </Panel>
      {id !== undefined && (
        <Panel title="Task log" labelledBy="task-log-heading">
          <QueryState isPending={task.isPending} error={task.error} what="the task" />
          {task.data && <TaskLog task={task.data} />}
        </Panel>
      )}
    </>
  );
}
