/**
 * Delete for a volume or an image file: disabled, with the users' names, while anything uses it;
 * otherwise a confirmation where the hoster types the name before Delete is enabled. The request
 * repeats the name as `?confirm=`; the server checks the users again before and inside the task.
 */
import type { DiskUser, Task } from '@xendeck/api';
import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { inputClass } from '@/components/form-field';
import { useNotices } from '@/components/notices';
import { type StorageOperation, useStorageOperation } from '../api/storage-operations';
import { userLabel } from './used-by';

export function RemoveDialog({
  what,
  name,
  path,
  users,
  blockedReason,
  operation,
  onStarted,
}: {
  /** `logical volume` or `image file`. */
  what: string;
  /** The name to type. */
  name: string;
  /** dom0 path, shown in the explanation. */
  path: string;
  users: DiskUser[];
  /** Another reason Delete is disabled (open, origin of snapshots), besides the users. */
  blockedReason?: string | undefined;
  operation: StorageOperation;
  onStarted: (task: Task) => void;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const id = useId();
  const notices = useNotices();
  const mutation = useStorageOperation();
  const reason = users.length > 0 ? `Used by ${users.map(userLabel).join(', ')}` : blockedReason;

  if (reason) {
    return (
      <span className="inline-flex items-center gap-2">
        <Button
          size="sm"
          variant="danger-outline"
          disabled
          title={reason}
          data-testid="remove-button"
        >
          Delete
        </Button>
        <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="remove-blocked">
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
        <Button size="sm" variant="danger-outline" data-testid="remove-button">
          Delete
        </Button>
      }
      title={`Delete ${what} ${name}?`}
      confirmLabel="Delete"
      confirmVariant="danger"
      confirmDisabled={typed !== name}
      onConfirm={() =>
        mutation.mutate(operation, {
          onSuccess: ({ task }) => onStarted(task),
          onError: (err) => notices.error(`Delete ${name}`, err),
        })
      }
    >
      <p>
        <span className="font-mono">{path}</span> and everything on it are gone for good. No config
        file and no running domain names it now.
      </p>
      <label htmlFor={`${id}-confirm`} className="text-zinc-800 dark:text-zinc-200">
        Type <span className="font-mono font-semibold">{name}</span> to confirm:
      </label>
      <input
        id={`${id}-confirm`}
        className={`${inputClass} font-mono`}
        autoComplete="off"
        spellCheck={false}
        value={typed}
        onChange={(ev) => setTyped(ev.target.value)}
        data-testid="remove-confirm-input"
      />
    </ConfirmDialog>
  );
}
