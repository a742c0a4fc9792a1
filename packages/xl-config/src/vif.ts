/**
 * Network interface specifications (`vif = [ '...' ]`) per
 * xl-network-configuration(5), read as xl's `parse_nic_config`
 * (`tools/xl/xl_parse.c`, Xen 4.17) reads them: the spec is split on `,`
 * (empty pieces skipped, like `strtok`), leading spaces of each piece dropped,
 * each piece matched as `key=value` by prefix; an unknown piece makes xl print
 * "unrecognized argument" and go on. `rate=` is read as `xlu_vif_parse_rate` does.
 */
import type { XlDiagnostic } from './diagnostics.js';

/** One vif. Unset fields mean "xl/libxl default" (random MAC, bridge `xenbr0`, script `vif-bridge`...). */
export interface VifSpec {
  /** `mac=`: six hex octets `00:16:3e:xx:xx:xx`, lower-cased. */
  mac?: string;
  /** `bridge=`: dom0 bridge to attach the backend vif to. */
  bridge?: string;
  /** `ip=`: space-separated IP address(es) the guest may use (anti-spoofing with vif-bridge/iptables). */
  ip?: string;
  /** `rate=`: bandwidth cap as written, e.g. `10Mb/s@50ms`; see {@link parseVifRate}. */
  rate?: string;
  /** `vifname=`: backend interface name in dom0 (`ifname`). */
  vifname?: string;
  /** `model=`: emulated NIC model for HVM (`e1000`, `rtl8139`...). */
  model?: string;
  /** `type=`: `vif` (PV only) or `ioemu` (PV and emulated). */
  type?: 'vif' | 'ioemu';
  /** `script=`: hotplug script (default `vif-bridge`). */
  script?: string;
  /** `backend=`: backend domain name (`backend_domname`). */
  backend?: string;
  /** `gatewaydev=` (or deprecated `netdev=`). */
  gatewaydev?: string;
  /** `devid=`: device index. */
  devid?: number;
  /** `mtu=`: MTU in bytes. */
  mtu?: number;
  /** `trusted` / `untrusted`. */
  trusted?: boolean;
  /** Other recognised `key=value` settings (COLO `forwarddev=`, `colo_*=`, `accel=`), verbatim. */
  other?: Record<string, string>;
}

/** Result of {@link parseVifSpec}. xl never rejects a vif for these problems; it warns and ignores the piece. */
export interface VifSpecResult {
  vif: VifSpec;
  warnings: XlDiagnostic[];
}

const STRING_KEYS = {
  bridge: 'bridge',
  gatewaydev: 'gatewaydev',
  netdev: 'gatewaydev',
  ip: 'ip',
  script: 'script',
  backend: 'backend',
  vifname: 'vifname',
  model: 'model',
} as const;

const COLO_KEYS = new Set([
  'forwarddev',
  'accel',
  'colo_checkpoint_host',
  'colo_checkpoint_port',
  'colo_compare_pri_in',
  'colo_compare_sec_in',
  'colo_compare_out',
  'colo_compare_notify_dev',
  ...[
    'mirror',
    'compare_sec_in',
    'redirector0',
    'redirector1',
    'redirector2',
    'compare_pri_in',
    'compare_notify',
    'sec_redirector0',
    'sec_redirector1',
  ].flatMap((x) => ['id', 'ip', 'port'].map((y) => `colo_sock_${x}_${y}`)),
  'colo_filter_mirror_queue',
  'colo_filter_mirror_outdev',
  ...['redirector0', 'redirector1', 'sec_redirector0', 'sec_redirector1'].flatMap((x) =>
    ['queue', 'indev', 'outdev'].map((y) => `colo_filter_${x}_${y}`),
  ),
  'colo_filter_sec_rewriter0_queue',
]);

/**
 * Parses a vif spec such as `mac=00:16:3e:01:02:03, bridge=xenbr0, rate=10Mb/s`.
 * Never throws. Pieces xl would refuse (unknown keys, a bad `mac=`/`type=`,
 * a `rate=` xlu_vif_parse_rate rejects) become `INVALID_VIF_SPEC` warnings and are left out.
 */
export function parseVifSpec(spec: string): VifSpecResult {
  const vif: VifSpec = {};
  const warnings: XlDiagnostic[] = [];
  const warn = (piece: string, why: string) =>
    warnings.push({
      code: 'INVALID_VIF_SPEC',
      message: `vif \`${spec}': ${why} in \`${piece}'`,
      line: 1,
      column: 1,
    });
  for (const raw of spec.split(',')) {
    if (raw === '') continue;
    const piece = raw.replace(/^ +/, '');
    const eq = piece.indexOf('=');
    const key = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    if (eq === -1) {
      if (piece === 'trusted') vif.trusted = true;
      else if (piece === 'untrusted') vif.trusted = false;
      else warn(piece, 'unrecognized argument');
      continue;
    }
    if (key === 'type') {
      if (value === 'vif' || value === 'ioemu') vif.type = value;
      else warn(piece, "invalid parameter `type' (vif or ioemu)");
    } else if (key === 'mac') {
      const m = parseMac(value);
      if (m) vif.mac = m;
      else warn(piece, "invalid parameter `mac' (six hex octets separated by ':')");
    } else if (key in STRING_KEYS) {
      vif[STRING_KEYS[key as keyof typeof STRING_KEYS]] = value;
    } else if (key === 'rate') {
      const r = parseVifRate(value);
      if ('error' in r) warn(piece, r.error);
      else vif.rate = value;
    } else if (key === 'devid' || key === 'mtu') {
      if (/^\d+$/.test(value)) vif[key] = Number(value);
      else warn(piece, `${key} must be a non-negative integer`);
    } else if (COLO_KEYS.has(key)) {
      vif.other = { ...vif.other, [key]: value };
    } else warn(piece, 'unrecognized argument');
  }
  return { vif, warnings };
}

