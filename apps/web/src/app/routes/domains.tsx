import { Link } from 'react-router';
import { Panel } from '@/components/panel';
import { useAccess } from '@/features/auth';
import { DomainsTable } from '@/features/domains';

/**
 * `/domains`: the domains table with lifecycle actions, and the way to the create-guest wizard
 * (admins). The server lists only what the person may see (a customer: their granted domains).
 */
export function DomainsRoute() {
  const mayCreate = useAccess().sees('config-text');
  return (
    <>
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Domains</h1>
        {mayCreate ? (
          <Link
            to="/guests/new"
            className="inline-flex h-8 items-center rounded-md bg-sky-700 px-3 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:bg-sky-600 dark:hover:bg-sky-500"
          >
            Create guest
          </Link>
        ) : null}
      </div>
      <Panel title="xl list" labelledBy="domains-heading">
        <div className="-m-4">
          <DomainsTable />
        </div>
      </Panel>
    </>
  );
}
