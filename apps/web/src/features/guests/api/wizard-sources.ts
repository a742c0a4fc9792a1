/**
 * INTERIM: the ISO library list the wizard reads, until features/isos exports its query options
 * (then this goes, and use-wizard-data imports theirs).
 */
import { queryOptions } from '@tanstack/react-query';
import { isoListSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const isosQueryOptions = () =>
  queryOptions({
    queryKey: ['isos', 'list'],
    queryFn: ({ signal }) => apiFetch('/isos', { schema: isoListSchema, signal }),
  });
