/**
 * Typed model of an xl domain config (xl.cfg(5)), read from an {@link XlDocument}
 * the way xl's `parse_config_data` (`tools/xl/xl_parse.c`, Xen 4.17) reads the
 * settings, and written back by {@link formatXlConfig}.
 */
import type { XlDiagnostic, XlSemanticCode } from './diagnostics.js';
import { type DiskSpec, formatDiskSpec, parseDiskSpec } from './disk.js';
import { parseXlConfig, type XlDocument } from './document.js';
import { formatValue, type XlValue, xlStrtol } from './values.js';
import { formatVifSpec, parseVifSpec, type VifSpec } from './vif.js';

/** What libxl does when the guest powers off, reboots, crashes... (`libxl_action_on_shutdown`). */
export type ShutdownAction =
  | 'destroy'
  | 'restart'
  | 'rename-restart'
  | 'preserve'
  | 'coredump-destroy'
  | 'coredump-restart'
  | 'soft-reset';
const SHUTDOWN_ACTIONS: readonly ShutdownAction[] = [
  'destroy',
  'restart',
  'rename-restart',
  'preserve',
  'coredump-destroy',
  'coredump-restart',
  'soft-reset',
];

/**
 * The settings of xl.cfg(5) that Xendeck understands, each named after its key
 * with units in the name. Every field is optional: absent means "not in the
 * file" (xl/libxl then apply their defaults). Settings outside this list are
 * kept verbatim in `other`.
 */
