/**
 * New guests: the ONE mapping from a guest's settings (the create-guest wizard, `POST
 * /api/v1/guests`, and the older new-config form of `POST /api/v1/configs`) to a
 * {@link DomainConfig}, which {@link formatXlConfig} writes. The web's preview, the server and
 * the simulated host all go through here, so what the wizard shows is what the server writes.
 *
 * Owns: the guest settings' shapes ({@link GuestSettings} as the API receives them,
 * {@link GuestSpec} with every disk resolved to a dom0 path), the OS profiles
 * ({@link GUEST_PROFILES}: what each writes and its suggested minimums), the guest's disk vdevs,
 * the name of a new logical volume ({@link guestVolumeName}), MAC generation ({@link guestMac}),
 * the file's header comment, and the equivalent shell commands shown to the user
 * ({@link guestCommands}). Facts are from xl.cfg(5), xl-disk-configuration(5),
 * xl-network-configuration(5) and libxl (`libxl_dm.c`, `libxl_nic.c`) of Xen 4.17.
 */
import { shellWord } from './commands.js';
import { type DiskSpec, parseDiskSpec } from './disk.js';
import { type DomainConfig, formatXlConfig, type ShutdownAction } from './model.js';
import { parseVifSpec, type VifSpec } from './vif.js';

/** Guest type (xl.cfg `type`). */
export type GuestType = 'pv' | 'pvh' | 'hvm';

/** OS profile of an HVM guest: which emulated hardware it gets (see {@link GUEST_PROFILES}). */
export type GuestProfile = 'windows' | 'linux' | 'other';

/** The profiles, in the order a form lists them. */
export const GUEST_PROFILE_NAMES: readonly GuestProfile[] = ['linux', 'windows', 'other'];

/** What a profile means, as data for forms and docs. */
export interface GuestProfileInfo {
  /** Label for people. */
  label: string;
  /** Suggested least memory at boot, MiB: a form warns below it (nothing refuses it). */
  minMemoryMiB: number;
  /** Suggested least vCPUs: a form warns below it. */
  minVcpus: number;
  /** The xl.cfg settings the profile adds, as `key = value` lines (for help texts). */
  settings: readonly string[];
}

/**
 * The HVM profiles. `windows`: Hyper-V enlightenments (`viridian = 1`, libxl's default group
 * set), the standard VGA with 16 MiB of video RAM (qemu-xen's minimum and default for stdvga;
 * Windows needs VBE 2.0, which cirrus lacks at useful resolutions), a USB tablet (an absolute
 * pointer, so the VNC cursor matches), AHCI disks (`hdtype = "ahci"`: Windows' own driver, faster
 * than IDE), the RTC in local time (Windows expects it), and an e1000 NIC (Windows has a driver
 * for it out of the box; it has none for libxl's default rtl8139). 2 GiB and 2 vCPUs are the
 * suggested minimums (Windows 10/Server 2016 and later). `linux`: the USB tablet, for the VNC
 * pointer. `other`: qemu-xen's defaults (cirrus VGA, PS/2 mouse, IDE, rtl8139).
 */
export const GUEST_PROFILES: Readonly<Record<GuestProfile, GuestProfileInfo>> = {
  windows: {
    label: 'Windows',
    minMemoryMiB: 2048,
    minVcpus: 2,
    settings: [
      'viridian = 1',
      'vga = "stdvga"',
      'videoram = 16',
      'usb = 1',
      'usbdevice = [ "tablet" ]',
      'hdtype = "ahci"',
      'localtime = 1',
      'vif: model=e1000, a fixed mac=',
    ],
  },
  linux: {
    label: 'Linux',
    minMemoryMiB: 512,
    minVcpus: 1,
    settings: ['usb = 1', 'usbdevice = [ "tablet" ]'],
  },
  other: { label: 'Other', minMemoryMiB: 256, minVcpus: 1, settings: [] },
};

