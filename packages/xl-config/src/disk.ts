/**
 * Disk specifications (`disk = [ '...' ]`) per xl-disk-configuration(5), read
 * exactly as libxlutil's `xlu_disk_parse` reads them (`libxlu_disk_l.l`,
 * `libxlu_disk.c`, Xen 4.17): a flex scanner with longest-match rules over the
 * spec, positional parameters (`target, format, vdev, access`), `key=value`
 * parameters, `target=` swallowing the rest of the spec, deprecated prefixes
 * (`phy:`, `file:`, `tap:`, `aio:`, `raw:`, `qcow2:`, `iscsi:` ...) and
 * `vdev:cdrom` / `devtype=cdrom`.
 */
import type { XlDiagnostic } from './diagnostics.js';

/** Image formats (`libxl_disk_format`, minus UNKNOWN which `xlu_disk_parse` turns into raw). */
export type DiskFormat = 'raw' | 'qcow' | 'qcow2' | 'vhd' | 'empty' | 'qed';
/** Backend types (`libxl_disk_backend`); absent means libxl chooses when the disk is added. */
export type DiskBackendType = 'phy' | 'tap' | 'qdisk' | 'standalone';

/**
 * One disk as `xlu_disk_parse` leaves `libxl_device_disk`, after its defaults:
 * format unknown → `raw`; a cdrom is removable and read-only, and `empty` when it has no target.
 */
export interface DiskSpec {
  /** `target=` or the first positional parameter (`pdev_path`): a path, or whatever the hotplug script understands. Undefined for an empty CD-ROM drive. */
  target?: string;
  /** Guest device name (`vdev`), e.g. `xvda`, `hdc`, `sda`. Required. */
  vdev: string;
  /** Image format (`format=` or positional); default `raw`. */
  format: DiskFormat;
  /** `access=` (`readwrite`): `rw` (default) or `ro`; always `ro` for a CD-ROM. */
  access: 'rw' | 'ro';
  /** `devtype=` / `cdrom` / `vdev:cdrom` (`is_cdrom`). */
  devtype: 'disk' | 'cdrom';
  /** `removable`: true exactly for CD-ROMs. */
  removable: boolean;
  /** `backend=`: the backend domain's name (`backend_domname`). */
  backend?: string;
  /** `backendtype=` (`backend`). */
  backendtype?: DiskBackendType;
  /** `specification=`: `xen` or `virtio`. */
  specification?: 'xen' | 'virtio';
  /** `script=`, or `block-<proto>` from a deprecated `iscsi:`/`nbd:`/`enbd:`/`drbd:` prefix. */
  script?: string;
  /** `direct-io-safe` (`direct_io_safe`). */
  directIoSafe: boolean;
  /** `discard` / `no-discard` (`discard_enable`); undefined = libxl default. */
  discard?: boolean;
  /** `colo` / `no-colo` (`colo_enable`). */
  colo?: boolean;
  /** `colo-host=`. */
  coloHost?: string;
  /** `colo-port=` (TCP port). */
  coloPort?: number;
  /** `colo-export=`. */
  coloExport?: string;
  /** `active-disk=`. */
  activeDisk?: string;
  /** `hidden-disk=`. */
  hiddenDisk?: string;
}

/** Result of {@link parseDiskSpec}: `disk` is present exactly when `errors` is empty. */
export interface DiskSpecResult {
  disk?: DiskSpec;
  errors: XlDiagnostic[];
}

interface Ctx {
  target?: string;
  vdev?: string;
  format?: DiskFormat;
  readwrite: boolean;
  isCdrom: boolean;
  backend?: string;
  backendtype?: DiskBackendType;
  specification?: 'xen' | 'virtio';
  script?: string;
  directIoSafe: boolean;
  discard?: boolean;
  colo?: boolean;
  coloHost?: string;
  coloPort?: number;
  coloExport?: string;
  activeDisk?: string;
  hiddenDisk?: string;
  hadDeprPrefix: boolean;
  accessSet: boolean;
  errors: string[];
}