export interface DomainConfig {
  /** `name`: domain name. */
  name?: string;
  /** `type` (`pv`/`pvh`/`hvm`), or the deprecated `builder` (`generic` → pv, `hvm`). xl's default is `pv` on x86. */
  type?: 'pv' | 'pvh' | 'hvm';
  /** `uuid`. */
  uuid?: string;
  /** `memory`: initial memory (balloon target at boot), MiB. */
  memoryMiB?: number;
  /** `maxmem`: maximum memory, MiB (the guest starts ballooned down to memoryMiB). */
  maxmemMiB?: number;
  /** `vcpus`: vCPUs online at boot. */
  vcpus?: number;
  /** `maxvcpus`: maximum vCPUs (hot-pluggable up to this). */
  maxvcpus?: number;
  /** `cpus`: physical CPUs the vCPUs may run on — a string (`"0-3,^1"`, `"node:0"`, `"all"`) or a list (one entry per vCPU). */
  cpus?: string | string[];
  /** `cpu_weight`: credit scheduler weight (default 256). */
  cpuWeight?: number;
  /** `cap`: credit scheduler cap, percent of one physical CPU (0 = no cap). */
  capPercent?: number;
  /** `on_poweroff`. */
  onPoweroff?: ShutdownAction;
  /** `on_reboot`. */
  onReboot?: ShutdownAction;
  /** `on_watchdog`. */
  onWatchdog?: ShutdownAction;
  /** `on_crash`. */
  onCrash?: ShutdownAction;
  /** `kernel`: dom0 path of the kernel for direct boot. */
  kernel?: string;
  /** `ramdisk`: dom0 path of the initrd. */
  ramdisk?: string;
  /** `cmdline`: full kernel command line (takes precedence over root/extra). */
  cmdline?: string;
  /** `root`: appended as `root=...` to the command line (deprecated by cmdline). */
  root?: string;
  /** `extra`: appended to the command line (deprecated by cmdline). */
  extra?: string;
  /** `bootloader`: e.g. `pygrub`. */
  bootloader?: string;
  /** `bootloader_args`: a list, or a string xl splits on blanks. */
  bootloaderArgs?: string[];
  /** `firmware`: `bios`, `uefi`, `ovmf`, `seabios`, `pvgrub32|64`, or a path. */
  firmware?: string;
  /** `disk`: parsed disk specs (xl-disk-configuration(5)). */
  disk?: DiskSpec[];
  /** `vif`: parsed network interfaces (xl-network-configuration(5)). */
  vif?: VifSpec[];
  /** `vfb`: virtual framebuffer specs, verbatim (`vnc=1,vnclisten=...`). */
  vfb?: string[];
  /** `pci`: PCI passthrough specs, verbatim (`0000:03:00.0,permissive=1`). */
  pci?: string[];
  /** `boot`: HVM boot order, e.g. `cd` (c = disk, d = CD-ROM, n = network). */
  boot?: string;
  /** `vnc`: HVM VNC console enabled. */
  vnc?: boolean;
  /** `vnclisten`: address (and optionally `:display`) QEMU's VNC server listens on. */
  vnclisten?: string;
  /** `vncdisplay`: VNC display number (TCP port 5900 + n). */
  vncdisplay?: number;
  /** `vncunused`: pick the first unused display. */
  vncunused?: boolean;
  /** `vncpasswd`: VNC password (empty = none). */
  vncpasswd?: string;
  /** `keymap`: e.g. `en-us`, `de`. */
  keymap?: string;
  /** `serial`: emulated serial port(s), e.g. `pty` — a string or a list. */
  serial?: string[];
  /** `usb`: emulated USB controller (deprecated). */
  usb?: boolean;
  /** `usbdevice`: emulated USB devices, e.g. `tablet` — a string or a list. */
  usbdevice?: string[];
  /** `viridian`: Hyper-V enlightenments — on/off, or a list of groups (`base`, `freq`, `!time_ref_count`...). */
  viridian?: boolean | string[];
  /** `acpi`. */
  acpi?: boolean;
  /** `apic`. */
  apic?: boolean;
  /** `pae`. */
  pae?: boolean;
  /** `hap`: hardware-assisted paging (EPT/NPT). */
  hap?: boolean;
  /** `localtime`: RTC in local time rather than UTC. */
  localtime?: boolean;
  /** `stdvga`: deprecated boolean for `vga="stdvga"`. */
  stdvga?: boolean;
  /** `vga`: `stdvga`, `cirrus`, `qxl` or `none`. */
  vga?: string;
  /** `videoram`: emulated video RAM, MiB. */
  videoramMiB?: number;
  /** `device_model_version`: `qemu-xen` or `qemu-xen-traditional`. */
  deviceModelVersion?: string;
  /** `device_model_args`: extra arguments passed to QEMU. */
  deviceModelArgs?: string[];
  /** Every other setting, as xl stores it. */
  other?: Record<string, XlValue>;
}

/** Result of {@link toDomainConfig}. */
export interface DomainConfigResult {
  config: DomainConfig;
  /** Problems that make `xl create` fail: a syntax error, an invalid type or shutdown action, contradicting builder/type... */
  errors: XlDiagnostic[];
  /** Problems xl warns about or silently ignores: wrong value types, unknown keys, bad device pieces, overridden duplicates. */
  warnings: XlDiagnostic[];
}