/** Video RAM the Windows profile gives its standard VGA, MiB (qemu-xen's stdvga minimum). */
export const WINDOWS_VIDEORAM_MIB = 16;

/** vdev of an HVM guest's CD-ROM drive: the secondary IDE master, emulated index 2. */
export const GUEST_CDROM_VDEV = 'hdc';

/** VNC listen address of every new guest: dom0's loopback (Xendeck's proxy is the way in). */
export const GUEST_VNC_LISTEN = '127.0.0.1';

/** Most disks a new guest may have (xvda…, HVM skipping xvdc: 16 fit in xvda–xvdq). */
export const GUEST_MAX_DISKS = 16;

/**
 * A disk of the create-guest request, by where it comes from:
 * - `{volumeGroup, sizeBytes}`: a new logical volume `<guest>-disk<i>` (i = the disk's index)
 *   of at least `sizeBytes` bytes (LVM rounds up to whole extents) in `volumeGroup`;
 * - `{volumeGroup, volume}`: an existing logical volume, used whole (it must be unused);
 * - `{imageFile}`: an existing image file (raw) in the host's image directory, by file name;
 * - `{imageFile, sizeBytes}`: a new sparse raw image file of `sizeBytes` bytes there.
 */
export type GuestDiskSource =
  | { volumeGroup: string; sizeBytes: number }
  | { volumeGroup: string; volume: string }
  | { imageFile: string; sizeBytes?: number };

/** The guest's network interface: a dom0 bridge and a MAC (generated when absent). */
export interface GuestNetwork {
  /** dom0 bridge the vif's backend joins (`bridge=`), e.g. `xenbr0`. */
  bridge: string;
  /** `mac=`: six lower-case hex octets; see {@link guestMac}. */
  mac?: string;
}

/**
 * The settings both the request (`POST /api/v1/guests`, `createGuestRequestSchema` of
 * @xendeck/api validates them) and {@link GuestSpec} share. Sizes in the unit their name says.
 */
export interface GuestBaseSettings {
  /** Domain name and config file name (`<configDir>/<name>.cfg`). */
  name: string;
  type: GuestType;
  /** HVM only: the OS profile (default `other`). */
  profile?: GuestProfile;
  /** `memory`: MiB at boot. */
  memoryMiB: number;
  /** `maxmem`: MiB the balloon may grow to; at least memoryMiB. */
  maxmemMiB?: number;
  /** `vcpus`: vCPUs online at boot. */
  vcpus: number;
  /** `maxvcpus`: hot-pluggable maximum; at least vcpus. */
  maxvcpus?: number;
  /** PV only: `bootloader = "pygrub"` (boot the kernel found in the guest's disk). */
  bootloader?: 'pygrub';
  /** PV/PVH: `kernel`, a dom0 path (PVH needs one; PV needs it or pygrub). */
  kernel?: string;
  /** PV/PVH: `ramdisk`, a dom0 path (needs kernel). */
  ramdisk?: string;
  /** PV/PVH: `extra`, appended to the kernel command line (needs kernel). */
  extra?: string;
  /** One vif on a bridge; absent = no network interface. */
  network?: GuestNetwork;
  /** HVM only: the device model's VNC server (always on {@link GUEST_VNC_LISTEN}); default on, no password. */
  vnc?: { enabled: boolean; password?: string };
  onPoweroff?: ShutdownAction;
  onReboot?: ShutdownAction;
  onCrash?: ShutdownAction;
}

/** The create-guest request's settings (without `start`): disks by source, the CD-ROM by ISO file name. */
export interface GuestSettings extends GuestBaseSettings {
  /** In order: the first is the boot disk (xvda). */
  disks: GuestDiskSource[];
  /** HVM only: file name of an ISO in the host's ISO library, in the CD-ROM drive. */
  cdrom?: string;
}

