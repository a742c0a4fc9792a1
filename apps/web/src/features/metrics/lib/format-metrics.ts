/**
 * Display formats of live metrics. Inputs carry their unit in their name; a null rate (the first
 * sample of a series has none) is shown as an em dash `—`, never as 0.
 */

/** Shown for a value that is not known yet. */
export const NO_VALUE = '—';

/** A percentage with one decimal, as xentop's CPU(%) column: `73.4%`, null → `—`. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return NO_VALUE;
  return `${percent.toFixed(1)}%`;
}

/** Bytes as whole KiB, xentop's MEM(k), MAXMEM(k), NETTX(k), NETRX(k): `floor(bytes / 1024)`. */
export function bytesToKiB(bytes: number): number {
  return Math.floor(bytes / 1024);
}

const RATE_UNITS = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'] as const;

/**
 * A byte rate in binary units: `512 B/s`, `1.5 KiB/s`, `12.0 MiB/s`, `1.2 GiB/s` (one decimal
 * from KiB/s up), null → `—`.
 */
export function formatBytesPerSec(bps: number | null | undefined): string {
  if (bps === null || bps === undefined || !Number.isFinite(bps)) return NO_VALUE;
  let v = Math.max(0, bps);
  let i = 0;
  while (v >= 1024 && i < RATE_UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${Math.round(v)} B/s` : `${v.toFixed(1)} ${RATE_UNITS[i]}`;
}

/** Requests per second: `0 req/s`, `3.5 req/s`, `120 req/s` (no decimal from 100), null → `—`. */
export function formatReqPerSec(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined || !Number.isFinite(perSec)) return NO_VALUE;
  const v = Math.max(0, perSec);
  if (v === 0) return '0 req/s';
  return v >= 100 ? `${Math.round(v)} req/s` : `${v.toFixed(1)} req/s`;
}

/** A memory size for live numbers and chart legends: `812 MiB` below 1 GiB, `3.50 GiB` from it. */
export function formatMemoryBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NO_VALUE;
  const mib = bytes / 1024 / 1024;
  if (mib < 1024) return `${Math.floor(mib)} MiB`;
  return `${(mib / 1024).toFixed(2)} GiB`;
}

/** A unit for a chart axis: the divisor applied to raw values and its label. */
export interface AxisUnit {
  divisor: number;
  label: string;
}

/** MiB below 1 GiB, GiB from it, for a bytes axis whose largest tick is `maxBytes`. */
export function memoryAxisUnit(maxBytes: number): AxisUnit {
  return maxBytes >= 1024 ** 3
    ? { divisor: 1024 ** 3, label: 'GiB' }
    : { divisor: 1024 ** 2, label: 'MiB' };
}

/** B/s, KiB/s, MiB/s or GiB/s, the largest unit in which `maxBps` is at least 1. */
export function rateAxisUnit(maxBps: number): AxisUnit {
  let i = 0;
  let divisor = 1;
  while (maxBps / divisor >= 1024 && i < RATE_UNITS.length - 1) {
    divisor *= 1024;
    i += 1;
  }
  return { divisor, label: RATE_UNITS[i] as string };
}

/** Tick text: trims `.0`, keeps up to `decimals` decimals only where the ticks need them. */
export function formatTick(value: number, step: number): string {
  const decimals = step >= 1 || step === 0 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return value.toFixed(decimals);
}
