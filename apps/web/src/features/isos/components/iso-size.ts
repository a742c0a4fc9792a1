/** Sizes in the ISO library: `812.3 KiB`, `640.0 MiB` below 1 GiB, `3.7 GiB` from there. */
import { formatBytes, formatMiB } from '@/lib/format';

const MiB = 1024 ** 2;

export function formatIsoSize(bytes: number): string {
  return bytes >= 1024 * MiB ? formatMiB(bytes / MiB) : formatBytes(bytes);
}