/** A guest with every disk resolved to what dom0 opens: what {@link guestDomainConfig} maps. */
export interface GuestSpec extends GuestBaseSettings {
  /** dom0 paths in order (a logical volume `/dev/<vg>/<lv>` or an image file), each read-write, raw. */
  disks: { target: string }[];
  /** HVM only: dom0 path of the ISO in the CD-ROM drive; absent = the drive is empty. */
  cdrom?: string;
}

/** Host paths {@link guestSpecFromSettings} resolves file names with. */
export interface GuestHostPaths {
  /** ISO library directory (server setting XENDECK_ISO_DIR). */
  isoDir: string;
  /** Image file directory (default /var/lib/xen/images). */
  imageDir: string;
}

/** A new logical volume a guest's disk needs (for {@link guestCommands}). */
export interface GuestNewVolume {
  volumeGroup: string;
  name: string;
  sizeBytes: number;
}

/** A new sparse image file a guest's disk needs (for {@link guestCommands}). */
export interface GuestNewImage {
  /** dom0 path: `<imageDir>/<file>`. */
  path: string;
  sizeBytes: number;
}

/** Name of the new logical volume for disk `index` of guest `guest`: `<guest>-disk<index>`. */
export function guestVolumeName(guest: string, index: number): string {
  return `${guest}-disk${index}`;
}

/** `/dev/<vg>/<lv>`: the dom0 path of a logical volume, as a `phy:` disk names it. */
export function volumePath(volumeGroup: string, volume: string): string {
  return `/dev/${volumeGroup}/${volume}`;
}

/** Joins a directory and a file name (no normalisation: names are validated to hold no `/`). */
function inDir(dir: string, file: string): string {
  return `${dir.replace(/\/+$/, '')}/${file}`;
}

/**
 * The new logical volumes of a request, in disk order (`{volumeGroup, sizeBytes}` disks, named
 * by {@link guestVolumeName} after their index among all disks).
 */
export function guestNewVolumes(settings: Pick<GuestSettings, 'name' | 'disks'>): GuestNewVolume[] {
  const out: GuestNewVolume[] = [];
  settings.disks.forEach((d, i) => {
    if ('volumeGroup' in d && 'sizeBytes' in d) {
      out.push({
        volumeGroup: d.volumeGroup,
        name: guestVolumeName(settings.name, i),
        sizeBytes: d.sizeBytes,
      });
    }
  });
  return out;
}

/** The new image files of a request, in disk order (`{imageFile, sizeBytes}` disks). */
export function guestNewImages(
  settings: Pick<GuestSettings, 'disks'>,
  paths: Pick<GuestHostPaths, 'imageDir'>,
): GuestNewImage[] {
  const out: GuestNewImage[] = [];
  for (const d of settings.disks)
    if ('imageFile' in d && d.sizeBytes !== undefined)
      out.push({ path: inDir(paths.imageDir, d.imageFile), sizeBytes: d.sizeBytes });
  return out;
}

/**
 * Resolves a request's disks and CD-ROM to dom0 paths: a new volume to `/dev/<vg>/<name>-disk<i>`,
 * an existing one to `/dev/<vg>/<lv>`, an image file to `<imageDir>/<file>`, the ISO to
 * `<isoDir>/<file>`. Checks nothing on the host (the server does, before it writes anything).
 */
export function guestSpecFromSettings(settings: GuestSettings, paths: GuestHostPaths): GuestSpec {
  const { disks, cdrom, ...rest } = settings;
  const spec: GuestSpec = {
    ...rest,
    disks: disks.map((d, i) => {
      if ('imageFile' in d) return { target: inDir(paths.imageDir, d.imageFile) };
      const lv = 'volume' in d ? d.volume : guestVolumeName(settings.name, i);
      return { target: volumePath(d.volumeGroup, lv) };
    }),
  };
  if (cdrom !== undefined) spec.cdrom = inDir(paths.isoDir, cdrom);
  return spec;
}

