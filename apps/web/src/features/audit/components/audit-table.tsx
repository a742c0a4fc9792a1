import type { AuditEntry } from '@xendeck/api';
import { Link } from 'react-router';
import { CommandHint } from '@/components/command-hint';
import { tdClass, thClass } from '@/components/table';
import { useAccess } from '@/features/auth';

/** `ok` in green, an error code in red. */
function ResultBadge({ result }: { result: string }) {
  const ok = result === 'ok';
  return (
    <span
      data-testid="audit-result"
      className={`inline-block rounded px-1.5 py-0.5 font-mono text-xs ${
        ok
          ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300'
          : 'bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300'
      }`}
    >
      {result}
    </span>
  );
}

/**
 * `key=value` pairs of an entry's details; a linked task as a link (for those who may open tasks)
 * with its outcome once it ended (`taskOutcome`).
 */
function Details({ details }: { details: AuditEntry['details'] }) {
  const access = useAccess();
  if (!details) return null;
  const { taskId, taskOutcome, ...rest } = details;
  const pairs = Object.entries(rest).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return (
    <div className="mt-0.5 flex flex-wrap gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
      {typeof taskId === 'string' ? (
        access.mayOpen('/tasks') ? (
          <Link
            to={`/tasks/${encodeURIComponent(taskId)}`}
            className="text-sky-700 hover:underline dark:text-sky-400"
          >
            task {taskId.slice(0, 8)}
          </Link>
        ) : (
          <span>task {taskId.slice(0, 8)}</span>
        )
      ) : null}
      {typeof taskOutcome === 'string' ? (
        <span data-testid="audit-task-outcome">
          ended{' '}
          <span
            className={
              taskOutcome === 'ok'
                ? 'text-emerald-700 dark:text-emerald-400'
                : 'text-red-700 dark:text-red-400'
            }
          >
            {taskOutcome}
          </span>
        </span>
      ) : typeof taskId === 'string' ? (
        <span>running</span>
      ) : null}
      {pairs.length ? (
        <span className="max-w-md truncate font-mono" title={pairs.join(' ')}>
          {pairs.join(' ')}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Audit entries, newest first: time (local), user and address, action, target, result, and the
 * equivalent command with its Copy button (`CommandHint`), details under it.
 */
export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  if (entries.length === 0) {
    return <p className="p-4 text-sm text-zinc-500">No entries match.</p>;
  }
  return (
    <table className="w-full text-sm">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={thClass}>Time</th>
          <th className={thClass}>User</th>
          <th className={thClass}>Action</th>
          <th className={thClass}>Target</th>
          <th className={thClass}>Result</th>
          <th className={thClass}>Command</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr
            key={e.id}
            data-testid={`audit-row-${e.id}`}
            className="border-b border-zinc-100 align-top dark:border-zinc-800/60"
          >
            <td className={`${tdClass} whitespace-nowrap tabular-nums`}>
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time>
            </td>
            <td className={tdClass}>
              <div>{e.user ?? '—'}</div>
              {e.remoteAddr ? (
                <div className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                  {e.remoteAddr}
                </div>
              ) : null}
            </td>
            <td className={`${tdClass} font-mono text-xs whitespace-nowrap`}>{e.action}</td>
            <td className={`${tdClass} font-mono text-xs`}>{e.target ?? '—'}</td>
            <td className={tdClass}>
              <ResultBadge result={e.result} />
            </td>
            <td className={`${tdClass} max-w-xl`}>
              {e.command ? <CommandHint command={e.command} /> : null}
              <Details details={e.details} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
