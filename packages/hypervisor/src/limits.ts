/**
 * Memory limits shared by both backends, in KiB. They are written once, in `@xendeck/api`'s
 * domain rules (`domain-rules.ts`, with the range check itself); this module re-exports them for
 * the hypervisor's own imports.
 */
export {
  DEFAULT_DOM0_MIN_MiB,
  DOMU_MIN_TARGET_KiB,
  dom0MinKiB,
  LIBXL_MIN_DOM0_KiB,
  memoryTargetMinKiB,
} from '@xendeck/api';
