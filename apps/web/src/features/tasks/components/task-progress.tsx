import type { Task } from '@xendeck/api';

/**
 * A task's progress as a bar: `progress` (0..1) in whole percent; while running with unknown
 * progress (null) an indeterminate bar; a finished task shows 100 % or where it stopped.
 */
export function TaskProgress({ task }: { task: Task }) {
  const fraction = task.state === 'succeeded' ? 1 : task.progress;
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const label = percent === null ? (task.state === 'running' ? 'working' : '—') : `${percent}%`;
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={`Progress of ${task.kind} ${task.target}`}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent === null ? {} : { 'aria-valuenow': percent })}
        className="h-1.5 w-24 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-700"
      >
        <div
          className={`h-full ${task.state === 'failed' ? 'bg-red-500' : 'bg-sky-600'} ${
            percent === null && task.state === 'running' ? 'w-1/3 animate-pulse' : ''
          }`}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <span className="w-12 text-xs tabular-nums text-zinc-500 dark:text-zinc-400">{label}</span>
    </div>
  );
}
