import * as Dialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import { Button } from './button';

/**
 * A Radix confirmation dialog: title, explanation, Cancel and one confirm button (named
 * `confirmLabel`, which is what tests and people click). `onConfirm` runs only from that button.
 * Either give a `trigger` (uncontrolled) or drive it with `open`/`onOpenChange`.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  confirmVariant = 'primary',
  onConfirm,
  trigger,
  open,
  onOpenChange,
  cancelLabel = 'Cancel',
  confirmDisabled = false,
}: {
  title: ReactNode;
  /** The explanation: what happens, what is lost. */
  children: ReactNode;
  confirmLabel: string;
  confirmVariant?: 'primary' | 'danger';
  onConfirm: () => void;
  trigger?: ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  cancelLabel?: string;
  /** Keeps the confirm button disabled (e.g. until the thing's name is typed in `children`). */
  confirmDisabled?: boolean;
}) {
  const controlled = open !== undefined ? { open, onOpenChange } : {};
  return (
    <Dialog.Root {...controlled}>
      {trigger ? <Dialog.Trigger asChild>{trigger}</Dialog.Trigger> : null}
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 backdrop-blur-[1px]" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(30rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl focus:outline-none dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
          <Dialog.Title className="text-base font-semibold">{title}</Dialog.Title>
          <Dialog.Description asChild>
            <div className="mt-2 flex flex-col gap-2 text-sm text-zinc-600 dark:text-zinc-300">
              {children}
            </div>
          </Dialog.Description>
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>{cancelLabel}</Button>
            </Dialog.Close>
            <Dialog.Close asChild>
              <Button variant={confirmVariant} onClick={onConfirm} disabled={confirmDisabled}>
                {confirmLabel}
              </Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