type StrField =
  | 'target'
  | 'vdev'
  | 'backend'
  | 'script'
  | 'coloHost'
  | 'coloExport'
  | 'activeDisk'
  | 'hiddenDisk';

const isWs = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n';
const lineEnd = (s: string, p: number) => {
  const i = s.indexOf('\n', p);
  return i === -1 ? s.length : i;
};

/** A scanner rule: returns [length counted for longest match, length of the matched text] or null. */
type Rule = {
  match: (s: string, p: number) => [number, number] | null;
  act: (c: Ctx, text: string) => boolean | undefined;
};

/** `name=[^,]*,?` */
function kv(name: string, act: (c: Ctx, value: string) => void): Rule {
  const prefix = `${name}=`;
  return {
    match: (s, p) => {
      if (!s.startsWith(prefix, p)) return null;
      let e = p + prefix.length;
      while (e < s.length && s[e] !== ',') e++;
      if (s[e] === ',') e++;
      return [e - p, e - p];
    },
    act: (c, t) => {
      act(c, valueAfterEquals(strip(t)));
      return undefined;
    },
  };
}
/** `word,?` */
function flag(word: string, act: (c: Ctx) => void): Rule {
  return {
    match: (s, p) => {
      if (!s.startsWith(word, p)) return null;
      const l = word.length + (s[p + word.length] === ',' ? 1 : 0);
      return [l, l];
    },
    act: (c) => {
      act(c);
      return undefined;
    },
  };
}
/** `(alternatives):/.*` — counts as matching the whole rest of the line. */
function prefix(alts: string[], act: (c: Ctx, word: string) => boolean | undefined): Rule {
  return {
    match: (s, p) => {
      let best = -1;
      for (const a of alts) if (s.startsWith(`${a}:`, p)) best = Math.max(best, a.length + 1);
      if (best < 0) return null;
      return [lineEnd(s, p + best) - p, best];
    },
    act: (c, t) => act(c, t.slice(0, -1)),
  };
}

const strip = (t: string) => (t.endsWith(',') ? t.slice(0, -1) : t);
const valueAfterEquals = (t: string) => t.slice(t.indexOf('=') + 1);

