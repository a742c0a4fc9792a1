/**
 * Memory limits shared by both backends, in KiB.
 */

/** libxl's LIBXL_MIN_DOM0_MEM: libxl refuses dom0 balloon targets below 128 MiB. */
export const LIBXL_MIN_DOM0_KiB = 128 * 1024;

/**
 * The smallest balloon target Xendeck sets for a domU, in KiB (32 MiB). libxl itself accepts
 * lower targets, but a guest kernel ballooned below this is out of memory; both backends refuse
 * with MEMORY_OUT_OF_RANGE.
 */
export const DOMU_MIN_TARGET_KiB = 32 * 1024;

/** Default safety floor for dom0's balloon target, in MiB (`dom0MinMiB` option of both backends). */
export const DEFAULT_DOM0_MIN_MiB = 512;

/** dom0's minimum target in KiB: the larger of libxl's 128 MiB and the configured floor (MiB). */
export function dom0MinKiB(dom0MinMiB: number): number {
  return Math.max(LIBXL_MIN_DOM0_KiB, Math.round(dom0MinMiB * 1024));
}
