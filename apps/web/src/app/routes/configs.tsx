import { Panel } from '@/components/panel';
import { ConfigsTable } from '@/features/configs';

/** `/configs`: the domain config files, each startable with `xl create`. */
export function ConfigsRoute() {
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Config files</h1>
      <Panel title="xl domain config files (xl create)" labelledBy="configs-heading">
        <div className="-m-4">
          <ConfigsTable />
        </div>
      </Panel>
    </>
  );
}