/** Keys xl 4.17's parser reads (from `xl_parse.c`); anything else is ignored by xl, so flagged as unknown. */
export const KNOWN_XL_KEYS: ReadonlySet<string> = new Set(
  `acpi acpi_firmware acpi_laptop_slate acpi_s3 acpi_s4 altp2m altp2mhvm apic bios bios_path_override boot bootloader
  bootloader_args builder cap channel claim_mode cmdline cpu_weight cpuid cpus cpus_soft device_model device_model_args
  device_model_args_hvm device_model_args_pv device_model_override device_model_stubdomain_override
  device_model_stubdomain_seclabel device_model_user device_model_version device_tree disk display dm_restrict
  driver_domain dtdev e820_host extra extratime firmware firmware_override gfx_passthru gic_version hap hdtype hpet
  init_seclabel iomem ioports irqs kernel keymap latency localtime max_event_channels max_grant_frames
  max_grant_version max_maptrack_frames maxmem maxvcpus mca_caps memory mmio_hole ms_vm_genid msr_relaxed name
  nestedhvm nographic nomigrate nx on_crash on_poweroff on_reboot on_soft_reset on_watchdog oos opengl p9 pae
  passthrough pci pci_msitranslate pci_permissive pci_power_mgmt pci_seize period pool pvcalls pvshim pvshim_cmdline
  pvshim_extra pvshim_path ramdisk rdm rdm_mem_boundary root rtc_timeoffset sdl seclabel serial shadow_memory slice
  smbios_firmware soundhw spice spice_clipboard_sharing spice_image_compression spice_streaming_video
  spiceagent_mouse spicedisable_ticketing spicehost spicepasswd spiceport spicetls_port spiceusbredirection
  spicevdagent stdvga stubdomain_cmdline stubdomain_kernel stubdomain_memory stubdomain_ramdisk tee timer_mode
  tsc_mode type usb usbctrl usbdev usbdevice usbversion uuid vcpus vdispl vendor_device vfb vga videoram vif vif2
  viridian vkb vkb_device vmtrace_buf_kb vnc vncdisplay vnclisten vncpasswd vncunused vncviewer vnuma vpmu vpt_align
  vsnd vtpm vuart xauthority xen_platform_pci xend_suspend_evtchn_compat`.split(/\s+/),
);

/** Keys this model types; everything else goes to `other`. */
const MODELLED = new Set(
  'name type builder uuid memory maxmem vcpus maxvcpus cpus cpu_weight cap on_poweroff on_reboot on_watchdog on_crash kernel ramdisk cmdline root extra bootloader bootloader_args firmware disk vif vfb pci boot vnc vnclisten vncdisplay vncunused vncpasswd keymap serial usb usbdevice viridian acpi apic pae hap localtime stdvga vga videoram device_model_version device_model_args'.split(
    ' ',
  ),
);

/**
 * Reads the typed model from a parsed document. Never throws. The document's
 * syntax errors are included in `errors` (with them xl reads nothing).
 */
