/**
 * A dialog holding one small form (create volume, new user, reset password…): title, fields,
 * the server's refusal if any, Cancel and the submit button. The form stays open on an error.
 */
import * as Dialog from '@radix-ui/react-dialog';
import type { FormEventHandler, ReactNode } from 'react';
import { ErrorAlert } from '@/components/alert';
import { Button } from '@/components/button';
import { DialogFrame } from '@/components/dialog-frame';

export function FormDialog({
  open,
  onOpenChange,
  onOpen,
  trigger,
  title,
  description,
  submitLabel,
  pending,
  error,
  onSubmit,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Runs each time the dialog opens (clear the last request and the fields). */
  onOpen?: () => void;
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  submitLabel: string;
  pending: boolean;
  /** The request's error (an ApiError from the server), shown above the buttons. */
  error: unknown;
  onSubmit: FormEventHandler<HTMLFormElement>;
  children: ReactNode;
}) {
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (next) onOpen?.();
      }}
    >
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <DialogFrame widthClass="w-[min(28rem,calc(100vw-2rem))]">
        <Dialog.Title className="text-base font-semibold">{title}</Dialog.Title>
        <Dialog.Description className="mt-1 text-sm text-zinc-600 dark:text-zinc-300">
          {description}
        </Dialog.Description>
        <form className="mt-4 flex flex-col gap-3" onSubmit={onSubmit} noValidate>
          {children}
          {error ? <ErrorAlert title={`${submitLabel} refused`} error={error} /> : null}
          <div className="mt-2 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button>Cancel</Button>
            </Dialog.Close>
            <Button type="submit" variant="primary" disabled={pending}>
              {pending ? 'Sending…' : submitLabel}
            </Button>
          </div>
        </form>
      </DialogFrame>
    </Dialog.Root>
  );
}
