import * as Dialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import { Button } from '@/components/button';
import { CommandHint } from '@/components/command-hint';
import { xlOperationCommand } from '../api/domain-operation';

/**
 * Confirmation before `xl destroy`: names the domain, says it is like pulling the power cord, and
 * calls `onConfirm` only when the person clicks `Destroy` in the dialog.
 */
export function DestroyDialog({
  name,
  domid,
  trigger,
  onConfirm,
}: {
  name: string;
  domid: number;
  /** The element that opens the dialog (the row's Destroy button). */
  trigger: ReactNode;
  onConfirm: () => void;
}) {
  return (
    <Dialog.Root>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          <Dialog.Title className="text-base font-semibold">
            Destroy domain <span className="font-mono">{name}</span>?
          </Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">
            This stops <span className="font-mono">{name}</span> (domid {domid}) at once. It is like
            pulling the power cord: the guest gets no chance to shut down, and anything it had not
            written to disk is lost. Its config file stays; you can start it again.
          </Dialog.Description>
          <div className="mt-3">
            <CommandHint command={xlOperationCommand('destroy', name)} />
          </div>
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>Cancel</Button>
            </Dialog.Close>
            <Dialog.Close asChild>
              <Button variant="danger" onClick={onConfirm}>
                Destroy
              </Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
