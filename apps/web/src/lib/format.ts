/** Display formats shared by every feature. Inputs carry their unit in their name. */

/**
 * Memory in whole MiB as `xl list`'s Mem column shows it: `floor(KiB / 1024)` — never rounded up,
 * never GiB, so the e2e test can compare it with `xl list` literally. Returns e.g. `"1023 MiB"`.
 */
export function formatKiBAsMiB(memoryKiB: number): string {
  return `${kibToWholeMiB(memoryKiB)} MiB`;
}

/** `floor(KiB / 1024)`; the number behind {@link formatKiBAsMiB}. */
export function kibToWholeMiB(memoryKiB: number): number {
  return Math.floor(memoryKiB / 1024);
}

/** CPU time in seconds with one decimal, as `xl list`'s Time(s) column: 12_345_000_000 ns → `"12.3"`. */
export function formatCpuTimeSeconds(cpuTimeNs: number): string {
  return (cpuTimeNs / 1e9).toFixed(1);
}

/**
 * A MiB amount for the host overview: `"512 MiB"` below 1 GiB, `"3.5 GiB"` (one decimal) from 1 GiB.
 * Not for the domains table, which stays in MiB (see {@link formatKiBAsMiB}).
 */
export function formatMiB(mib: number): string {
  if (Math.abs(mib) < 1024) return `${Math.round(mib)} MiB`;
  return `${(mib / 1024).toFixed(1)} GiB`;
}

/** A byte count for file and volume sizes: `"812 B"`, `"1.4 KiB"`, `"2.0 MiB"`, `"8.0 GiB"`, `"1.5 TiB"`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes < 1024 ** 4) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 4).toFixed(1)} TiB`;
}

/**
 * A duration for people: `"850 ms"`, `"12 s"`, `"3 min 05 s"`, `"1 h 02 min"` (negative counts as 0).
 * Task durations and upload ETAs.
 */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** A transfer rate in decimal megabytes per second, one decimal: 87_300_000 → `"87.3 MB/s"`. */
export function formatMBPerSecond(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

/** Share of a whole in percent, one decimal; 0 when the whole is 0. */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.round((part / whole) * 1000) / 10;
}