/**
 * The vdevs of `count` disks of a guest of `type`: `xvda`, `xvdb`, … For HVM, libxl's device
 * model (`libxl_dm.c`) also emulates each of the first disks for the firmware and for guests
 * without PV drivers — by disk number, `xvda`→IDE/AHCI 0 (hda), `xvdb`→1 — and the CD-ROM drive
 * is {@link GUEST_CDROM_VDEV} `hdc` = number 2, so HVM skips `xvdc` (it would be the same
 * emulated drive): `xvda, xvdb, xvdd, xvde, …`. IDE emulates numbers 0–3, AHCI 0–5; later disks
 * are PV only (they appear once the guest's PV drivers run).
 */
export function guestDiskVdevs(type: GuestType, count: number): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) {
    if (type === 'hvm' && n === 2) continue;
    if (n >= 26) throw new TypeError(`a guest can have at most ${GUEST_MAX_DISKS} disks`);
    out.push(`xvd${String.fromCharCode(0x61 + n)}`);
  }
  return out;
}

/**
 * A MAC address in Xen's OUI from three random bytes, as libxl makes one (`libxl_nic.c`:
 * `00:16:3e`, then the first random byte with its top bit cleared, then the other two), lower-case.
 * Pass bytes from `crypto.getRandomValues` (web) or `crypto.randomBytes(3)` (server).
 * @throws TypeError with fewer than 3 bytes.
 */
export function guestMac(random: ArrayLike<number>): string {
  if (random.length < 3) throw new TypeError('guestMac needs 3 random bytes');
  const hex = (b: number) => (b & 0xff).toString(16).padStart(2, '0');
  return `00:16:3e:${hex((random[0] as number) & 0x7f)}:${hex(random[1] as number)}:${hex(random[2] as number)}`;
}

/** A MAC address as xl reads `mac=`: six hex octets separated by `:`. */
export const MAC_PATTERN = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A raw read-write whole disk: `target` (a dom0 path) as `vdev` (`format=raw, vdev=…, access=rw, target=…`). */
export function rawDisk(target: string, vdev: string): DiskSpec {
  return {
    target,
    vdev,
    format: 'raw',
    access: 'rw',
    devtype: 'disk',
    removable: false,
    directIoSafe: false,
  };
}

/**
 * The CD-ROM drive `hdc` (read-only, removable), holding the ISO at `isoPath`, or empty (format
 * `empty`, no target) so `xl cd-insert` can fill it later.
 */
export function cdromDisk(isoPath: string | undefined): DiskSpec {
  return {
    ...(isoPath === undefined ? {} : { target: isoPath }),
    vdev: GUEST_CDROM_VDEV,
    format: isoPath === undefined ? 'empty' : 'raw',
    access: 'ro',
    devtype: 'cdrom',
    removable: true,
    directIoSafe: false,
  };
}

/** The settings every new config gets from its form or request as they are (no profile). */
type DirectSettings = Pick<
  GuestBaseSettings,
  | 'type'
  | 'memoryMiB'
  | 'maxmemMiB'
  | 'vcpus'
  | 'maxvcpus'
  | 'bootloader'
  | 'kernel'
  | 'ramdisk'
  | 'extra'
  | 'onPoweroff'
  | 'onReboot'
  | 'onCrash'
>;

/** `name`, type, memory, vCPUs, boot and shutdown actions, in DomainConfig's field names; absent fields left out. */
function directConfig(name: string | undefined, s: DirectSettings): DomainConfig {
  const c: DomainConfig = {};
  if (name !== undefined && name !== '') c.name = name;
  c.type = s.type;
  c.memoryMiB = s.memoryMiB;
  if (s.maxmemMiB !== undefined) c.maxmemMiB = s.maxmemMiB;
  c.vcpus = s.vcpus;
  if (s.maxvcpus !== undefined) c.maxvcpus = s.maxvcpus;
  if (s.onPoweroff !== undefined) c.onPoweroff = s.onPoweroff;
  if (s.onReboot !== undefined) c.onReboot = s.onReboot;
  if (s.onCrash !== undefined) c.onCrash = s.onCrash;
  if (s.kernel !== undefined) c.kernel = s.kernel;
  if (s.ramdisk !== undefined) c.ramdisk = s.ramdisk;
  if (s.extra !== undefined) c.extra = s.extra;
  if (s.bootloader !== undefined) c.bootloader = s.bootloader;
  return c;
}

