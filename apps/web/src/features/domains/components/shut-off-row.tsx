/**
 * One "shut off" row of the domains table: a domain the person may start that is not running
 * (see `api/shut-off-domains.ts` for where the names come from). Name only — no domid, state
 * figures or link, since nothing about a domain that does not run is known or shown. A Start
 * button (`POST /api/v1/domains/:name/start`, `xl create <configDir>/<name>.cfg` on the server)
 * when they hold `power` on it. A 404 `CONFIG_NOT_FOUND` reads "no config file" (the server's
 * message names the dom0 path; a customer's is scrubbed, and the words say enough); other errors
 * show the server's message.
 *
 * Test ids: `shut-off-row-<name>`, `domain-state` (text `shut off`), `start-<name>`,
 * `start-error-<name>`.
 */
import { Button } from '@/components/button';
import { tdClass } from '@/components/table';
import { useAccess } from '@/features/auth';
import { useStartDomain } from '@/features/configs';
import { isApiError } from '@/lib/api-client';

const td = `${tdClass} whitespace-nowrap`;

/** What a failed start reads as in the row. */
export function startErrorText(error: unknown): string {
  if (isApiError(error) && error.code === 'CONFIG_NOT_FOUND') return 'no config file';
  return error instanceof Error ? error.message : String(error);
}

/** `rowIndex`: the row's `aria-rowindex` in a virtualized table (1 is the heading row). */
export function ShutOffRow({
  name,
  columns,
  rowIndex,
}: {
  name: string;
  columns: number;
  rowIndex?: number;
}) {
  const mayStart = useAccess().can('power', name);
  const start = useStartDomain();
  return (
    <tr
      data-testid={`shut-off-row-${name}`}
      {...(rowIndex !== undefined ? { 'aria-rowindex': rowIndex } : {})}
      className="h-10 hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
    >
      <th
        scope="row"
        className={`${td} text-left font-mono font-medium text-zinc-600 dark:text-zinc-300`}
      >
        {name}
      </th>
      <td className={`${td} text-right text-zinc-400`}>—</td>
      <td className={td}>
        <span
          data-testid="domain-state"
          title="not running: no domain of this name exists (xl list does not show it)"
          className="inline-flex rounded px-1.5 py-0.5 text-xs font-medium text-zinc-600 ring-1 ring-inset ring-zinc-300 dark:text-zinc-400 dark:ring-zinc-700"
        >
          shut off
        </span>
      </td>
      {/* Start sits next to the state, not in the actions column: the table scrolls sideways
          on narrow screens and a button at its right edge would be out of sight. */}
      <td colSpan={columns - 3} className={td}>
        <div className="flex items-center gap-3">
          {mayStart ? (
            <Button
              size="sm"
              variant="primary"
              data-testid={`start-${name}`}
              disabled={start.isPending}
              aria-busy={start.isPending}
              title={`Start ${name} from its config file (xl create)`}
              onClick={() => start.mutate(name)}
            >
              {start.isPending ? 'Starting…' : 'Start'}
            </Button>
          ) : null}
          {start.isError ? (
            <span
              role="alert"
              data-testid={`start-error-${name}`}
              className="text-xs text-red-700 dark:text-red-400"
            >
              Could not start: {startErrorText(start.error)}
            </span>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