export function toDomainConfig(doc: XlDocument): DomainConfigResult {
  const config: DomainConfig = {};
  const errors: XlDiagnostic[] = [...doc.errors];
  const warnings: XlDiagnostic[] = [...doc.warnings];
  const diag = (list: XlDiagnostic[], code: XlSemanticCode, key: string, message: string) => {
    const s = doc.getSetting(key);
    const a = s?.statements.at(-1);
    list.push({
      code,
      message,
      line: s?.line ?? 1,
      column: 1,
      ...(a ? { offset: a.start } : {}),
      key,
    });
  };

  const str = (key: string): string | undefined => {
    const s = doc.getSetting(key);
    if (!s) return undefined;
    if (typeof s.value !== 'string') {
      diag(
        warnings,
        'WRONG_TYPE',
        key,
        `\`${key}' is a list but should be a single value; xl ignores it`,
      );
      return undefined;
    }
    return s.value;
  };
  const long = (key: string): number | undefined => {
    const s = doc.getSetting(key);
    if (!s) return undefined;
    if (typeof s.value !== 'string') {
      diag(
        warnings,
        'WRONG_TYPE',
        key,
        `\`${key}' is a list but should be a number; xl ignores it`,
      );
      return undefined;
    }
    if (s.op === '+=') {
      diag(
        warnings,
        'ADD_TO_NUMBER',
        key,
        `can't use += with numbers for \`${key}'; xl ignores it`,
      );
      return undefined;
    }
    const r = xlStrtol(s.value);
    if (r.rc !== 0) {
      diag(
        warnings,
        'INVALID_NUMBER',
        key,
        `\`${key}' = ${JSON.stringify(s.value)} ${r.reason}; xl ignores it`,
      );
      return undefined;
    }
    return Number(r.value);
  };
  const bool = (key: string): boolean | undefined => {
    const n = long(key);
    return n === undefined ? undefined : n !== 0;
  };
  /** A key xl reads as a list, or as a string it treats as a one-item list / splits. */
  const strList = (
    key: string,
    fromString: (s: string) => string[] = (s) => [s],
  ): string[] | undefined => {
    const s = doc.getSetting(key);
    if (!s) return undefined;
    if (typeof s.value === 'string') return fromString(s.value);
    const out: string[] = [];
    for (const v of s.value) {
      if (typeof v !== 'string') {
        diag(
          warnings,
          'WRONG_TYPE',
          key,
          `\`${key}' holds a nested list; xl reads only strings there`,
        );
        continue;
      }
      out.push(v);
    }
    return out;
  };
  const listOnly = (key: string): string[] | undefined => {
    const s = doc.getSetting(key);
    if (!s) return undefined;
    if (typeof s.value === 'string') {
      diag(
        warnings,
        'WRONG_TYPE',
        key,
        `\`${key}' is a single value but should be a list; xl ignores it`,
      );
      return undefined;
    }
    // xlu_cfg_get_listitem stops at the first non-string item
    const out: string[] = [];
    for (const v of s.value) {
      if (typeof v !== 'string') break;
      out.push(v);
    }
    return out;
  };
  const set = <K extends keyof DomainConfig>(k: K, v: DomainConfig[K] | undefined) => {
    if (v !== undefined) config[k] = v;
  };

  set('name', str('name'));
  // type: xl matches a prefix of "hvm", "pv", "pvh" in that order (strncmp with the value's length)
  const typeOf = (
    key: string,
    names: [string, 'pv' | 'pvh' | 'hvm'][],
  ): 'pv' | 'pvh' | 'hvm' | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const hit = names.find(([n]) => n.startsWith(v));
    if (!hit) {
      diag(
        errors,
        'INVALID_VALUE',
        key,
        `invalid domain type ${JSON.stringify(v)} for \`${key}' (xl exits)`,
      );
      return undefined;
    }
    return hit[1];
  };
  const type = typeOf('type', [
    ['hvm', 'hvm'],
    ['pv', 'pv'],
    ['pvh', 'pvh'],
  ]);
  const builder = typeOf('builder', [
    ['hvm', 'hvm'],
    ['generic', 'pv'],
  ]);
  if (builder !== undefined)
    diag(
      warnings,
      'DEPRECATED_KEY',
      'builder',
      "`builder' is deprecated since Xen 4.10; use `type'",
    );
  if (type && builder && type !== builder)
    diag(
      errors,
      'CONFLICTING_SETTINGS',
      'builder',
      `contradicting "builder" and "type" options (${builder} vs ${type}); xl exits`,
    );
  set('type', builder ?? type);
  set('uuid', str('uuid'));
  set('memoryMiB', long('memory'));
  set('maxmemMiB', long('maxmem'));
  set('vcpus', long('vcpus'));
  set('maxvcpus', long('maxvcpus'));
  {
    const s = doc.getSetting('cpus');
    if (s) set('cpus', typeof s.value === 'string' ? s.value : strList('cpus'));
  }
  set('cpuWeight', long('cpu_weight'));
  set('capPercent', long('cap'));
  for (const [key, field] of [
    ['on_poweroff', 'onPoweroff'],
    ['on_reboot', 'onReboot'],
    ['on_watchdog', 'onWatchdog'],
    ['on_crash', 'onCrash'],
  ] as const) {
    const v = str(key);
    if (v === undefined) continue;
    const a = SHUTDOWN_ACTIONS.find((x) => x === v);
    if (a) config[field] = a;
    else
      diag(
        errors,
        'INVALID_VALUE',
        key,
        `unknown ${key} action ${JSON.stringify(v)} (one of ${SHUTDOWN_ACTIONS.join(', ')}); xl exits`,
      );
  }
  for (const [key, field] of [
    ['kernel', 'kernel'],
    ['ramdisk', 'ramdisk'],
    ['cmdline', 'cmdline'],
    ['root', 'root'],
    ['extra', 'extra'],
    ['bootloader', 'bootloader'],
    ['firmware', 'firmware'],
    ['boot', 'boot'],
    ['vnclisten', 'vnclisten'],
    ['vncpasswd', 'vncpasswd'],
    ['keymap', 'keymap'],
    ['vga', 'vga'],
    ['device_model_version', 'deviceModelVersion'],
  ] as const)
    set(field, str(key));
  if (config.cmdline !== undefined && (config.root !== undefined || config.extra !== undefined))
    diag(
      warnings,
      'CONFLICTING_SETTINGS',
      'cmdline',
      "`cmdline' is set, so xl ignores `root' and `extra'",
    );
  set(
    'bootloaderArgs',
    strList('bootloader_args', (s) => s.split(/[ \t\n]+/).filter(Boolean)),
  );

  const disks = listOnly('disk');
  if (disks) {
    config.disk = [];
    for (const spec of disks) {
      const r = parseDiskSpec(spec);
      if (r.disk) config.disk.push(r.disk);
      else
        for (const e of r.errors)
          diag(errors, 'INVALID_DISK_SPEC', 'disk', `${e.message} (xl exits)`);
    }
  }
  const vifs = listOnly('vif');
  if (vifs) {
    config.vif = [];
    for (const spec of vifs) {
      const r = parseVifSpec(spec);
      config.vif.push(r.vif);
      for (const w of r.warnings) diag(warnings, 'INVALID_VIF_SPEC', 'vif', w.message);
    }
  }
  set('vfb', listOnly('vfb'));
  set('pci', listOnly('pci'));
  set('vnc', bool('vnc'));
  set('vncdisplay', long('vncdisplay'));
  set('vncunused', bool('vncunused'));
  set('serial', strList('serial'));
  set('usb', bool('usb'));
  set('usbdevice', strList('usbdevice'));
  {
    const s = doc.getSetting('viridian');
    if (s) set('viridian', typeof s.value === 'string' ? bool('viridian') : listOnly('viridian'));
  }
  for (const k of ['acpi', 'apic', 'pae', 'hap', 'localtime', 'stdvga'] as const) set(k, bool(k));
  if (config.stdvga !== undefined && config.vga !== undefined)
    diag(
      warnings,
      'CONFLICTING_SETTINGS',
      'stdvga',
      "`stdvga' and `vga' are both set; xl uses `vga'",
    );
  set('videoramMiB', long('videoram'));
  set('deviceModelArgs', listOnly('device_model_args'));
  if (
    config.maxmemMiB !== undefined &&
    config.memoryMiB !== undefined &&
    config.maxmemMiB < config.memoryMiB
  )
    diag(
      errors,
      'CONFLICTING_SETTINGS',
      'maxmem',
      `maxmem (${config.maxmemMiB} MiB) is below memory (${config.memoryMiB} MiB); libxl refuses to build the domain`,
    );
  if (config.maxvcpus !== undefined && config.vcpus !== undefined && config.maxvcpus < config.vcpus)
    diag(
      errors,
      'CONFLICTING_SETTINGS',
      'maxvcpus',
      `maxvcpus (${config.maxvcpus}) is below vcpus (${config.vcpus})`,
    );

  for (const s of doc.settings()) {
    if (!KNOWN_XL_KEYS.has(s.key))
      diag(
        warnings,
        'UNKNOWN_KEY',
        s.key,
        `unknown setting \`${s.key}' (xl ignores it; misspelt?)`,
      );
    const assigns = s.statements.filter((a) => a.op === '=');
    if (assigns.length > 1)
      diag(
        warnings,
        'DUPLICATE_KEY',
        s.key,
        `\`${s.key}' is set ${assigns.length} times; the last one (line ${s.line}) wins`,
      );
    if (!MODELLED.has(s.key)) {
      config.other ??= {};
      config.other[s.key] = s.value;
    }
  }
  const order = (d: XlDiagnostic) => d.offset ?? 0;
  errors.sort((a, b) => order(a) - order(b));
  warnings.sort((a, b) => order(a) - order(b));
  return { config, errors, warnings };
}

