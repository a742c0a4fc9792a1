/**
 * Delete for a volume or an image file: disabled, with the users' names, while anything uses it;
 * otherwise a confirmation where the hoster types the name before Delete is enabled. The request
 * repeats the name as `?confirm=`; the server checks the users again before and inside the task.
 */
import type { DiskUser, Task } from '@xendeck/api';
import { useNotices } from '@/components/notices';
import { TypedDeleteDialog } from '@/components/typed-delete-dialog';
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
  const notices = useNotices();
  const mutation = useStorageOperation();
  const reason = users.length > 0 ? `Used by ${users.map(userLabel).join(', ')}` : blockedReason;
  return (
    <TypedDeleteDialog
      name={name}
      title={`Delete ${what} ${name}?`}
      blockedReason={reason}
      testIdPrefix="remove"
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
    </TypedDeleteDialog>
  );
}
