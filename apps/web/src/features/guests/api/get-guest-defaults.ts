import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { apiFetch } from '@/lib/api-client';

/** INTERIM shape until @xendeck/api's guests schema lands. */
const guestDefaultsSchema = z.object({
  bridges: z.array(z.string()),
  defaultBridge: z.string().nullable().optional(),
  configDir: z.string(),
  isoDir: z.string(),
  imageDir: z.string(),
});

export const guestDefaultsQueryOptions = () =>
  queryOptions({
    queryKey: ['guests', 'defaults'],
    queryFn: ({ signal }) => apiFetch('/guests/defaults', { schema: guestDefaultsSchema, signal }),
  });
