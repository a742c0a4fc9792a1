import { queryOptions, useQuery } from '@tanstack/react-query';
import { type SavedImageList, savedImageListSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache key of the saved-image list (save, restore and delete invalidate it). */
export const savedImagesQueryKey = ['saved-images', 'list'] as const;

/**
 * `GET /api/v1/saved-images`: the save directory (`dir`, `dirExists`) and its images, newest
 * first (name, domain, saved/restored, time, size in bytes, running, the saved config). Throws
 * ApiError.
 */
export function getSavedImages(signal?: AbortSignal): Promise<SavedImageList> {
  return apiFetch('/saved-images', { schema: savedImageListSchema, ...(signal ? { signal } : {}) });
}

/** The list, refreshed every 10 s (a xendomains save at dom0 shutdown appears without Xendeck). */
export const savedImagesQueryOptions = () =>
  queryOptions({
    queryKey: savedImagesQueryKey,
    queryFn: ({ signal }) => getSavedImages(signal),
    refetchInterval: 10_000,
  });

export const useSavedImages = () => useQuery(savedImagesQueryOptions());
