/**
 * `/isos`: the ISO library. Upload panel (drop zone, picker, running uploads) and the list of
 * ISOs with their checksums and users. Loaded lazily (lazy-isos-page.tsx). Uploading and deleting
 * are for admins (features/auth `storage`); an operator sees the list.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Panel, QueryState } from '@/components/panel';
import { useAccess } from '@/features/auth';
import { UsedByGaps } from '@/features/storage';
import { isosQueryKey, useIsos } from '../api/get-isos';
import { formatIsoSize } from './iso-size';
import { IsosTable } from './isos-table';
import { UploadPanel } from './upload-panel';

export default function IsosPage() {
  const isos = useIsos();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: isosQueryKey });
  const mayChange = useAccess().sees('storage');
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">ISO library</h1>
      {mayChange ? (
        <Panel title="Upload" labelledBy="iso-upload-heading">
          <UploadPanel list={isos.data} onUploaded={refresh} />
        </Panel>
      ) : null}
      <Panel
        title="ISOs"
        labelledBy="isos-heading"
        actions={
          isos.data ? (
            <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="isos-free">
              <span className="font-mono">{isos.data.directory}</span> ·{' '}
              {formatIsoSize(isos.data.freeBytes)} free
            </span>
          ) : null
        }
      >
        <QueryState isPending={isos.isPending} error={isos.error} what="the ISO library" />
        {isos.data ? (
          <div className="flex flex-col gap-3">
            <UsedByGaps gaps={isos.data.usedByGaps} />
            <div className="-mx-4 -mb-4 overflow-x-auto">
              <IsosTable list={isos.data} mayDelete={mayChange} />
            </div>
          </div>
        ) : null}
      </Panel>
    </>
  );
}
