/**
 * Storage changes: each answers 202 `{task}` at once (kinds `volume.create|grow|snapshot|remove`,
 * `image.create|remove`); the accepted task goes into the tasks cache so it can be followed.
 * Throws ApiError before any task starts: 422 INVALID_INPUT (`details.issues[].path`), 404
 * VG_NOT_FOUND / LV_NOT_FOUND / IMAGE_NOT_FOUND, 400 CONFIRMATION_REQUIRED, 409 SHRINK_REFUSED or
 * VOLUME_IN_USE (the message names the users).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type CreateImageFileRequest,
  type CreateVolumeRequest,
  type GrowVolumeRequest,
  type SnapshotVolumeRequest,
  type TaskAccepted,
  taskAcceptedSchema,
} from '@xendeck/api';
import { applyTaskUpdate } from '@/features/tasks';
import { apiFetch } from '@/lib/api-client';

/** One storage operation, as the page names it. */
export type StorageOperation =
  | { op: 'create-volume'; vg: string; body: CreateVolumeRequest }
  | { op: 'grow-volume'; vg: string; lv: string; body: GrowVolumeRequest }
  | { op: 'snapshot-volume'; vg: string; lv: string; body: SnapshotVolumeRequest }
  | { op: 'remove-volume'; vg: string; lv: string }
  | { op: 'create-image'; body: CreateImageFileRequest }
  | { op: 'remove-image'; file: string };

const e = encodeURIComponent;

/** Sends one operation; resolves with the accepted task. */
export function runStorageOperation(o: StorageOperation): Promise<TaskAccepted> {
  const schema = taskAcceptedSchema;
  switch (o.op) {
    case 'create-volume':
      return apiFetch(`/storage/volume-groups/${e(o.vg)}/volumes`, {
        method: 'POST',
        body: o.body,
        schema,
      });
    case 'grow-volume':
      return apiFetch(`/storage/volume-groups/${e(o.vg)}/volumes/${e(o.lv)}/grow`, {
        method: 'POST',
        body: o.body,
        schema,
      });
    case 'snapshot-volume':
      return apiFetch(`/storage/volume-groups/${e(o.vg)}/volumes/${e(o.lv)}/snapshot`, {
        method: 'POST',
        body: o.body,
        schema,
      });
    case 'remove-volume':
      // The API asks for the volume's name again as ?confirm=; the dialog made the hoster type it.
      return apiFetch(`/storage/volume-groups/${e(o.vg)}/volumes/${e(o.lv)}?confirm=${e(o.lv)}`, {
        method: 'DELETE',
        body: {},
        schema,
      });
    case 'create-image':
      return apiFetch('/storage/images', { method: 'POST', body: o.body, schema });
    case 'remove-image':
      return apiFetch(`/storage/images/${e(o.file)}?confirm=${e(o.file)}`, {
        method: 'DELETE',
        body: {},
        schema,
      });
  }
}

/** The mutation; the accepted task goes into the tasks cache at once. */
export function useStorageOperation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runStorageOperation,
    onSuccess: ({ task }) => applyTaskUpdate(queryClient, task),
  });
}
