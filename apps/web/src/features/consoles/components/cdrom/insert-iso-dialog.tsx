/**
 * **Insert / Change CD**: the ISOs this domain can take (`GET /api/v1/domains/:name/cdrom/isos`:
 * library file names and sizes, needs `reinstall` — one code path for admins, operators and
 * customers) as a list of radio buttons with sizes; Insert puts the chosen one in the drive
 * (`xl cd-insert` on the server, by library file name). Those who may upload (admins) get a link
 * to the ISO page.
 *
 * Test ids: `insert-iso-dialog`, `insert-iso-option-<file name>`, `insert-iso-submit`.
 */
import * as Dialog from '@radix-ui/react-dialog';
import type { CdromDrive } from '@xendeck/api';
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { useAccess } from '@/features/auth';
import { isApiError } from '@/lib/api-client';
import { formatBytes } from '@/lib/format';
import { useChangeCdrom } from '../../api/change-cdrom';
import { useIsoChoices } from '../../api/get-iso-choices';

export function InsertIsoDialog({
  name,
  drive,
  open,
  onOpenChange,
}: {
  name: string;
  /** The drive to fill (its current ISO is preselected and marked). */
  drive: CdromDrive;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const isos = useIsoChoices(name, open);
  const mayUpload = useAccess().sees('storage');
  const change = useChangeCdrom(name);
  const [chosen, setChosen] = useState<string | null>(drive.iso);
  const list = isos.data?.isos ?? [];

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content
          data-testid="insert-iso-dialog"
          className="fixed top-1/2 left-1/2 z-50 flex max-h-[85vh] w-[min(34rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <Dialog.Title className="text-base font-semibold">
            {drive.target ? 'Change the CD' : 'Insert a CD'} in {drive.vdev}
          </Dialog.Title>
          <Dialog.Description className="text-sm text-zinc-600 dark:text-zinc-300">
            The guest sees the new disc at once, as with <code>xl cd-insert</code>; the config file
            does not change. Images come from the host's ISO library.
          </Dialog.Description>
          {isos.isPending ? (
            <p className="text-sm text-zinc-500">Reading the ISO library…</p>
          ) : isos.isError ? (
            <Alert
              kind="error"
              title="Could not list the ISO library"
              message={isos.error.message}
              code={isApiError(isos.error) ? isos.error.code : undefined}
            />
          ) : list.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-300">The ISO library is empty.</p>
          ) : (
            <fieldset className="flex min-h-0 flex-col overflow-y-auto rounded-md border border-zinc-200 dark:border-zinc-700">
              <legend className="sr-only">ISO images</legend>
              {list.map((iso) => (
                <label
                  key={iso.name}
                  data-testid={`insert-iso-option-${iso.name}`}
                  className="flex cursor-pointer items-center gap-3 border-b border-zinc-100 px-3 py-2 text-sm last:border-b-0 hover:bg-zinc-50 has-[:checked]:bg-sky-50 dark:border-zinc-800 dark:hover:bg-zinc-800 dark:has-[:checked]:bg-sky-950"
                >
                  <input
                    type="radio"
                    name="iso"
                    value={iso.name}
                    checked={chosen === iso.name}
                    onChange={() => setChosen(iso.name)}
                  />
                  <span className="min-w-0 flex-1 truncate font-mono text-xs">{iso.name}</span>
                  {drive.iso === iso.name ? (
                    <span className="rounded bg-zinc-200 px-1.5 text-[10px] text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200">
                      in the drive
                    </span>
                  ) : null}
                  <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
                    {formatBytes(iso.sizeBytes)}
                  </span>
                </label>
              ))}
            </fieldset>
          )}
          {mayUpload ? (
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              Not there?{' '}
              <Link to="/isos" className="text-sky-700 underline dark:text-sky-400">
                Upload an ISO on the ISO page
              </Link>
              .
            </p>
          ) : null}
          {change.isError ? (
            <Alert
              kind="error"
              title={`Could not insert ${change.variables?.action === 'insert' ? change.variables.iso : 'the ISO'}`}
              message={change.error.message}
              code={isApiError(change.error) ? change.error.code : undefined}
            />
          ) : null}
          <div className="flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>Cancel</Button>
            </Dialog.Close>
            <Button
              variant="primary"
              data-testid="insert-iso-submit"
              disabled={!chosen || chosen === drive.iso || change.isPending}
              onClick={() => {
                if (!chosen) return;
                change.mutate(
                  { vdev: drive.vdev, action: 'insert', iso: chosen },
                  { onSuccess: () => onOpenChange(false) },
                );
              }}
            >
              {change.isPending ? 'Inserting…' : 'Insert'}
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
