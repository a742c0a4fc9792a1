/**
 * Delete for an ISO: disabled, with its users' names, while a config names it or a running domain
 * has it inserted; otherwise a confirmation where the hoster types the file name before Delete is
 * enabled (the request repeats it as `?confirm=`, and the server checks the users again).
 */
import type { DiskUser } from '@xendeck/api';
import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { inputClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { userLabel } from '@/features/storage';
import { useDeleteIso } from '../api/delete-iso';

export function DeleteIsoDialog({
  name,
  path,
  users,
}: {
  name: string;
  /** dom0 path, shown in the explanation. */
  path: string;
  users: DiskUser[];
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const id = useId();
  const notices = useNotices();
  const mutation = useDeleteIso();

  if (users.length > 0) {
    const reason = `Used by ${users.map(userLabel).join(', ')}`;
    return (
      <span className="inline-flex items-center gap-2">
        <Button
          size="sm"
          variant="danger-outline"
          disabled
          title={reason}
          data-testid="iso-delete-button"
        >
          Delete
        </Button>
        {/* The table's Used by column shows the users; this names them for screen readers. */}
        <span className="sr-only" data-testid="iso-delete-blocked">
          {reason}
        </span>
      </span>
    );
  }

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setTyped('');
      }}
      trigger={
        <Button size="sm" variant="danger-outline" data-testid="iso-delete-button">
          Delete
        </Button>
      }
      title={`Delete ISO ${name}?`}
      confirmLabel="Delete"
      confirmVariant="danger"
      confirmDisabled={typed !== name}
      onConfirm={() =>
        mutation.mutate(name, {
          onSuccess: () => notices.success('Deleted', `${path} was removed.`),
          onError: (error) => notices.error(`Delete ${name}`, error),
        })
      }
    >
      <p>
        This removes <span className="font-mono">{path}</span> from dom0. It cannot be undone.
      </p>
      <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        Type <span className="font-mono">{name}</span> to confirm
      </label>
      <input
        id={id}
        className={`${inputClass} font-mono`}
        autoComplete="off"
        spellCheck={false}
        value={typed}
        data-testid="iso-delete-confirm"
        onChange={(e) => setTyped(e.target.value)}
      />
    </ConfirmDialog>
  );
}
