/**
 * Delete for an ISO: disabled, with its users' names, while a config names it or a running domain
 * has it inserted; otherwise the hoster types the file name first (the request repeats it as
 * `?confirm=`, and the server checks the users again).
 */
import type { DiskUser } from '@xendeck/api';
import { useNotices } from '@/components/notices';
import { TypedDeleteDialog } from '@/components/typed-delete-dialog';
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
  const notices = useNotices();
  const mutation = useDeleteIso();
  return (
    <TypedDeleteDialog
      name={name}
      title={`Delete ISO ${name}?`}
      blockedReason={users.length > 0 ? `Used by ${users.map(userLabel).join(', ')}` : undefined}
      testIdPrefix="iso-delete"
      showReason={false}
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
    </TypedDeleteDialog>
  );
}
