import { HypervisorError } from './errors.js';
import type { Hypervisor } from './types.js';
import { xenPresent } from './xen-present.js';

/** Options of {@link openLibxlHost}. */
export interface LibxlHostOptions {
  /** Safety floor for dom0's balloon target, MiB; default 512. */
  dom0MinMiB?: number;
  /** The xl binary; default `xl` on PATH, else /usr/sbin/xl. */
  xlPath?: string;
  /** How long `xl create` may take, ms; default 120000. */
  createTimeoutMs?: number;
}

/**
 * Opens the real backend. Work in progress: this first version only reports XEN_UNAVAILABLE on a
 * machine without Xen and NATIVE_UNAVAILABLE elsewhere.
 */
export async function openLibxlHost(_options: LibxlHostOptions = {}): Promise<Hypervisor> {
  if (!xenPresent()) {
    throw new HypervisorError(
      'XEN_UNAVAILABLE',
      'Xen is not available here: no /dev/xen/privcmd or /proc/xen/privcmd',
    );
  }
  throw new HypervisorError('NATIVE_UNAVAILABLE', 'the libxl backend is not implemented yet');
}
