import type { ConfigEntry } from '@xendeck/api';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { useNotices } from '@/components/notices';
import { QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { AutostartCell } from '@/features/autostart';
import { formatBytes } from '@/lib/format';
import { useConfigs } from '../api/get-configs';
import { useStartDomain, xlCreateCommand } from '../api/start-domain';

const th = thClass;
const td = tdClass;

/** The config files table with a Start button per file (`xl create <path>`). */
export function ConfigsTable() {
  const configs = useConfigs();
  if (!configs.data) {
    return <QueryState isPending={configs.isPending} error={configs.error} what="config files" />;
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">Domain config files</caption>
        <thead className="border-b border-zinc-200 dark:border-zinc-800">
          <tr>
            <th scope="col" className={th}>
              Name
            </th>
            <th scope="col" className={th}>
              Path
            </th>
            <th scope="col" className={th}>
              Domain
            </th>
            <th scope="col" className={th}>
              Autostart
            </th>
            <th scope="col" className={`${th} text-right`}>
              Size
            </th>
            <th scope="col" className={th}>
              Modified
            </th>
            <th scope="col" className={`${th} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {configs.data.length === 0 ? (
            <tr>
              <td colSpan={7} className={`${td} py-4 text-center text-zinc-500`}>
                No config files found.
              </td>
            </tr>
          ) : null}
          {configs.data.map((c) => (
            <ConfigRow key={c.path} config={c} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConfigRow({ config }: { config: ConfigEntry }) {
  const notices = useNotices();
  const start = useStartDomain();
  const command = xlCreateCommand(config.path);
  const modified = new Date(config.modifiedAt);
  return (
    <tr
      data-testid={`config-row-${config.name}`}
      className="h-10 hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
    >
      <th scope="row" className={`${td} text-left font-mono font-medium`}>
        <Link
          to={`/configs/${encodeURIComponent(config.name)}`}
          className="text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600 dark:text-sky-300"
        >
          {config.name}
        </Link>
      </th>
      <td className={`${td} font-mono text-xs text-zinc-600 dark:text-zinc-300`}>{config.path}</td>
      <td className={td}>
        {config.running ? (
          <span className="inline-flex items-center gap-1.5 text-xs">
            <span className="size-2 rounded-full bg-emerald-500" aria-hidden="true" />
            running{config.domid !== undefined ? `, domid ${config.domid}` : ''}
          </span>
        ) : (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">not running</span>
        )}
      </td>
      <td className={td}>
        <AutostartCell name={config.name} />
      </td>
      <td className={`${td} text-right text-xs tabular-nums`}>{formatBytes(config.sizeBytes)}</td>
      <td className={`${td} text-xs tabular-nums text-zinc-600 dark:text-zinc-300`}>
        <time dateTime={config.modifiedAt} title={modified.toString()}>
          {Number.isNaN(modified.getTime()) ? config.modifiedAt : modified.toLocaleString()}
        </time>
      </td>
      <td className={`${td} text-right`}>
        <Button
          size="sm"
          variant="primary"
          disabled={config.running || start.isPending}
          aria-busy={start.isPending}
          title={config.running ? `${config.name} is running` : command}
          onClick={() =>
            start.mutate(config.name, {
              onSuccess: (result) =>
                notices.success(
                  `Started ${result.name} as domid ${result.domid}`,
                  result.output.trim(),
                ),
              onError: (error) => notices.error(`Start ${config.name} (${command})`, error),
            })
          }
        >
          {start.isPending ? 'Starting…' : 'Start'}
        </Button>
      </td>
    </tr>
  );
}
