import { formatMBPerSecond } from '@/lib/format';

/** A vif's rate limit for a table cell: `unlimited` for null, else MB/s (decimal, as xl's `MB/s`). */
export function formatVifRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? 'unlimited' : formatMBPerSecond(bytesPerSecond);
}