function err(c: Ctx, near: string | undefined, msg: string): void {
  c.errors.push(near === undefined ? msg : `${msg}: near \`${near}'`);
}
function saveString(c: Ctx, field: StrField, what: string, value: string): void {
  const cur = c[field];
  if (cur !== undefined && cur !== '') {
    err(c, value, `${what} respecified`);
    return;
  }
  c[field] = value;
}
function setEnum<K extends 'format' | 'backendtype' | 'specification'>(
  c: Ctx,
  k: K,
  v: NonNullable<Ctx[K]>,
  str: string,
): void {
  if (c[k] !== undefined && c[k] !== v)
    err(c, str, `${k === 'backendtype' ? 'backend' : k} respecified`);
  else c[k] = v;
}
function setFormat(c: Ctx, s: string): void {
  const f = s === '' ? 'raw' : FORMATS.find((x) => x === s);
  if (f) setEnum(c, 'format', f, s);
  else err(c, s, 'unknown value for format');
}
const FORMATS: readonly DiskFormat[] = ['raw', 'qcow', 'qcow2', 'vhd', 'empty', 'qed'];
function setAccess(c: Ctx, s: string): void {
  if (s === 'r' || s === 'ro') c.readwrite = false;
  else if (s === 'rw' || s === 'w' || s === '') c.readwrite = true;
  else err(c, s, 'unknown value for access');
}
function vdevAndDevtype(c: Ctx, s: string): boolean {
  const colon = s.lastIndexOf(':');
  if (colon === -1) return false;
  saveString(c, 'vdev', 'vdev', s.slice(0, colon));
  const type = s.slice(colon + 1);
  if (type === 'cdrom') c.isCdrom = true;
  else if (type === 'disk') c.isCdrom = false;
  else err(c, type, 'unknown deprecated type');
  return true;
}
/** C `atoi`. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1] as string, 10) | 0 : 0;
}

// Rules in the order of libxlu_disk_l.l (order breaks ties between equally long matches).
const RULES: Rule[] = [
  {
    // [ \t\n]+/([^ \t\n].*)?  — whitespace before a parameter
    match: (s, p) => {
      let e = p;
      while (isWs(s[e])) e++;
      if (e === p) return null;
      const trail = e < s.length ? lineEnd(s, e) - e : 0;
      return [e - p + trail, e - p];
    },
    act: () => undefined,
  },
  kv('format', (c, v) => setFormat(c, v)),
  flag('cdrom', (c) => {
    c.isCdrom = true;
  }),
  flag('devtype=cdrom', (c) => {
    c.isCdrom = true;
  }),
  flag('devtype=disk', (c) => {
    c.isCdrom = false;
  }),
  {
    ...kv('devtype', () => undefined),
    act: (c, t) => {
      err(c, t, 'unknown value for type');
      return undefined;
    },
  },
  kv('access', (c, v) => setAccess(c, v)),
  kv('backend', (c, v) => saveString(c, 'backend', 'backend', v)),
  kv('backendtype', (c, v) => {
    if (v === 'phy' || v === 'tap' || v === 'qdisk' || v === 'standalone')
      setEnum(c, 'backendtype', v, v);
    else err(c, v, 'unknown value for backendtype');
  }),
  kv('specification', (c, v) => {
    if (v === 'xen' || v === 'virtio') setEnum(c, 'specification', v, v);
    else err(c, v, 'unknown value for specification');
  }),
  kv('vdev', (c, v) => saveString(c, 'vdev', 'vdev', v)),
  kv('script', (c, v) => saveString(c, 'script', 'script', v)),
  flag('direct-io-safe', (c) => {
    c.directIoSafe = true;
  }),
  flag('discard', (c) => {
    c.discard = true;
  }),
  flag('no-discard', (c) => {
    c.discard = false;
  }),
  flag('colo', (c) => {
    c.colo = true;
  }),
  flag('no-colo', (c) => {
    c.colo = false;
  }),
  kv('colo-host', (c, v) => saveString(c, 'coloHost', 'colo-host', v)),
  kv('colo-port', (c, v) => {
    const port = atoi(v);
    if (port) c.coloPort = port;
    else err(c, v, 'unknown value for colo_port');
  }),
  kv('colo-export', (c, v) => saveString(c, 'coloExport', 'colo-export', v)),
  kv('active-disk', (c, v) => saveString(c, 'activeDisk', 'active-disk', v)),
  kv('hidden-disk', (c, v) => saveString(c, 'hiddenDisk', 'hidden-disk', v)),
  // libxlu_disk_l.l also has `trusted,?` / `untrusted,?`, but the scanner Xen 4.17 ships
  // (the pre-generated libxlu_disk_l.c) was never regenerated with them: xl 4.17 reads
  // `trusted` as a positional parameter. xl is right, so they are not rules here.
  {
    // target=.*  — the magic parameter: eats the rest of the spec
    match: (s, p) => {
      if (!s.startsWith('target=', p)) return null;
      const l = lineEnd(s, p) - p;
      return [l, l];
    },
    act: (c, t) => {
      saveString(c, 'target', 'target', valueAfterEquals(strip(t)));
      return undefined;
    },
  },
  {
    // [a-z][-a-z0-9]*=[^,],?  — unknown key=value parameter
    match: (s, p) => {
      if (!/[a-z]/.test(s[p] ?? '')) return null;
      let e = p + 1;
      while (e < s.length && /[-a-z0-9]/.test(s[e] as string)) e++;
      if (s[e] !== '=' || e + 1 >= s.length || s[e + 1] === ',') return null;
      e += 2;
      if (s[e] === ',') e++;
      return [e - p, e - p];
    },
    act: (c, t) => {
      err(c, t, 'unknown parameter');
      return undefined;
    },
  },
  prefix(['raw', 'qcow', 'qcow2', 'vhd'], (c, w) => {
    c.hadDeprPrefix = true;
    setFormat(c, w);
    return undefined;
  }),
  prefix(['iscsi', 'nbd', 'enbd', 'drbd'], (c, w) => {
    c.hadDeprPrefix = true;
    saveString(c, 'script', 'script', `block-${w}`);
    return undefined;
  }),
  ...['tapdisk', 'tap', 'tap2', 'aio', 'ioemu', 'file', 'phy'].map((w) =>
    prefix([w], (c) => {
      c.hadDeprPrefix = true;
      return undefined;
    }),
  ),
  {
    // [a-z][a-z0-9]*:/([^a-z0-9].*)?  — unknown deprecated prefix
    match: (s, p) => {
      if (!/[a-z]/.test(s[p] ?? '')) return null;
      let e = p + 1;
      while (e < s.length && /[a-z0-9]/.test(s[e] as string)) e++;
      if (s[e] !== ':') return null;
      e++;
      const nx = s[e];
      const trail = nx !== undefined && nx !== '\n' && !/[a-z0-9]/.test(nx) ? lineEnd(s, e) - e : 0;
      return [e - p + trail, e - p];
    },
    act: (c, t) => {
      err(c, t, 'unknown deprecated disk prefix');
      return true;
    },
  },
  {
    // [^=,]*,|[^=,]+,?  — positional parameters
    match: (s, p) => {
      let e = p;
      while (e < s.length && s[e] !== '=' && s[e] !== ',') e++;
      if (s[e] === ',') return [e + 1 - p, e + 1 - p];
      return e > p ? [e - p, e - p] : null;
    },
    act: (c, t0) => {
      const t = strip(t0);
      if (c.errors.length > 0) return undefined;
      if (c.target === undefined) saveString(c, 'target', 'target', t);
      else if (!c.hadDeprPrefix && c.format === undefined) {
        if (c.target === '' && vdevAndDevtype(c, t)) c.format = 'empty';
        else setFormat(c, t);
      } else if (c.vdev === undefined) {
        if (!vdevAndDevtype(c, t)) saveString(c, 'vdev', 'vdev', t);
      } else if (!c.accessSet) {
        c.accessSet = true;
        setAccess(c, t);
      } else {
        err(c, t, 'too many positional parameters');
        return true;
      }
      return undefined;
    },
  },
];

function scan(c: Ctx, s: string): void {
  let p = 0;
  while (p < s.length) {
    let best: Rule | undefined;
    let bestTotal = 0;
    let bestText = 0;
    for (const r of RULES) {
      const m = r.match(s, p);
      if (m && m[0] > bestTotal) {
        best = r;
        bestTotal = m[0];
        bestText = m[1];
      }
    }
    if (!best) {
      // `.` then <LEXERR>.*; when the bad character is the last one, nothing is left for
      // <LEXERR>.* to match, flex reaches end of input and the error is never reported.
      if (p === s.length - 1) return;
      err(c, s.slice(p, lineEnd(s, p)), 'bad disk syntax');
      return;
    }
    if (best.act(c, s.slice(p, p + bestText))) return;
    p += bestText;
  }
}

/**
 * Parses one disk specification (or several strings that together describe
 * one disk, as `xlu_disk_parse` allows). Never throws; problems come back as
 * `INVALID_DISK_SPEC` diagnostics with the libxlutil message (line/column refer
 * to the spec string: line 1, column 1).
 */
