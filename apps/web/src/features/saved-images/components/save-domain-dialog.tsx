/**
 * "Save…" on a domain's page: a dialog that says what a save does, lets the hoster keep the guest
 * running (a checkpoint, `xl save -c`), shows where the image goes (`<save dir>/<name>`, the file
 * xendomains uses) and the `xl save` twin with a copy button. Once the `domain.save` task is
 * accepted, the Saved images page follows it (`/saved?task=<id>`): without a checkpoint the
 * domain, and with it this page's overview, goes away when the save ends. Save is disabled, with
 * the reason, while an image of that name waits to be restored (a save never overwrites one).
 * Test ids: `save-domain-button`, `save-domain-dialog`, `save-checkpoint`, `save-submit`,
 * `save-blocked`.
 */
import * as Dialog from '@radix-ui/react-dialog';
import { checkDomainState, type Domain } from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { useNotices } from '@/components/notices';
import { formatKiBAsMiB } from '@/lib/format';
import { useSavedImages } from '../api/get-saved-images';
import { useSaveDomain } from '../api/saved-image-operations';

export function SaveDomainDialog({ domain }: { domain: Domain }) {
  const notices = useNotices();
  const [open, setOpen] = useState(false);
  const [checkpoint, setCheckpoint] = useState(false);
  const navigate = useNavigate();
  const images = useSavedImages();
  const save = useSaveDomain(domain.name);
  if (domain.domid === 0) return null;
  // The shared rule (`@xendeck/api` domain rules): running, blocked or paused; the server refuses
  // the others with the same message (409 INVALID_STATE).
  const savable = checkDomainState('save', domain.domid, domain.state);

  const dir = images.data?.dir;
  const file = dir ? `${dir}/${domain.name}` : undefined;
  const waiting = images.data?.images.find((i) => i.name === domain.name);
  const blocked = waiting
    ? `${waiting.path} exists: restore or delete that image first (a save never overwrites one)`
    : undefined;
  const command = file ? xlCommand({ action: 'save', name: domain.name, file, checkpoint }) : '';

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button
          size="sm"
          data-testid="save-domain-button"
          disabled={!savable.ok}
          title={
            savable.ok
              ? `Save ${domain.name}'s memory and state to a file (xl save)`
              : savable.message
          }
        >
          Save…
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content
          data-testid="save-domain-dialog"
          className="fixed top-1/2 left-1/2 z-50 w-[min(34rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
          <Dialog.Title className="text-base font-semibold">
            Save <span className="font-mono">{domain.name}</span>
          </Dialog.Title>
          <Dialog.Description asChild>
            <div className="mt-2 flex flex-col gap-2 text-sm text-zinc-600 dark:text-zinc-300">
              <p>
                Writes the guest's memory ({formatKiBAsMiB(domain.memoryKiB)}) and device state to a
                file, as <code className="font-mono">xl save</code> does. Without a checkpoint the
                domain is gone afterwards; <strong>Restore</strong> on the Saved images page brings
                it back where it was, under a new domid. Its disks are not in the image: do not
                start the guest from its config before restoring, or the image no longer matches
                them.
              </p>
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  data-testid="save-checkpoint"
                  checked={checkpoint}
                  onChange={(ev) => setCheckpoint(ev.target.checked)}
                />
                Keep it running (a checkpoint: <code className="font-mono">xl save -c</code>)
              </label>
              <p>
                Image:{' '}
                <span className="font-mono" data-testid="save-file">
                  {file ?? '…'}
                </span>{' '}
                (the directory <code className="font-mono">xendomains</code> saves to and restores
                from at dom0 boot).
              </p>
              {command ? <CommandHint command={command} /> : null}
              {blocked ? (
                <p data-testid="save-blocked" className="text-amber-700 dark:text-amber-300">
                  {blocked}
                </p>
              ) : null}
            </div>
          </Dialog.Description>
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>Cancel</Button>
            </Dialog.Close>
            <Button
              variant="primary"
              data-testid="save-submit"
              disabled={!file || blocked !== undefined || save.isPending}
              onClick={() =>
                save.mutate(checkpoint, {
                  onSuccess: ({ task }) => {
                    setOpen(false);
                    navigate(`/saved?task=${encodeURIComponent(task.id)}`);
                  },
                  onError: (error) => notices.error(`Save ${domain.name}`, error),
                })
              }
            >
              Save
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
