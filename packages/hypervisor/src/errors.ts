/**
 * The one error class every backend throws. `code` is stable and meant for programs (the server
 * maps it to an HTTP status); `message` is for people; `details` carries structured context
 * (for MEMORY_OUT_OF_RANGE: `{ minKiB, maxKiB, requestedKiB }`; for LIBXL_ERROR: `{ libxlError }`,
 * libxl's negative error number, and `libxlErrorName`, e.g. "ERROR_INVAL").
 */
export type HypervisorErrorCode =
  /** No Xen here: no /dev/xen, or libxl_ctx_alloc / xs_open failed. */
  | 'XEN_UNAVAILABLE'
  /** The native addon was not built (no libxen-dev headers at install time) or failed to load. */
  | 'NATIVE_UNAVAILABLE'
  | 'DOMAIN_NOT_FOUND'
  | 'DOMAIN_EXISTS'
  | 'INVALID_STATE'
  | 'MEMORY_OUT_OF_RANGE'
  | 'CONFIG_NOT_FOUND'
  | 'CREATE_FAILED'
  /** `xl save` failed (its error text in the message); no state file is left. */
  | 'SAVE_FAILED'
  /** `xl restore` failed (its error text in the message). */
  | 'RESTORE_FAILED'
  | 'INVALID_ARGUMENT'
  /**
   * The domain has no console of that kind now: no VNC (xenstore console/vnc-port absent), no PV
   * console tty, no emulated serial pty (HVM without `serial = "pty"`), or the domain is not HVM.
   */
  | 'CONSOLE_UNAVAILABLE'
  /**
   * Another process holds the domain's console (`xl console` took the lock
   * /var/lock/xenconsole.<domid>): details.lockPath names the lock.
   */
  | 'CONSOLE_BUSY'
  /** Any other libxl failure; details.libxlError holds the libxl error number. */
  | 'LIBXL_ERROR'
  /**
   * A libxl/xenstore call did not return (or found no free slot) within the call timeout
   * (host-calls.ts CallGate; details `{ timeoutMs, started }`): the host is stuck, e.g. a hung
   * xenstored or a hotplug script that never ends.
   */
  | 'TIMEOUT';

export class HypervisorError extends Error {
  override readonly name = 'HypervisorError';
  constructor(
    readonly code: HypervisorErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isHypervisorError(e: unknown): e is HypervisorError {
  return e instanceof HypervisorError;
}