export function parseDiskSpec(spec: string | readonly string[]): DiskSpecResult {
  const c: Ctx = {
    readwrite: true,
    isCdrom: false,
    directIoSafe: false,
    hadDeprPrefix: false,
    accessSet: false,
    errors: [],
  };
  const specs = typeof spec === 'string' ? [spec] : spec;
  const shown = specs.join("' `");
  const fail = (): DiskSpecResult => ({
    errors: c.errors.map((m) => ({
      code: 'INVALID_DISK_SPEC',
      message: `disk specification \`${shown}': ${m}`,
      line: 1,
      column: 1,
    })),
  });
  for (const s of specs) {
    // like xlu_disk_parse, one context (prefix seen, access set...) spans all the strings
    scan(c, s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s);
    if (c.errors.length > 0) return fail();
  }
  let format: DiskFormat = c.format ?? 'raw';
  let readwrite = c.readwrite;
  let removable = false;
  if (c.isCdrom) {
    removable = true;
    readwrite = false;
    if (c.target === undefined || c.target === '') format = 'empty';
  }
  if (c.vdev === undefined) {
    err(c, undefined, 'no vdev specified');
    return fail();
  }
  if (c.target === undefined && !removable) {
    err(c, undefined, 'no target specified (and device not removable)');
    return fail();
  }
  const disk: DiskSpec = {
    vdev: c.vdev,
    format,
    access: readwrite ? 'rw' : 'ro',
    devtype: c.isCdrom ? 'cdrom' : 'disk',
    removable,
    directIoSafe: c.directIoSafe,
  };
  const opt = [
    'target',
    'backend',
    'backendtype',
    'specification',
    'script',
    'discard',
    'colo',
    'coloHost',
    'coloPort',
    'coloExport',
    'activeDisk',
    'hiddenDisk',
  ] as const;
  for (const k of opt)
    if (c[k] !== undefined) (disk as unknown as Record<string, unknown>)[k] = c[k];
  return { disk, errors: [] };
}

