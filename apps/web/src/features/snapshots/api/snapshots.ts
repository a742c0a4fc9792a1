/**
 * The API of guest snapshots and clones (`/api/v1/domains/:name/snapshots…`, `…/clone…`): the
 * list query, the two previews (the commands a take or a clone would run, computed by the server
 * from @xendeck/storage's argument builders) and the mutations, each answering 202 `{task}` (the
 * accepted task goes into the tasks cache so it can be followed). Errors are ApiError: 404
 * CONFIG_NOT_FOUND, 409 INVALID_STATE (running guest), LV_EXISTS, CONFIG_EXISTS, DOMAIN_EXISTS,
 * 422 INVALID_INPUT, 400 CONFIRMATION_REQUIRED, 507 NO_SPACE.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type CloneMode,
  type ClonePlan,
  clonePlanSchema,
  type SnapshotList,
  type SnapshotPreview,
  snapshotListSchema,
  snapshotPreviewSchema,
  type TaskAccepted,
  taskAcceptedSchema,
} from '@xendeck/api';
import { applyTaskUpdate } from '@/features/tasks';
import { apiFetch } from '@/lib/api-client';

const e = encodeURIComponent;

/** Cache key of a guest's snapshot list (under `['domains', …]`: domain changes refresh it). */
export const snapshotsQueryKey = (name: string) => ['domains', 'snapshots', name] as const;

/** `GET /domains/:name/snapshots`: volumes from the config, snapshot sets newest first. */
export function getSnapshots(name: string, signal?: AbortSignal): Promise<SnapshotList> {
  return apiFetch(`/domains/${e(name)}/snapshots`, {
    schema: snapshotListSchema,
    ...(signal ? { signal } : {}),
  });
}

export const snapshotsQueryOptions = (name: string) =>
  queryOptions({
    queryKey: snapshotsQueryKey(name),
    queryFn: ({ signal }) => getSnapshots(name, signal),
    retry: false,
  });

export const useSnapshots = (name: string) => useQuery(snapshotsQueryOptions(name));

/** `POST /domains/:name/snapshots/preview`: the commands of a take; enabled for a valid label. */
export function useSnapshotPreview(
  name: string,
  label: string,
  sizePercent: number,
  enabled: boolean,
) {
  return useQuery({
    queryKey: ['domains', 'snapshots', name, 'preview', label, sizePercent] as const,
    queryFn: ({ signal }): Promise<SnapshotPreview> =>
      apiFetch(`/domains/${e(name)}/snapshots/preview`, {
        method: 'POST',
        body: { label, sizePercent },
        schema: snapshotPreviewSchema,
        signal,
      }),
    enabled,
    retry: false,
  });
}

/** `POST /domains/:name/clone/preview`: volumes, config text and commands of a clone. */
export function useClonePreview(name: string, newName: string, mode: CloneMode, enabled: boolean) {
  return useQuery({
    queryKey: ['domains', 'clone-preview', name, newName, mode] as const,
    queryFn: ({ signal }): Promise<ClonePlan> =>
      apiFetch(`/domains/${e(name)}/clone/preview`, {
        method: 'POST',
        body: { newName, mode },
        schema: clonePlanSchema,
        signal,
      }),
    enabled,
    retry: false,
  });
}

/** One change, as the tab names it. */
export type SnapshotOperation =
  | { op: 'take'; name: string; label: string; sizePercent: number }
  | { op: 'revert'; name: string; label: string }
  | { op: 'remove'; name: string; label: string }
  | { op: 'clone'; name: string; newName: string; mode: CloneMode };

/** Sends one operation; resolves with the accepted task. */
export function runSnapshotOperation(o: SnapshotOperation): Promise<TaskAccepted> {
  const schema = taskAcceptedSchema;
  const base = `/domains/${e(o.name)}`;
  switch (o.op) {
    case 'take':
      return apiFetch(`${base}/snapshots`, {
        method: 'POST',
        body: { label: o.label, sizePercent: o.sizePercent },
        schema,
      });
    case 'revert':
      // ?confirm= repeats the label the hoster typed in the dialog.
      return apiFetch(`${base}/snapshots/${e(o.label)}/revert?confirm=${e(o.label)}`, {
        method: 'POST',
        body: {},
        schema,
      });
    case 'remove':
      return apiFetch(`${base}/snapshots/${e(o.label)}?confirm=${e(o.label)}`, {
        method: 'DELETE',
        body: {},
        schema,
      });
    case 'clone':
      return apiFetch(`${base}/clone`, {
        method: 'POST',
        body: { newName: o.newName, mode: o.mode },
        schema,
      });
  }
}

/** The mutation; the accepted task goes into the tasks cache at once. */
export function useSnapshotOperation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runSnapshotOperation,
    onSuccess: ({ task }) => applyTaskUpdate(queryClient, task),
  });
}