/** A setting that contradicts the guest's type or another setting: `path` names it in the settings (`kernel`, `network.mac`). */
export interface GuestProblem {
  path: string;
  message: string;
}

/**
 * What xl would refuse or silently ignore in a guest's settings (the request's or a resolved
 * spec's), each with the settings path it concerns: a CD-ROM, VNC or a profile for PV/PVH (HVM
 * only), a dom0 kernel for HVM, pygrub for PVH/HVM, a PVH guest without a kernel, a PV guest with
 * neither kernel nor pygrub, ramdisk or extra without a kernel, maxmem below memory, maxvcpus
 * below vcpus, more than {@link GUEST_MAX_DISKS} disks, a MAC that is not six hex octets. Empty
 * when xl takes them as meant. The server answers 422 with these; a form shows them by field.
 */
export function guestProblems(
  s: GuestBaseSettings & { disks: unknown[]; cdrom?: string },
): GuestProblem[] {
  const out: GuestProblem[] = [];
  const add = (path: string, message: string) => out.push({ path, message });
  const hvm = s.type === 'hvm';
  const T = s.type.toUpperCase();
  if (!hvm && s.cdrom !== undefined) add('cdrom', `a CD-ROM is for HVM guests only (not ${T})`);
  if (!hvm && s.vnc !== undefined)
    add('vnc', `vnc is for HVM guests only (a ${T} guest has a text console)`);
  if (!hvm && s.profile !== undefined) add('profile', 'an OS profile is for HVM guests only');
  if (hvm)
    for (const k of ['kernel', 'ramdisk', 'extra'] as const)
      if (s[k] !== undefined)
        add(k, `an HVM guest boots from its disks or CD-ROM, not a dom0 ${k}`);
  if (s.type !== 'pv' && s.bootloader !== undefined)
    add('bootloader', 'pygrub is for PV guests only');
  if (s.type === 'pvh' && s.kernel === undefined)
    add('kernel', 'a PVH guest needs a kernel (dom0 path)');
  if (s.type === 'pv' && s.kernel === undefined && s.bootloader === undefined)
    add('kernel', 'a PV guest needs a kernel (dom0 path) or pygrub');
  if (!hvm && s.kernel === undefined)
    for (const k of ['ramdisk', 'extra'] as const)
      if (s[k] !== undefined) add(k, `${k} needs a kernel`);
  if (s.kernel !== undefined && s.bootloader !== undefined)
    add('bootloader', 'either a kernel or pygrub, not both');
  if (s.maxmemMiB !== undefined && s.maxmemMiB < s.memoryMiB)
    add('maxmemMiB', `maxmem (${s.maxmemMiB} MiB) is below memory (${s.memoryMiB} MiB)`);
  if (s.maxvcpus !== undefined && s.maxvcpus < s.vcpus)
    add('maxvcpus', `maxvcpus (${s.maxvcpus}) is below vcpus (${s.vcpus})`);
  if (s.disks.length > GUEST_MAX_DISKS) add('disks', `at most ${GUEST_MAX_DISKS} disks`);
  const mac = s.network?.mac;
  if (mac !== undefined && !MAC_PATTERN.test(mac))
    add('network.mac', 'a MAC address is six hex octets separated by ":", e.g. 00:16:3e:12:34:56');
  return out;
}