/**
 * Writes a new, conventional xl config file for `model`: one `key = value`
 * per line in xl.cfg(5) order, strings single-quoted, devices one per line.
 * `other` settings follow. The output always ends with a newline and, when
 * read back with `toDomainConfig(parseXlConfig(...))`, gives the same model.
 * @throws TypeError if a value cannot be written (NUL in a string, comma in a device field...).
 */
export function formatXlConfig(model: DomainConfig): string {
  const lines: string[] = [];
  const put = (
    key: string,
    v: string | number | boolean | readonly string[] | XlValue | undefined,
  ) => {
    if (v === undefined) return;
    lines.push(`${key} = ${formatValue(v as never)}`);
  };
  put('name', model.name);
  put('type', model.type);
  put('uuid', model.uuid);
  put('memory', model.memoryMiB === undefined ? undefined : longValue(model.memoryMiB));
  put('maxmem', model.maxmemMiB === undefined ? undefined : longValue(model.maxmemMiB));
  put('vcpus', model.vcpus === undefined ? undefined : longValue(model.vcpus));
  put('maxvcpus', model.maxvcpus === undefined ? undefined : longValue(model.maxvcpus));
  put('cpus', model.cpus);
  put('cpu_weight', model.cpuWeight === undefined ? undefined : longValue(model.cpuWeight));
  put('cap', model.capPercent === undefined ? undefined : longValue(model.capPercent));
  put('on_poweroff', model.onPoweroff);
  put('on_reboot', model.onReboot);
  put('on_watchdog', model.onWatchdog);
  put('on_crash', model.onCrash);
  put('kernel', model.kernel);
  put('ramdisk', model.ramdisk);
  put('cmdline', model.cmdline);
  put('root', model.root);
  put('extra', model.extra);
  put('bootloader', model.bootloader);
  put('bootloader_args', model.bootloaderArgs);
  put('firmware', model.firmware);
  put('disk', model.disk?.map(formatDiskSpec));
  put('vif', model.vif?.map(formatVifSpec));
  put('vfb', model.vfb);
  put('pci', model.pci);
  put('boot', model.boot);
  put('vnc', model.vnc);
  put('vnclisten', model.vnclisten);
  put('vncdisplay', model.vncdisplay === undefined ? undefined : longValue(model.vncdisplay));
  put('vncunused', model.vncunused);
  put('vncpasswd', model.vncpasswd);
  put('keymap', model.keymap);
  put('serial', model.serial);
  put('usb', model.usb);
  put('usbdevice', model.usbdevice);
  put('viridian', model.viridian);
  for (const k of ['acpi', 'apic', 'pae', 'hap', 'localtime', 'stdvga'] as const) put(k, model[k]);
  put('vga', model.vga);
  put('videoram', model.videoramMiB === undefined ? undefined : longValue(model.videoramMiB));
  put('device_model_version', model.deviceModelVersion);
  put('device_model_args', model.deviceModelArgs);
  for (const [k, v] of Object.entries(model.other ?? {})) {
    if (MODELLED.has(k))
      throw new TypeError(`other.${k} duplicates a typed field; set the typed field instead`);
    put(k, v);
  }
  return `${lines.join('\n')}\n`;
}

/** A C long for xl: integers only; negative ones are quoted since `-` is not valid bare. */
function longValue(n: number): number | string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`expected an integer, got ${n}`);
  return n < 0 ? String(n) : n;
}

/** Convenience: parse text and read the model in one step (never throws). */
export function readDomainConfig(text: string): DomainConfigResult & { doc: XlDocument } {
  const doc = parseXlConfig(text);
  return { ...toDomainConfig(doc), doc };
}
