import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ConfigRestoreResult, configRestoreResultSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';
import { invalidateConfig } from './save-config';

export interface RestoreConfigInput {
  name: string;
  /** History id of the version to put back. */
  id: number;
  /** ETag of the file as the page shows it now, sent as `If-Match`. */
  etag: string;
}

/**
 * `POST /api/v1/configs/:name/history/:id/restore` with `If-Match`: writes that version's text back
 * byte for byte, like a save (history reason `restore`). Throws ApiError: 409 `CONFIG_CHANGED`,
 * 404 when the version is gone, 422 when the old text no longer validates.
 */
export function restoreConfigVersion({
  name,
  id,
  etag,
}: RestoreConfigInput): Promise<ConfigRestoreResult> {
  return apiFetch(`/configs/${encodeURIComponent(name)}/history/${id}/restore`, {
    method: 'POST',
    body: {},
    headers: { 'If-Match': etag },
    schema: configRestoreResultSchema,
  });
}

export function useRestoreConfigVersion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreConfigVersion,
    onSuccess: (_result, input) => invalidateConfig(queryClient, input.name),
  });
}