/** Six `strtoul(..., 16)` octets ≤ 255 separated by one character, as xl reads `mac=`; normalised to `xx:xx:...`. */
function parseMac(s: string): string | undefined {
  const parts = s.split(':');
  if (parts.length !== 6) return undefined;
  const out: string[] = [];
  for (const p of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    out.push(p.toLowerCase().padStart(2, '0'));
  }
  return out.join(':');
}

/**
 * Writes a vif in the conventional order `mac=, bridge=, ip=, ...`.
 * @throws TypeError when a value contains `,` (xl splits the spec on commas).
 */
export function formatVifSpec(vif: VifSpec): string {
  const parts: string[] = [];
  const put = (k: string, v: string | number | undefined) => {
    if (v === undefined) return;
    const t = String(v);
    if (t.includes(',')) throw new TypeError(`vif ${k} ${JSON.stringify(t)} cannot contain ','`);
    parts.push(`${k}=${t}`);
  };
  put('mac', vif.mac);
  put('bridge', vif.bridge);
  put('ip', vif.ip);
  put('rate', vif.rate);
  put('vifname', vif.vifname);
  put('model', vif.model);
  put('type', vif.type);
  put('script', vif.script);
  put('backend', vif.backend);
  put('gatewaydev', vif.gatewaydev);
  put('devid', vif.devid);
  put('mtu', vif.mtu);
  for (const [k, v] of Object.entries(vif.other ?? {})) put(k, v);
  if (vif.trusted !== undefined) parts.push(vif.trusted ? 'trusted' : 'untrusted');
  return parts.join(', ');
}

/**
 * A vif as the separate arguments `xl network-attach DOMAIN PIECE...` takes (xl parses each
 * argument as one `key=value`; a comma inside one would become part of its value): the pieces of
 * {@link formatVifSpec}, in its order. @throws TypeError as formatVifSpec.
 */
export function vifSpecPieces(vif: VifSpec): string[] {
  const spec = formatVifSpec(vif);
  return spec === '' ? [] : spec.split(', ');
}

/** A parsed `rate=`: `bytesPerInterval` bytes may be sent every `intervalUsecs` µs (libxl_device_nic fields). */
export interface VifRate {
  /** Bytes per second, after unit scaling (`b` bits are divided by 8). */
  bytesPerSecond: bigint;
  /** `rate_interval_usecs`: replenishment interval in µs; default 50 000 (50 ms). */
  intervalUsecs: number;
  /** `rate_bytes_per_interval` = bytesPerSecond × intervalUsecs / 10⁶ (integer division). */
  bytesPerInterval: bigint;
}

const UINT32_MAX = 0xffffffffn;

/**
 * Reads a vif `rate=` value as libxlutil's `xlu_vif_parse_rate` does:
 * `<N>[GMK]?[Bb]/s` (B bytes, b bits; G/M/K are powers of 1000), optionally
 * `@<N>[mu]?s?` for the replenishment interval (seconds when no unit).
 * N is 1..2³²−1 (C `strtoull(...,0)`: leading 0 means octal).
 */
export function parseVifRate(rate: string): VifRate | { error: string } {
  const at = rate.indexOf('@');
  const bw = at === -1 ? rate : rate.slice(0, at);
  const iv = at === -1 ? undefined : rate.slice(at + 1);
  if (bw === '') return { error: 'no rate specified' };
  if (!/^[0-9]+[GMK]?[Bb]\/s$/.test(bw)) return { error: 'invalid rate' };
  const [n, rest] = cNumberPrefix(bw);
  if (n === 0n || n > UINT32_MAX) return { error: 'rate overflow' };
  let bytes = n;
  if (rest[0] === 'G') bytes *= 1000000000n;
  else if (rest[0] === 'M') bytes *= 1000000n;
  else if (rest[0] === 'K') bytes *= 1000n;
  if (rest[0] === 'b' || rest[1] === 'b') bytes /= 8n;
  let usecs = 50000n;
  if (iv !== undefined) {
    if (!/^[0-9]+[mu]?s?$/.test(iv)) return { error: 'invalid replenishment interval' };
    const [m, r] = cNumberPrefix(iv);
    if (m === 0n || m > UINT32_MAX) return { error: 'replenishment interval overflow' };
    usecs = m;
    if (r[0] === 's' || r === '') usecs *= 1000000n;
    else if (r[0] === 'm') usecs *= 1000n;
    if (usecs > UINT32_MAX) return { error: 'replenishment interval overflow' };
  }
  const U64 = (1n << 64n) - 1n;
  if (usecs !== 0n && bytes > U64 / usecs) return { error: 'rate overflow' };
  return {
    bytesPerSecond: bytes,
    intervalUsecs: Number(usecs),
    bytesPerInterval: ((bytes * usecs) / 1000000n) & U64,
  };
}

/** `strtoull(s, &end, 0)` on a string known to start with digits: value and the rest. */
function cNumberPrefix(s: string): [bigint, string] {
  const m = /^[0-9]+/.exec(s)?.[0] ?? '';
  if (m.length > 1 && m[0] === '0') {
    const oct = /^[0-7]+/.exec(m)?.[0] ?? '0';
    return [BigInt(`0o${oct}`), s.slice(oct.length)];
  }
  return [BigInt(m), s.slice(m.length)];
}
