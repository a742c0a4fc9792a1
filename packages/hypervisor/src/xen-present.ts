import { existsSync } from 'node:fs';

/**
 * Paths whose presence means this machine runs on Xen with the privileged command interface
 * that libxl needs: `/dev/xen/privcmd` (modern dom0 kernels) or `/proc/xen/privcmd` (xenfs).
 */
export const XEN_PRIVCMD_PATHS: readonly string[] = ['/dev/xen/privcmd', '/proc/xen/privcmd'];

/**
 * Whether this machine looks like a Xen dom0: true when one of {@link XEN_PRIVCMD_PATHS} exists.
 * It only checks for the device; opening libxl can still fail (no xenstored, not root), which
 * `openLibxlHost` reports as XEN_UNAVAILABLE.
 */
export function xenPresent(): boolean {
  return XEN_PRIVCMD_PATHS.some((p) => existsSync(p));
}