/**
 * Writes a disk in the canonical `key=value` form, target last (it swallows
 * the rest of the spec, so it may contain commas):
 * `format=raw, vdev=xvda, access=rw, target=/dev/vg0/guest`.
 * @throws TypeError when a field other than `target` contains a comma or a
 * newline (libxlutil could not read it back), or `vdev` is empty.
 */
export function formatDiskSpec(disk: DiskSpec): string {
  const parts: string[] = [];
  const put = (k: string, v: string | undefined) => {
    if (v === undefined) return;
    if (/[,\n]/.test(v))
      throw new TypeError(`disk ${k} ${JSON.stringify(v)} cannot contain ',' or a newline`);
    parts.push(`${k}=${v}`);
  };
  if (!disk.vdev) throw new TypeError('disk vdev is required');
  put('format', disk.format);
  put('vdev', disk.vdev);
  put('access', disk.access);
  if (disk.devtype === 'cdrom') parts.push('devtype=cdrom');
  put('backendtype', disk.backendtype);
  put('backend', disk.backend);
  put('specification', disk.specification);
  put('script', disk.script);
  if (disk.directIoSafe) parts.push('direct-io-safe');
  if (disk.discard !== undefined) parts.push(disk.discard ? 'discard' : 'no-discard');
  if (disk.colo !== undefined) parts.push(disk.colo ? 'colo' : 'no-colo');
  put('colo-host', disk.coloHost);
  put('colo-port', disk.coloPort === undefined ? undefined : String(disk.coloPort));
  put('colo-export', disk.coloExport);
  put('active-disk', disk.activeDisk);
  put('hidden-disk', disk.hiddenDisk);
  if (disk.target !== undefined) {
    if (disk.target.includes('\n')) throw new TypeError('disk target cannot contain a newline');
    // `target=.*` strips one trailing comma: double a final comma so it survives
    parts.push(`target=${disk.target}${disk.target.endsWith(',') ? ',' : ''}`);
  }
  return parts.join(', ');
}
