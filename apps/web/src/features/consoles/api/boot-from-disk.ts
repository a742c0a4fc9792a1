import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type BootFromDiskResult, bootFromDiskResultSchema } from '@xendeck/api';
import { invalidateConfig } from '@/features/configs';
import { apiFetch } from '@/lib/api-client';
import { cdromQueryKey } from './get-cdrom';

/**
 * `POST /api/v1/domains/:name/boot-from-disk`. With `etag` undefined: the dry run (`{dryRun:
 * true}`), which changes nothing and answers the config file's text before and after, its ETag,
 * the changes and the drives that would be ejected. With `etag`: the apply, sent with `If-Match`
 * so a file changed since the preview is not overwritten; the server writes the file (history,
 * atomic) and then ejects the CDs of the running domain. Throws ApiError: 404
 * `CONFIG_NOT_FOUND`, 409 `CONFIG_CHANGED` (`details.currentEtag`), 422 `CONFIG_INVALID`, 428.
 */
export function bootFromDisk(name: string, etag?: string): Promise<BootFromDiskResult> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/boot-from-disk`, {
    method: 'POST',
    body: { dryRun: etag === undefined },
    ...(etag === undefined ? {} : { headers: { 'If-Match': etag } }),
    schema: bootFromDiskResultSchema,
  });
}

/** The dry run as a query (it has no effect): fetched fresh each time the dialog opens. */
export const bootFromDiskPreviewOptions = (name: string) =>
  queryOptions({
    queryKey: ['domains', 'boot-from-disk-preview', name] as const,
    queryFn: () => bootFromDisk(name),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });

export const useBootFromDiskPreview = (name: string, enabled: boolean) =>
  useQuery({ ...bootFromDiskPreviewOptions(name), enabled });

/** Applies what was previewed (its ETag); then the config and the drives are refetched. */
export function useApplyBootFromDisk(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (etag: string) => bootFromDisk(name, etag),
    onSettled: () =>
      Promise.all([
        invalidateConfig(queryClient, name),
        queryClient.invalidateQueries({ queryKey: cdromQueryKey(name) }),
      ]),
  });
}
