/**
 * @xendeck/storage: LVM volume groups and logical volumes behind one interface, {@link Storage}.
 *
 * - {@link openLvmStorage}: the real backend (the lvm2 commands, argument arrays, JSON reports).
 * - {@link createSimulatedStorage}: an in-memory backend with the same behaviour, for tests and UI.
 * - {@link parseLvmReport}: reads `--reportformat json` output, lvm2 2.03.16's trailing commas included.
 * - `names.ts`: LVM's name rules and extent rounding; `errors.ts`: {@link StorageError} and its codes.
 * - `@xendeck/storage/contract`: the contract suite both backends pass.
 */

export { type DdRunner, spawnDdRunner } from './copy.js';
export * from './errors.js';
export { assertRemovable, removeRefusal } from './guards.js';
export {
  createImageFile,
  IMAGE_FILE_NAME_MAX,
  type ImageFileInfo,
  imageFile,
  listImageFiles,
  removeImageFile,
  validateImageFileName,
} from './image-files.js';
export {
  COPY_BLOCK,
  ddCopyArgs,
  lvchangeActivateArgs,
  lvconvertMergeArgs,
  lvremoveArgs,
  lvSnapshotArgs,
  parseDdProgress,
} from './lvm-args.js';
export {
  type LvmRunner,
  type LvmRunResult,
  type LvmStorageOptions,
  lvcreateArgs,
  openLvmStorage,
  spawnLvmRunner,
} from './lvm-storage.js';
export {
  MAX_NAME_LENGTH,
  roundUpToExtent,
  validateLvName,
  validateSizeBytes,
  validateTag,
  validateVgName,
} from './names.js';
export {
  attrActive,
  attrOpen,
  type LvmReport,
  type LvmReportRow,
  parseLvmReport,
  stripTrailingCommas,
} from './report.js';
export {
  createSimulatedStorage,
  type SimulatedStorage,
  type SimulatedStorageOptions,
  type SimulatedVolumeGroupSpec,
} from './simulated-storage.js';
export * from './types.js';
