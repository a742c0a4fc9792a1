/**
 * Storage reads (`GET /api/v1/storage/…`): volume groups, a volume group's logical volumes with
 * their users, image files. Keys all start with `['storage']`, so one invalidation refreshes the
 * page after an operation's task ends. Answers are parsed with the api schemas.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { imageFileListSchema, volumeGroupListSchema, volumeListSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Prefix of every storage query key. */
export const storageQueryKey = ['storage'] as const;

/** `GET /storage/volume-groups`: `{volumeGroups}` (vgs/pvs; bytes). */
export const volumeGroupsQueryOptions = () =>
  queryOptions({
    queryKey: [...storageQueryKey, 'volume-groups'],
    queryFn: ({ signal }) =>
      apiFetch('/storage/volume-groups', { schema: volumeGroupListSchema, signal }),
  });

/** `GET /storage/volume-groups/:vg/volumes`: `{volumeGroup, volumes, usedByGaps}`. 404 VG_NOT_FOUND. */
export const volumesQueryOptions = (vg: string) =>
  queryOptions({
    queryKey: [...storageQueryKey, 'volume-groups', vg, 'volumes'],
    queryFn: ({ signal }) =>
      apiFetch(`/storage/volume-groups/${encodeURIComponent(vg)}/volumes`, {
        schema: volumeListSchema,
        signal,
      }),
  });

/** `GET /storage/images`: `{directory, images, usedByGaps}`. */
export const imagesQueryOptions = () =>
  queryOptions({
    queryKey: [...storageQueryKey, 'images'],
    queryFn: ({ signal }) => apiFetch('/storage/images', { schema: imageFileListSchema, signal }),
  });

export const useVolumeGroups = () => useQuery(volumeGroupsQueryOptions());
export const useVolumes = (vg: string) => useQuery(volumesQueryOptions(vg));
export const useImages = () => useQuery(imagesQueryOptions());
