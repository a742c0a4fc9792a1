import { Link } from 'react-router';
import { Panel } from '@/components/panel';
import { ConfigsTable } from '@/features/configs';

/** `/configs`: the domain config files, each startable with `xl create`; link to a new one. */
export function ConfigsRoute() {
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Config files</h1>
      <Panel
        title="xl domain config files (xl create)"
        labelledBy="configs-heading"
        actions={
          <Link
            to="/configs/new"
            className="inline-flex h-7 items-center rounded-md border border-transparent bg-sky-700 px-2 text-xs font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:bg-sky-600 dark:hover:bg-sky-500"
          >
            New config
          </Link>
        }
      >
        <div className="-m-4">
          <ConfigsTable />
        </div>
      </Panel>
    </>
  );
}
