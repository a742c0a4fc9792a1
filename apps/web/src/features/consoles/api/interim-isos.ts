/**
 * INTERIM: the ISO library list the CD dialog reads, until features/isos exports its own query
 * (then this file goes and insert-iso-dialog imports `useIsos` from '@/features/isos').
 * `GET /api/v1/isos`: directory, free bytes, ISOs by name with sizes in bytes.
 */
import { useQuery } from '@tanstack/react-query';
import { isoListSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

export const useIsos = () =>
  useQuery({
    queryKey: ['isos', 'list'],
    queryFn: ({ signal }) => apiFetch('/isos', { schema: isoListSchema, signal }),
  });
