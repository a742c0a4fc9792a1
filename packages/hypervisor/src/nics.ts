/**
 * Network interfaces (vifs) for both backends: the argument checks of `nicAttach` / `nicDetach`
 * (so both refuse the same things with the same codes), the vif spec read with
 * `@xendeck/xl-config`'s grammar and split into the arguments `xl network-attach` takes, and the
 * conversion of the addon's raw nic to the contract's {@link DomainNic}. Owns no state.
 */
import { parseVifRate, parseVifSpec, type VifSpec } from '@xendeck/xl-config';
import { HypervisorError } from './errors.js';
import type { RawNic } from './native-types.js';
import type { DomainNic, DomainType } from './types.js';

/** Highest vif device id accepted (xenstore `device/vif/<devid>`; libxl_devid is an int). */
export const NIC_DEVID_MAX = 65535;

/** Throws INVALID_ARGUMENT unless `devid` is an integer 0..{@link NIC_DEVID_MAX}. */
export function checkNicDevid(devid: unknown): asserts devid is number {
  if (typeof devid !== 'number' || !Number.isInteger(devid) || devid < 0 || devid > NIC_DEVID_MAX) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `vif device id must be an integer 0..${NIC_DEVID_MAX}, got ${JSON.stringify(devid)}`,
      { devid },
    );
  }
}

/** dom0's vifs are not Xendeck's to change: INVALID_STATE for domid 0. */
export function checkNicDomain(domid: number, op: 'nicAttach' | 'nicDetach'): void {
  if (domid === 0) {
    throw new HypervisorError('INVALID_STATE', `${op} is not allowed on dom0 (Domain-0)`, {
      domid,
      op,
    });
  }
}

/** Whether `s` has a C0 control character or DEL (never part of a vif spec). */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** A vif spec read for `nicAttach`: the parsed settings and the pieces as `xl` takes them. */
export interface NicSpec {
  vif: VifSpec;
  /** One `key=value` (or `trusted`) per element: `xl network-attach DOMAIN PIECE...`. */
  args: string[];
}

/**
 * Reads a vif spec (`bridge=xenbr0, mac=00:16:3e:01:02:03`) with xl-config's vif grammar (xl's
 * parse_nic_config: split on `,`, leading spaces dropped, empty pieces skipped). `xl
 * network-attach` takes each `key=value` as its own argument (a comma inside one would become
 * part of the value), hence `args`. Throws INVALID_ARGUMENT for a non-string, an empty spec, a
 * control character, or any piece the grammar warns about (an unknown key, a bad `mac=`, a `rate=`
 * xlu_vif_parse_rate refuses): xl would ignore such a piece, Xendeck refuses it.
 */
export function readNicSpec(spec: unknown): NicSpec {
  if (typeof spec !== 'string' || spec.length > 1024 || hasControlCharacter(spec)) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      'vif spec must be a string of at most 1024 printable characters',
      { spec },
    );
  }
  const args = spec
    .split(',')
    .map((p) => p.replace(/^ +/, ''))
    .filter((p) => p !== '');
  if (args.length === 0) {
    throw new HypervisorError('INVALID_ARGUMENT', 'vif spec is empty (e.g. "bridge=xenbr0")', {
      spec,
    });
  }
  const { vif, warnings } = parseVifSpec(spec);
  const first = warnings[0];
  if (first) {
    throw new HypervisorError('INVALID_ARGUMENT', first.message, {
      spec,
      warnings: warnings.map((w) => w.message),
    });
  }
  return { vif, args };
}

/**
 * Bytes per second from a backend's xenstore `rate` ("<bytes per interval>,<interval µs>", as
 * libxl__set_xenstore_nic writes rate_bytes_per_interval and rate_interval_usecs); null when
 * absent or unreadable.
 */
export function rateFromBackend(rate: string | null): number | null {
  const m = rate === null ? null : /^(\d+),(\d+)$/.exec(rate.trim());
  if (!m) return null;
  const usecs = Number(m[2]);
  if (usecs === 0) return null;
  return Math.round((Number(m[1]) * 1_000_000) / usecs);
}

/** Bytes per second of a `rate=` value (xl-config's parseVifRate), null when unset or invalid. */
export function rateFromSpec(rate: string | undefined): number | null {
  if (rate === undefined) return null;
  const r = parseVifRate(rate);
  return 'error' in r ? null : Number(r.bytesPerSecond);
}

/** The default dom0 name of vif `devid` of `domid` (libxl's NETBACK_NIC_NAME "vif%u.%d"). */
export function defaultVifName(domid: number, devid: number): string {
  return `vif${domid}.${devid}`;
}

/**
 * The addon's raw nic as the contract's {@link DomainNic}: vifName is the configured `vifname=`
 * (stored config, or the backend's xenstore `vifname`), else `vif<domid>.<devid>`; type from
 * libxl's nictype (`vif_ioemu` → `ioemu`: an HVM guest's vif with an emulated twin
 * `<vifName>-emu`).
 */
export function toDomainNic(domid: number, raw: RawNic): DomainNic {
  return {
    devid: raw.devid,
    mac: raw.mac.toLowerCase(),
    bridge: raw.bridge,
    vifName: raw.ifname ?? raw.backendVifname ?? defaultVifName(domid, raw.devid),
    ip: raw.ip,
    model: raw.model,
    rateBytesPerSec: rateFromBackend(raw.backendRate),
    backendDomid: raw.backendDomid,
    type: raw.nictype === 'vif_ioemu' ? 'ioemu' : 'vif',
  };
}

/**
 * A vif as libxl would make it from `vif` for domain `domid` of `domainType` (the simulated
 * host's model of libxl__device_nic_setdefault): bridge `xenbr0`, type `ioemu` for HVM unless
 * `type=vif`, `vif` otherwise; `mac` must already be chosen.
 */
export function nicFromSpec(
  domid: number,
  domainType: DomainType,
  devid: number,
  mac: string,
  vif: VifSpec,
): DomainNic {
  const ioemu = domainType === 'hvm' && vif.type !== 'vif';
  return {
    devid,
    mac: mac.toLowerCase(),
    bridge: vif.bridge ?? 'xenbr0',
    vifName: vif.vifname ?? defaultVifName(domid, devid),
    ip: vif.ip ?? null,
    model: ioemu ? (vif.model ?? null) : null,
    rateBytesPerSec: rateFromSpec(vif.rate),
    backendDomid: 0,
    type: ioemu ? 'ioemu' : 'vif',
  };
}
