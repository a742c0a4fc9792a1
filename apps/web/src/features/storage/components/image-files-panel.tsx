/**
 * Image files (`file:` disks) in the server's image directory: name, apparent size, what it
 * really occupies (sparse files), modified, used by; New image file and Delete.
 */
import type { Task } from '@xendeck/api';
import { Panel, QueryState } from '@/components/panel';
import { tdClass } from '@/components/table';
import { formatBytes } from '@/lib/format';
import { useImages } from '../api/storage-queries';
import { newImageFormSchema } from '../lib/forms';
import { RemoveDialog } from './remove-dialog';
import { SizedOperationDialog } from './sized-operation-dialog';
import { StorageTable } from './storage-table';
import { UsedBy } from './used-by';
import { UsedByGaps } from './used-by-gaps';

export function ImageFilesPanel({ onStarted }: { onStarted: (task: Task) => void }) {
  const images = useImages();
  const list = images.data?.images ?? [];
  return (
    <Panel
      title="Image files"
      labelledBy="images-heading"
      actions={
        <SizedOperationDialog
          triggerLabel="New image file"
          triggerTestId="create-image"
          triggerVariant="primary"
          title="New image file"
          description={`A sparse raw file in ${images.data?.directory ?? 'the image directory'}: it takes no space until the guest writes. An existing file is never overwritten.`}
          submitLabel="Create file"
          nameField={{
            label: 'File name',
            hint: 'Letters, digits, . _ + - (not starting with . or -), e.g. web1-data.img',
          }}
          sizeLabel="Size"
          sizeHint="What the guest sees as the disk's size"
          schema={newImageFormSchema}
          defaults={{ amount: 10, unit: 'GiB' }}
          toOperation={({ name, sizeBytes }) => ({ op: 'create-image', body: { name, sizeBytes } })}
          onStarted={onStarted}
        />
      }
    >
      <div className="flex flex-col gap-3">
        {images.data ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Directory <span className="font-mono">{images.data.directory}</span>
          </p>
        ) : null}
        <QueryState isPending={images.isPending} error={images.error} what="the image files" />
        {images.data ? <UsedByGaps gaps={images.data.usedByGaps} /> : null}
        {images.data && list.length === 0 ? (
          <p className="text-sm text-zinc-500">No image files.</p>
        ) : null}
        {list.length > 0 ? (
          <StorageTable
            label="Image files"
            columns={['Name', 'Size', 'Allocated', 'Modified', 'Used by', 'Actions']}
          >
            {list.map((f) => (
              <tr
                key={f.name}
                className="border-t border-zinc-100 align-top dark:border-zinc-800"
                data-testid={`image-row-${f.name}`}
              >
                <td className={`${tdClass} font-mono whitespace-nowrap`}>{f.name}</td>
                <td className={`${tdClass} tabular-nums`}>{formatBytes(f.sizeBytes)}</td>
                <td className={`${tdClass} tabular-nums`}>{formatBytes(f.allocatedBytes)}</td>
                <td className={`${tdClass} whitespace-nowrap`}>
                  {new Date(f.modifiedAt).toLocaleString()}
                </td>
                <td className={tdClass}>
                  <UsedBy users={f.usedBy} />
                </td>
                <td className={tdClass}>
                  <RemoveDialog
                    what="image file"
                    name={f.name}
                    path={f.path}
                    users={f.usedBy}
                    operation={{ op: 'remove-image', file: f.name }}
                    onStarted={onStarted}
                  />
                </td>
              </tr>
            ))}
          </StorageTable>
        ) : null}
      </div>
    </Panel>
  );
}
