/**
 * The saved images: domain (linked when it runs), state (waiting, or restored at …), saved at
 * (local time), size, the saved config's type / memory / vCPUs (the whole config under
 * "config"), and the actions: Restore (a confirmation with the `xl restore` twin; disabled, with
 * the reason, while the domain runs, after a restore, for a file xl cannot restore, or while a
 * task works on it) and Delete (the name typed first). Rows are `saved-image-row-<name>`.
 */
import type { SavedImage, SavedImageList } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useNotices } from '@/components/notices';
import { tdClass, thClass } from '@/components/table';
import { TypedDeleteDialog } from '@/components/typed-delete-dialog';
import { formatBytes, formatMiB } from '@/lib/format';
import { useDeleteSavedImage, useRestoreSavedImage } from '../api/saved-image-operations';

/** Why Restore is not offered now, or undefined. */
export function restoreRefusal(img: SavedImage): string | undefined {
  if (img.error !== null) return `Not an image xl can restore: ${img.error}`;
  if (img.busy) return 'A save or restore of this image is running';
  if (img.state === 'restored') {
    return 'Restored already: the guest’s disks have changed since, restoring it again would corrupt them';
  }
  if (img.running) return `${img.domainName} is running (domid ${img.domid})`;
  return undefined;
}

function RestoreButton({ img, onStarted }: { img: SavedImage; onStarted: (id: string) => void }) {
  const notices = useNotices();
  const restore = useRestoreSavedImage();
  const refusal = restoreRefusal(img);
  const command = xlCommand({ action: 'restore', file: img.path });
  const button = (
    <Button
      size="sm"
      data-testid="saved-image-restore"
      disabled={refusal !== undefined || restore.isPending}
      title={refusal ?? command}
    >
      Restore
    </Button>
  );
  if (refusal) return button;
  return (
    <ConfirmDialog
      title={`Restore ${img.domainName}?`}
      confirmLabel="Restore"
      trigger={button}
      onConfirm={() =>
        restore.mutate(img.name, {
          onSuccess: ({ task }) => onStarted(task.id),
          onError: (error) => notices.error(`Restore ${img.name}`, error),
        })
      }
    >
      <p>
        Brings <span className="font-mono">{img.domainName}</span> back as it was at the save, under
        a new domid. Afterwards the image is kept as{' '}
        <span className="font-mono">.{img.name}.restored-…</span>, out of the way of xendomains’
        restore at dom0 boot.
      </p>
      <CommandHint command={command} />
    </ConfirmDialog>
  );
}

function DeleteButton({ img }: { img: SavedImage }) {
  const notices = useNotices();
  const del = useDeleteSavedImage();
  return (
    <TypedDeleteDialog
      name={img.name}
      title={`Delete saved image ${img.name}?`}
      blockedReason={img.busy ? 'A save or restore of this image is running' : undefined}
      testIdPrefix="saved-image-delete"
      onConfirm={() =>
        del.mutate(img.name, {
          onSuccess: () => notices.success('Deleted', `${img.path} was removed.`),
          onError: (error) => notices.error(`Delete ${img.name}`, error),
        })
      }
    >
      <p>
        This removes <span className="font-mono">{img.path}</span> ({formatBytes(img.sizeBytes)})
        from dom0. It cannot be undone.
      </p>
      {img.state === 'saved' && !img.running ? (
        <p className="text-amber-700 dark:text-amber-300">
          {img.domainName ?? 'The guest'} is not running: its memory state exists only in this file.
          Without it the guest can only be started afresh from its config.
        </p>
      ) : null}
    </TypedDeleteDialog>
  );
}

function ConfigSummary({ img }: { img: SavedImage }) {
  const s = img.summary;
  const parts = [
    s.type?.toUpperCase(),
    s.memoryMiB === null ? undefined : formatMiB(s.memoryMiB),
    s.vcpus === null ? undefined : `${s.vcpus} vCPU${s.vcpus === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const text = img.config ? JSON.stringify(img.config, null, 2) : img.configText;
  return (
    <div className="flex flex-col gap-1">
      <span className="whitespace-nowrap">{parts.length ? parts.join(' · ') : '—'}</span>
      {text ? (
        <details>
          <summary className="cursor-pointer text-xs text-sky-700 dark:text-sky-400">
            config
          </summary>
          <pre className="mt-1 max-h-64 max-w-md overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-950">
            {text}
          </pre>
        </details>
      ) : null}
    </div>
  );
}

export function SavedImagesTable({
  list,
  onTaskStarted,
}: {
  list: SavedImageList;
  onTaskStarted: (id: string) => void;
}) {
  if (list.images.length === 0) {
    return (
      <p className="p-4 text-sm text-zinc-500" data-testid="saved-images-empty">
        No saved images in <span className="font-mono">{list.dir}</span>
        {list.dirExists ? '' : ' (it does not exist yet: the first save creates it)'}. Save a
        running guest from its page (Save…).
      </p>
    );
  }
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">Saved images in {list.dir}</caption>
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th scope="col" className={thClass}>
            Domain
          </th>
          <th scope="col" className={thClass}>
            State
          </th>
          <th scope="col" className={thClass}>
            Saved
          </th>
          <th scope="col" className={`${thClass} text-right`}>
            Size
          </th>
          <th scope="col" className={thClass}>
            Saved with
          </th>
          <th scope="col" className={thClass}>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.images.map((img) => (
          <tr
            key={img.name}
            data-testid={`saved-image-row-${img.name}`}
            data-state={img.state}
            className="border-b border-zinc-100 align-top dark:border-zinc-800/60"
          >
            <td className={tdClass}>
              <div className="flex flex-col">
                {img.running && img.domainName ? (
                  <Link
                    to={`/domains/${encodeURIComponent(img.domainName)}`}
                    className="font-mono text-sky-700 hover:underline dark:text-sky-400"
                  >
                    {img.domainName}
                  </Link>
                ) : (
                  <span className="font-mono">{img.domainName ?? '—'}</span>
                )}
                <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                  {img.path}
                </span>
              </div>
            </td>
            <td className={tdClass}>
              {img.error !== null ? (
                <span className="text-red-700 dark:text-red-300">{img.error}</span>
              ) : img.state === 'restored' ? (
                <span>
                  restored {img.restoredAt ? new Date(img.restoredAt).toLocaleString() : ''}
                </span>
              ) : (
                <span>saved{img.running ? ` · running as domid ${img.domid}` : ''}</span>
              )}
            </td>
            <td className={`${tdClass} whitespace-nowrap tabular-nums`}>
              {new Date(img.savedAt).toLocaleString()}
            </td>
            <td
              className={`${tdClass} text-right whitespace-nowrap tabular-nums`}
              title={`${img.sizeBytes} bytes`}
            >
              {formatBytes(img.sizeBytes)}
            </td>
            <td className={tdClass}>
              <ConfigSummary img={img} />
            </td>
            <td className={`${tdClass} text-right`}>
              <div className="flex justify-end gap-1">
                <RestoreButton img={img} onStarted={onTaskStarted} />
                <DeleteButton img={img} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
