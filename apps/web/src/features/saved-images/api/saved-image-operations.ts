/**
 * Save, restore and delete: save and restore answer 202 `{task}` (kinds `domain.save`,
 * `domain.restore`), whose task goes into the tasks cache at once so the dialog can follow it;
 * delete answers 204. Each throws ApiError before anything starts: 404 DOMAIN_NOT_FOUND /
 * SAVED_IMAGE_NOT_FOUND, 409 INVALID_STATE / SAVED_IMAGE_EXISTS / DOMAIN_EXISTS /
 * SAVED_IMAGE_RESTORED / SAVED_IMAGE_BUSY, 422 NOT_A_SAVED_IMAGE.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type TaskAccepted, taskAcceptedSchema } from '@xendeck/api';
import { applyTaskUpdate } from '@/features/tasks';
import { apiFetch } from '@/lib/api-client';
import { savedImagesQueryKey } from './get-saved-images';

const e = encodeURIComponent;

/** `POST /domains/:name/save` `{checkpoint}`. */
export function saveDomain(name: string, checkpoint: boolean): Promise<TaskAccepted> {
  return apiFetch(`/domains/${e(name)}/save`, {
    method: 'POST',
    body: { checkpoint },
    schema: taskAcceptedSchema,
  });
}

/** `POST /saved-images/:name/restore`. */
export function restoreSavedImage(image: string): Promise<TaskAccepted> {
  return apiFetch(`/saved-images/${e(image)}/restore`, {
    method: 'POST',
    body: {},
    schema: taskAcceptedSchema,
  });
}

/** `DELETE /saved-images/:name?confirm=<name>` (the dialog made the hoster type the name). */
export function deleteSavedImage(image: string): Promise<undefined> {
  return apiFetch(`/saved-images/${e(image)}?confirm=${e(image)}`, { method: 'DELETE', body: {} });
}

/** Save a domain; the task goes into the cache. */
export function useSaveDomain(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (checkpoint: boolean) => saveDomain(name, checkpoint),
    onSuccess: ({ task }) => applyTaskUpdate(queryClient, task),
  });
}

/** Restore an image; the task goes into the cache, the list is refetched. */
export function useRestoreSavedImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreSavedImage,
    onSuccess: ({ task }) => {
      applyTaskUpdate(queryClient, task);
      void queryClient.invalidateQueries({ queryKey: savedImagesQueryKey });
    },
  });
}

/** Delete an image; the list is refetched. */
export function useDeleteSavedImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSavedImage,
    onSettled: () => queryClient.invalidateQueries({ queryKey: savedImagesQueryKey }),
  });
}