/**
 * The xl config of a new guest. Every type: name, type, memory/maxmem (MiB), vcpus/maxvcpus,
 * on_poweroff/on_reboot/on_crash when given, disks as raw read-write `xvd*` (see
 * {@link guestDiskVdevs}), one vif `mac=…, bridge=…` when there is a network (the MAC written,
 * so it never changes between boots; libxl would draw a new one at every `xl create`).
 * PV: `bootloader = "pygrub"` or kernel/ramdisk/extra. PVH: kernel/ramdisk/extra.
 * HVM: the CD-ROM drive `hdc` (empty when no ISO), `boot = "dc"` with an ISO (CD first, then
 * disk) or `"c"`, `vnc` on {@link GUEST_VNC_LISTEN} (+ `vncpasswd`), `serial = "pty"`, then the
 * profile's settings ({@link GUEST_PROFILES}).
 * @throws TypeError naming the first of {@link guestProblems} when there is one.
 */
export function guestDomainConfig(spec: GuestSpec): DomainConfig {
  const problem = guestProblems(spec)[0];
  if (problem) throw new TypeError(`${spec.name}: ${problem.path}: ${problem.message}`);
  const hvm = spec.type === 'hvm';
  const c = directConfig(spec.name, spec);
  const vdevs = guestDiskVdevs(spec.type, spec.disks.length);
  const disk = spec.disks.map((d, i) => rawDisk(d.target, vdevs[i] as string));
  if (hvm) disk.push(cdromDisk(spec.cdrom));
  if (disk.length > 0) c.disk = disk;
  const profile = hvm ? (spec.profile ?? 'other') : undefined;
  if (spec.network) {
    const vif: VifSpec = {};
    if (spec.network.mac !== undefined) vif.mac = spec.network.mac.toLowerCase();
    vif.bridge = spec.network.bridge;
    if (profile === 'windows') vif.model = 'e1000';
    c.vif = [vif];
  }
  if (hvm) {
    c.boot = spec.cdrom === undefined ? 'c' : 'dc';
    const vnc = spec.vnc ?? { enabled: true };
    c.vnc = vnc.enabled;
    if (vnc.enabled) {
      c.vnclisten = GUEST_VNC_LISTEN;
      if (vnc.password !== undefined && vnc.password !== '') c.vncpasswd = vnc.password;
    }
    c.serial = ['pty'];
    if (profile === 'windows' || profile === 'linux') {
      c.usb = true;
      c.usbdevice = ['tablet'];
    }
    if (profile === 'windows') {
      c.viridian = true;
      c.localtime = true;
      c.vga = 'stdvga';
      c.videoramMiB = WINDOWS_VIDEORAM_MIB;
      c.other = { hdtype: 'ahci' };
    }
  }
  return c;
}

/**
 * The settings of the older new-config form (`POST /api/v1/configs` `model`, `NewConfigModel`
 * of @xendeck/api): as {@link GuestBaseSettings}, but disks and vifs as xl spec strings and the
 * HVM keys given directly.
 */
export interface ConfigFormSettings extends DirectSettings {
  /** `disk`: xl-disk-configuration(5) specs. */
  disk: readonly string[];
  /** `vif`: xl-network-configuration(5) specs. */
  vif: readonly string[];
  vnc?: boolean;
  vnclisten?: string;
  /** `serial`, one port (`pty`). */
  serial?: string;
  /** `boot` order letters. */
  boot?: string;
}

/** A spec string that did not parse: `path` is `disk.<i>` or `vif.<i>` (of the settings). */
export interface ConfigFormIssue {
  path: string;
  message: string;
}

/**
 * The xl config of the new-config form's settings, with the same field mapping as
 * {@link guestDomainConfig}: each disk spec read by `parseDiskSpec`, each vif by `parseVifSpec`
 * (exactly as xl will read them); no `disk`/`vif` line when there are none. A spec that does not
 * parse (or a vif xl would warn about) is left out and reported in `issues`; `name` may be empty
 * (a preview before one is typed) and is then left out.
 */
