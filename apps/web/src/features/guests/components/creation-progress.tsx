import { useQuery } from '@tanstack/react-query';
import type { Task } from '@xendeck/api';
import { useEffect } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { TaskLog, TaskProgress, taskQueryOptions } from '@/features/tasks';

/** Where the wizard goes once the guest exists: its console tab (VNC for HVM, else the PV console). */
export function consolePathFor(name: string, type: 'pv' | 'pvh' | 'hvm'): string {
  return `/domains/${encodeURIComponent(name)}?view=console&console=${type === 'hvm' ? 'vnc' : 'pv'}`;
}

/**
 * Follows a `guest.create` task live (the events socket patches `['tasks','detail',id]`; a 2 s
 * poll while it runs covers a socket that is down): its progress and steps as the Tasks page shows
 * them. Succeeded: goes to `successPath` (the console when the guest was started, else the config
 * file). Failed: the task's error and each step's undo result stay on screen with "Back to the
 * form", which keeps every value so the hoster can fix and retry.
 */
export function CreationProgress({
  taskId,
  successPath,
  onBack,
}: {
  taskId: string;
  successPath: string;
  onBack: () => void;
}) {
  const navigate = useNavigate();
  const task = useQuery({
    ...taskQueryOptions(taskId),
    refetchInterval: (q) => {
      const t = q.state.data as Task | undefined;
      return t && (t.state === 'succeeded' || t.state === 'failed') ? false : 2_000;
    },
  });
  const state = task.data?.state;
  useEffect(() => {
    if (state !== 'succeeded') return;
    const timer = setTimeout(() => navigate(successPath), 600);
    return () => clearTimeout(timer);
  }, [state, navigate, successPath]);

  return (
    <section
      aria-labelledby="creation-heading"
      data-testid="creation-progress"
      className="flex flex-col gap-3"
    >
      <div className="flex items-center gap-3">
        <h2 id="creation-heading" className="text-base font-semibold">
          {state === 'failed'
            ? 'Creation failed'
            : state === 'succeeded'
              ? 'Created'
              : 'Creating the guest…'}
        </h2>
        {task.data ? <TaskProgress task={task.data} /> : null}
        <Link
          to={`/tasks/${encodeURIComponent(taskId)}`}
          className="ml-auto text-xs text-sky-700 underline dark:text-sky-400"
        >
          Open in Tasks
        </Link>
      </div>
      {task.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Could not read the task: {task.error.message}
        </p>
      ) : null}
      {state === 'failed' ? (
        <div className="flex flex-col gap-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm dark:border-red-800 dark:bg-red-950/50">
          <p>
            Nothing was left half-made: each step that had run was undone (see “undone” next to it),
            unless it says “undo failed”. Your answers are kept.
          </p>
          <div>
            <Button variant="primary" onClick={onBack}>
              Back to the form
            </Button>
          </div>
        </div>
      ) : null}
      {state === 'succeeded' ? (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          Done. Opening{' '}
          <Link to={successPath} className="underline">
            {successPath.startsWith('/domains') ? 'its console' : 'its config file'}
          </Link>
          …
        </p>
      ) : null}
      {task.data ? <TaskLog task={task.data} /> : <p className="text-sm">Waiting for the task…</p>}
    </section>
  );
}
