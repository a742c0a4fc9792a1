import type { Task } from '@xendeck/api';
import { TaskStateBadge } from './task-state-badge';

/**
 * One task's log, as Proxmox shows a task: its error if it failed, then each step with its state,
 * times, its output (monospace, as the server kept it: the last 64 KiB) and, when a later step
 * failed, whether its undo worked.
 */
export function TaskLog({ task }: { task: Task }) {
  return (
    <div className="flex flex-col gap-3" data-testid="task-log">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">Task</dt>
        <dd className="font-mono text-xs">{task.id}</dd>
        <dt className="text-zinc-500">Kind</dt>
        <dd>{task.kind}</dd>
        <dt className="text-zinc-500">Target</dt>
        <dd className="font-mono">{task.target}</dd>
        <dt className="text-zinc-500">User</dt>
        <dd>{task.user}</dd>
        <dt className="text-zinc-500">State</dt>
        <dd>
          <TaskStateBadge state={task.state} testId="task-log-state" />
        </dd>
      </dl>
      {task.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          <span className="font-mono">{task.error.code}</span>: {task.error.message}
        </p>
      )}
      {task.steps.length === 0 && <p className="text-sm text-zinc-500">No steps yet.</p>}
      <ol className="flex flex-col gap-2">
        {task.steps.map((step, i) => (
          <li
            // Steps are an ordered list that only grows; the index is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={i}
            data-testid="task-step"
            className="rounded border border-zinc-200 dark:border-zinc-800"
          >
            <div className="flex items-center gap-2 px-2 py-1 text-sm">
              <span className="font-medium">{step.name}</span>
              <TaskStateBadge state={step.state} testId="task-step-state" />
              {step.undo && (
                <span
                  data-testid="task-step-undo"
                  className={`text-xs ${step.undo.state === 'failed' ? 'text-red-700 dark:text-red-300' : 'text-zinc-500'}`}
                >
                  {step.undo.state === 'succeeded'
                    ? 'undone'
                    : `undo failed: ${step.undo.error?.message ?? ''}`}
                </span>
              )}
              <span className="ml-auto text-xs text-zinc-500">
                {step.startedAt ? new Date(step.startedAt).toLocaleTimeString() : ''}
              </span>
            </div>
            {step.error && (
              <p className="px-2 pb-1 text-xs text-red-700 dark:text-red-300">
                {step.error.code}: {step.error.message}
              </p>
            )}
            {step.output && (
              <pre
                data-testid="task-step-output"
                className="max-h-64 overflow-auto border-t border-zinc-200 bg-zinc-950 px-2 py-1 font-mono text-xs text-zinc-100 dark:border-zinc-800"
              >
                {step.output}
              </pre>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