export function configFormDomainConfig(
  name: string,
  s: ConfigFormSettings,
): { config: DomainConfig; issues: ConfigFormIssue[] } {
  const issues: ConfigFormIssue[] = [];
  const c = directConfig(name, s);
  const disk: DiskSpec[] = [];
  s.disk.forEach((spec, i) => {
    const r = parseDiskSpec(spec);
    if (r.disk) disk.push(r.disk);
    else
      issues.push({
        path: `disk.${i}`,
        message: `disk ${i} "${spec}": ${r.errors.map((e) => e.message).join('; ') || 'invalid'}`,
      });
  });
  const vif: VifSpec[] = [];
  s.vif.forEach((spec, i) => {
    const r = parseVifSpec(spec);
    if (r.warnings.length === 0) vif.push(r.vif);
    else
      issues.push({
        path: `vif.${i}`,
        message: `vif ${i} "${spec}": ${r.warnings.map((w) => w.message).join('; ')}`,
      });
  });
  if (disk.length > 0) c.disk = disk;
  if (vif.length > 0) c.vif = vif;
  if (s.boot !== undefined) c.boot = s.boot;
  if (s.vnc !== undefined) c.vnc = s.vnc;
  if (s.vnclisten !== undefined) c.vnclisten = s.vnclisten;
  if (s.serial !== undefined) c.serial = [s.serial];
  return { config: c, issues };
}

/** Who made a new config file and when, for its first line. */
export interface NewConfigOrigin {
  /** Username. */
  user: string;
  /** When (written as ISO 8601 UTC). */
  createdAt: Date;
}

/**
 * The text of a new config file: one comment line saying who created it with Xendeck and when,
 * then {@link formatXlConfig} of `config`. What `POST /api/v1/configs` and `POST /api/v1/guests`
 * write, and what a preview shows.
 * @throws TypeError from formatXlConfig for a value it cannot write.
 */
export function newConfigText(config: DomainConfig, origin: NewConfigOrigin): string {
  const who = `created by Xendeck (user ${origin.user}, ${origin.createdAt.toISOString()})`;
  return `# ${config.name ?? 'new guest'}: ${who}.\n${formatXlConfig(config)}`;
}

/**
 * The shell commands equivalent to creating the guest, for people to read (Xendeck itself runs
 * argument arrays, never these strings): `lvcreate --yes --wipesignatures y -L <bytes>b -n <lv> <vg>`
 * per new volume (the arguments @xendeck/storage's `lvcreateArgs` gives; LVM rounds the size up to
 * whole extents), `truncate --size <bytes> <path>` per new (sparse) image file, then, when `start`,
 * `xl create <configPath>`. (Writing the file itself has no command.)
 */
export function guestCommands(opts: {
  configPath: string;
  newVolumes: readonly GuestNewVolume[];
  newImages?: readonly GuestNewImage[];
  start: boolean;
}): string[] {
  const out = opts.newVolumes.map(
    (v) =>
      `lvcreate --yes --wipesignatures y -L ${v.sizeBytes}b -n ${shellWord(v.name)} ${shellWord(v.volumeGroup)}`,
  );
  for (const f of opts.newImages ?? [])
    out.push(`truncate --size ${f.sizeBytes} ${shellWord(f.path)}`);
  if (opts.start) out.push(`xl create ${shellWord(opts.configPath)}`);
  return out;
}

/**
 * Everything a preview shows for a request: the config model, the file's text and the commands.
 * `configDir` is the host's config directory; `mac` is used when `settings.network` has none.
 * @throws TypeError from {@link guestDomainConfig} / formatXlConfig.
 */
export function guestPreview(
  settings: GuestSettings & { start: boolean },
  host: GuestHostPaths & { configDir: string },
  origin: NewConfigOrigin,
): { config: DomainConfig; configText: string; configPath: string; commands: string[] } {
  const { start, ...rest } = settings;
  const config = guestDomainConfig(guestSpecFromSettings(rest, host));
  const configPath = inDir(host.configDir, `${settings.name}.cfg`);
  return {
    config,
    configText: newConfigText(config, origin),
    configPath,
    commands: guestCommands({
      configPath,
      newVolumes: guestNewVolumes(settings),
      newImages: guestNewImages(settings, host),
      start,
    }),
  };
}
