/**
 * The image directory (`config.imageDir`, XENDECK_IMAGE_DIR): with the simulated backend's default
 * (`<stateDir>/sim-images`) it is created on first use and seeded with one small sparse image, so
 * the Storage page has something to show; a real directory is never created or seeded here
 * (creating an image creates it when missing, see `createImageFile`).
 */
import { existsSync } from 'node:fs';
import { createImageFile } from '@xendeck/storage';
import type { Config } from '../config.js';

/** The file seeded into the simulated image directory, and its apparent size (1 GiB, sparse). */
export const SIM_IMAGE = { name: 'scratch.img', sizeBytes: 1024 ** 3 } as const;

/**
 * Makes the simulated default image dir exist (seeded) the first time it is needed; a no-op for
 * any other directory. Throws the Node error of mkdir/open.
 */
export async function prepareImageDir(config: Pick<Config, 'imageDir' | 'simulatedImageDir'>) {
  if (!config.simulatedImageDir || existsSync(config.imageDir)) return;
  await createImageFile(config.imageDir, SIM_IMAGE.name, SIM_IMAGE.sizeBytes);
}
