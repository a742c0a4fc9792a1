/**
 * Sizes as the storage forms take them: a number and a unit (MiB, GiB, TiB), sent as bytes.
 */
export const SIZE_UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
export type SizeUnit = keyof typeof SIZE_UNITS;

/** `amount` `unit` in whole bytes (rounded up: LVM rounds up to extents anyway), NaN if not positive. */
export function sizeToBytes(amount: number, unit: SizeUnit): number {
  if (!Number.isFinite(amount) || amount <= 0) return Number.NaN;
  return Math.ceil(amount * SIZE_UNITS[unit]);
}
