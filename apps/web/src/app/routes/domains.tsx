import { Panel } from '@/components/panel';
import { DomainsTable } from '@/features/domains';

/** `/domains`: the domains table with lifecycle actions. */
export function DomainsRoute() {
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Domains</h1>
      <Panel title="xl list" labelledBy="domains-heading">
        <div className="-m-4">
          <DomainsTable />
        </div>
      </Panel>
    </>
  );
}
