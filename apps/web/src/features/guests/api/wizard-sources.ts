/**
 * INTERIM: the storage and ISO library lists the wizard reads, until features/storage and
 * features/isos export their own query options (then these go, and use-wizard-data imports theirs).
 */
import { queryOptions } from '@tanstack/react-query';
import {
  imageFileListSchema,
  isoListSchema,
  volumeGroupListSchema,
  volumeListSchema,
} from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const volumeGroupsQueryOptions = () =>
  queryOptions({
    queryKey: ['storage', 'volume-groups'],
    queryFn: ({ signal }) =>
      apiFetch('/storage/volume-groups', { schema: volumeGroupListSchema, signal }),
  });

export const volumesQueryOptions = (vg: string) =>
  queryOptions({
    queryKey: ['storage', 'volume-groups', vg, 'volumes'],
    queryFn: ({ signal }) =>
      apiFetch(`/storage/volume-groups/${encodeURIComponent(vg)}/volumes`, {
        schema: volumeListSchema,
        signal,
      }),
  });

export const imagesQueryOptions = () =>
  queryOptions({
    queryKey: ['storage', 'images'],
    queryFn: ({ signal }) => apiFetch('/storage/images', { schema: imageFileListSchema, signal }),
  });

export const isosQueryOptions = () =>
  queryOptions({
    queryKey: ['isos', 'list'],
    queryFn: ({ signal }) => apiFetch('/isos', { schema: isoListSchema, signal }),
  });
