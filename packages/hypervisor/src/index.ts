/**
 * @xendeck/hypervisor: typed access to a Xen host.
 *
 * - {@link openLibxlHost}: the real backend (N-API addon over libxenlight/libxenstore).
 * - {@link createSimulatedHost}: an in-memory host with the same interface, for tests and UI work.
 * - {@link computeRates}: per-second rates (CPU %, bytes/s, requests/s) from two metrics snapshots.
 * - {@link RfbServer}: the synthetic VNC server of the simulated host's HVM domains (tests, benchmarks);
 *   `rfb-protocol.ts`: RFB helpers shared with the server's VNC proxy (VNC authentication's DES).
 * - {@link xenPresent}: whether this machine looks like a Xen dom0 (`/dev/xen/privcmd` or `/proc/xen/privcmd`).
 */

export * from './errors.js';
export { type LibxlHostOptions, openLibxlHost } from './libxl-host.js';
export { DOMU_MIN_TARGET_KiB } from './limits.js';
export { computeRates, VBD_SECTOR_BYTES } from './metrics/rates.js';
export * from './rfb-protocol.js';
export { PARTIAL_SAVE_NAME_PATTERN } from './save-file.js';
export * from './saved-image.js';
export { burstPattern, MAX_BURST_BYTES } from './simulated/fake-console.js';
export {
  type RfbKeyEvent,
  type RfbPointerEvent,
  RfbServer,
  type RfbServerOptions,
} from './simulated/rfb-server.js';
export {
  createSimulatedHost,
  SIMULATED_BRIDGES,
  type SimulatedHost,
  type SimulatedHostOptions,
} from './simulated-host.js';
export * from './types.js';
export { credit2CapMax } from './vcpus.js';
export { xenPresent } from './xen-present.js';
