/**
 * The storage forms' schemas: names with the api's rules (`lvNameSchema`, `imageFileNameSchema` of
 * @xendeck/api, the same rules the server applies), a size as amount + unit.
 */
import { imageFileNameSchema, lvNameSchema } from '@xendeck/api';
import { z } from 'zod';
import { SIZE_UNITS, type SizeUnit, sizeToBytes } from './size-input';

const unitSchema = z.enum(Object.keys(SIZE_UNITS) as [SizeUnit, ...SizeUnit[]]);
const amountSchema = z
  .number({ error: 'a size is a number' })
  .positive('a size is more than 0')
  .refine((n) => Number.isFinite(n), 'a size is a number');

const sized = { amount: amountSchema, unit: unitSchema };

/** Create volume: `{name, amount, unit}`. */
export const newVolumeFormSchema = z.object({ name: lvNameSchema, ...sized });
/** Snapshot: the snapshot's name and its copy-on-write room. */
export const snapshotFormSchema = z.object({ name: lvNameSchema, ...sized });
/** New image file. */
export const newImageFormSchema = z.object({ name: imageFileNameSchema, ...sized });

/** Grow: a new total size larger than `currentBytes` (volumes only grow). */
export const growFormSchema = (currentBytes: number) =>
  z
    .object({ name: z.string(), ...sized })
    .refine((v) => sizeToBytes(v.amount, v.unit) > currentBytes, {
      message: 'the new size must be larger than the current one (volumes only grow)',
      path: ['amount'],
    });

export type SizedFormValues = { amount: number; unit: SizeUnit };
export type NamedSizedFormValues = SizedFormValues & { name: string };
