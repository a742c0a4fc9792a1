/**
 * @xendeck/hypervisor: typed access to a Xen host.
 *
 * - {@link openLibxlHost}: the real backend (N-API addon over libxenlight/libxenstore).
 * - {@link createSimulatedHost}: an in-memory host with the same interface, for tests and UI work.
 * - {@link xenPresent}: whether this machine looks like a Xen dom0 (`/dev/xen/privcmd` or `/proc/xen/privcmd`).
 */

export * from './errors.js';
export { type LibxlHostOptions, openLibxlHost } from './libxl-host.js';
export {
  createSimulatedHost,
  type SimulatedHost,
  type SimulatedHostOptions,
} from './simulated-host.js';
export * from './types.js';
export { xenPresent } from './xen-present.js';
