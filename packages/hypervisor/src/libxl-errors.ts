/**
 * libxl's error numbers (enum libxl_error, /usr/include/_libxl_types.h of Xen 4.17) and the
 * mapping of addon failures to {@link HypervisorError}.
 */
import { HypervisorError } from './errors.js';
import type { NativeErrorFields } from './native-types.js';

/** libxl_error names by number, as in Xen 4.17's libxl_types.idl. */
export const LIBXL_ERROR_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'ERROR_NONSPECIFIC',
  [-2]: 'ERROR_VERSION',
  [-3]: 'ERROR_FAIL',
  [-4]: 'ERROR_NI',
  [-5]: 'ERROR_NOMEM',
  [-6]: 'ERROR_INVAL',
  [-7]: 'ERROR_BADFAIL',
  [-8]: 'ERROR_GUEST_TIMEDOUT',
  [-9]: 'ERROR_TIMEDOUT',
  [-10]: 'ERROR_NOPARAVIRT',
  [-11]: 'ERROR_NOT_READY',
  [-12]: 'ERROR_OSEVENT_REG_FAIL',
  [-13]: 'ERROR_BUFFERFULL',
  [-14]: 'ERROR_UNKNOWN_CHILD',
  [-15]: 'ERROR_LOCK_FAIL',
  [-16]: 'ERROR_JSON_CONFIG_EMPTY',
  [-17]: 'ERROR_DEVICE_EXISTS',
  [-18]: 'ERROR_CHECKPOINT_DEVOPS_DOES_NOT_MATCH',
  [-19]: 'ERROR_CHECKPOINT_DEVICE_NOT_SUPPORTED',
  [-20]: 'ERROR_VNUMA_CONFIG_INVALID',
  [-21]: 'ERROR_DOMAIN_NOTFOUND',
  [-22]: 'ERROR_ABORTED',
  [-23]: 'ERROR_NOTFOUND',
  [-24]: 'ERROR_DOMAIN_DESTROYED',
  [-25]: 'ERROR_FEATURE_REMOVED',
  [-26]: 'ERROR_PROTOCOL_ERROR_QMP',
  [-27]: 'ERROR_UNKNOWN_QMP_ERROR',
  [-28]: 'ERROR_QMP_GENERIC_ERROR',
  [-29]: 'ERROR_QMP_COMMAND_NOT_FOUND',
  [-30]: 'ERROR_QMP_DEVICE_NOT_ACTIVE',
  [-31]: 'ERROR_QMP_DEVICE_NOT_FOUND',
  [-32]: 'ERROR_QEMU_API',
};

/** libxl's ERROR_DOMAIN_NOTFOUND. */
export const ERROR_DOMAIN_NOTFOUND = -21;

/** The name of a libxl error number, or `ERROR_UNKNOWN(<n>)`. */
export function libxlErrorName(n: number): string {
  return LIBXL_ERROR_NAMES[n] ?? `ERROR_UNKNOWN(${n})`;
}

/**
 * Turns what the addon rejected or threw with into a HypervisorError:
 * - a HypervisorError or a TypeError (bad arguments: a programming error) passes through;
 * - `libxlError` -21 (ERROR_DOMAIN_NOTFOUND) → DOMAIN_NOT_FOUND;
 * - any other `libxlError` → LIBXL_ERROR with `details.libxlError`, `details.libxlErrorName`, `details.call`;
 * - anything else (xenstore errno, closed context) → XEN_UNAVAILABLE with `details.call`/`errno`.
 * `context` is added to the message and details (e.g. `{ domid: 3 }`).
 */
export function mapNativeError(err: unknown, context: Record<string, unknown> = {}): Error {
  if (err instanceof HypervisorError || err instanceof TypeError) return err;
  const e = (err ?? {}) as Error & NativeErrorFields;
  const message = e.message ?? String(err);
  const where = Object.entries(context)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  const suffix = where ? ` (${where})` : '';
  if (typeof e.libxlError === 'number') {
    const details = {
      ...context,
      call: e.call,
      libxlError: e.libxlError,
      libxlErrorName: libxlErrorName(e.libxlError),
    };
    if (e.libxlError === ERROR_DOMAIN_NOTFOUND) {
      return new HypervisorError(
        'DOMAIN_NOT_FOUND',
        `no such domain${suffix}: ${message}`,
        details,
      );
    }
    return new HypervisorError('LIBXL_ERROR', `${message}${suffix}`, details);
  }
  return new HypervisorError('XEN_UNAVAILABLE', `${message}${suffix}`, {
    ...context,
    call: e.call,
    errno: e.errno,
  });
}
