import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type CdromStatus, cdromStatusSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { cdromQueryKey } from './get-cdrom';

/** What to do with one drive: insert a library ISO (by file name) or eject. */
export type CdromChange =
  | { vdev: string; action: 'insert'; iso: string }
  | { vdev: string; action: 'eject' };

/**
 * `POST /api/v1/domains/:name/cdrom/:vdev/insert` `{iso}` (as `xl cd-insert`, the ISO taken from
 * the library by name) or `…/eject` (as `xl cd-eject`). Resolves with the drives after. Throws
 * ApiError: 404 `DOMAIN_NOT_FOUND` / `ISO_NOT_FOUND`, 409 `INVALID_STATE` (not HVM), 422
 * `INVALID_ARGUMENT` (no such CD-ROM drive), `LIBXL_ERROR`.
 */
export function changeCdrom(name: string, change: CdromChange): Promise<CdromStatus> {
  const path = `/domains/${encodeURIComponent(name)}/cdrom/${encodeURIComponent(change.vdev)}/${change.action}`;
  return apiFetch(path, {
    method: 'POST',
    body: change.action === 'insert' ? { iso: change.iso } : {},
    schema: cdromStatusSchema,
  });
}

/** Changes a drive; the answer replaces the cached drives of the domain at once. */
export function useChangeCdrom(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: CdromChange) => changeCdrom(name, change),
    onSuccess: (status) => queryClient.setQueryData([...cdromQueryKey(name), status.domid], status),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cdromQueryKey(name) }),
  });
}
