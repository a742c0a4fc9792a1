/**
 * The one contract every hypervisor backend implements: the libxl backend (real Xen, through the
 * N-API addon over libxenlight/libxenstore) and the simulated in-memory host (tests and UI work).
 *
 * Units are in the names: `...KiB`, `...MiB`, `...Ns`. libxl mixes units (libxl_dominfo memory is
 * KiB, physinfo memory is pages of 4 KiB, cpu_time is ns); this interface does not.
 */

import type { MetricsSnapshot } from './metrics/types.js';

export type * from './metrics/types.js';

/** Which implementation is behind a {@link Hypervisor}. The UI shows a banner for `simulated`. */
export type BackendKind = 'libxl' | 'simulated';

/** Guest type as libxl names it (`libxl_domain_type`: LIBXL_DOMAIN_TYPE_PV/PVH/HVM). */
export type DomainType = 'pv' | 'pvh' | 'hvm';

/**
 * One state per domain, derived from `libxl_dominfo` flags the way `xl list` shows them
 * (r/b/p/s/c/d), reduced to one word by precedence: dying > crashed > shutdown > paused >
 * running > blocked. A domain that is runnable but not on a pCPU right now (xl shows `------`)
 * is reported as `running`.
 */
export type DomainState = 'running' | 'blocked' | 'paused' | 'shutdown' | 'crashed' | 'dying';

/** Virtualisation capabilities as `xl info` prints them in `virt_caps` (from libxl_physinfo cap_*). */
export type VirtCap =
  | 'pv'
  | 'hvm'
  | 'hvm_directio'
  | 'pv_directio'
  | 'hap'
  | 'shadow'
  | 'iommu_hap_pt_share'
  | 'vmtrace'
  | 'vpmu'
  | 'gnttab-v1'
  | 'gnttab-v2';

/** Host facts. Source: libxl_get_physinfo, libxl_get_version_info, gethostname(2). */
export interface HostInfo {
  /** Host name of dom0 (uname nodename). */
  hostname: string;
  /** Xen version as `xl info` prints xen_version: `${major}.${minor}${extra}`, e.g. "4.17.7". */
  xenVersion: string;
  /** Physical CPUs (libxl_physinfo.nr_cpus). */
  nrCpus: number;
  /** CPU frequency in MHz (libxl_physinfo.cpu_khz / 1000). */
  cpuMhz: number;
  /** Total host memory in MiB (libxl_physinfo.total_pages × 4 KiB). */
  totalMemoryMiB: number;
  /** Memory free in Xen's heap, in MiB (libxl_physinfo.free_pages × 4 KiB). */
  freeMemoryMiB: number;
  /** Capabilities, in `xl info` order. */
  virtCaps: VirtCap[];
}

/**
 * dom0's memory and the limits a new balloon target must respect.
 * Sources: libxl_domain_info(0) and xenstore `/local/domain/0/memory/{target,static-max}`.
 */
export interface Dom0Memory {
  /** Memory dom0 holds now, in KiB, as `xl list` shows it (current_memkb + outstanding_memkb). */
  currentKiB: number;
  /** Balloon target in KiB (xenstore /local/domain/0/memory/target). */
  targetKiB: number;
  /**
   * Largest target libxl accepts, in KiB (xenstore /local/domain/0/memory/static-max, which
   * libxl_set_memory_target enforces; set by Xen's `dom0_mem=...,max:` option).
   */
  maxKiB: number;
  /**
   * Smallest target allowed, in KiB: the larger of libxl's LIBXL_MIN_DOM0_MEM (128 MiB) and the
   * safety floor this backend was configured with (a dom0 below it would starve the toolstack).
   */
  minKiB: number;
}

/**
 * One domain as `xl list` shows it. Source: xc_domain_getinfolist with libxl_list_domain's
 * conversion (listDomains) / libxl_domain_info, names from libxl_domid_to_name (cached by domid).
 */
export interface DomainInfo {
  /** Domain id (0 is dom0). */
  domid: number;
  /** Domain name (libxl_domid_to_name; xenstore /local/domain/<domid>/name). */
  name: string;
  /** Domain UUID, lowercase canonical form. */
  uuid: string;
  type: DomainType;
  state: DomainState;
  /** Memory in KiB as `xl list` shows it (libxl_dominfo.current_memkb + outstanding_memkb). */
  memoryKiB: number;
  /** Maximum memory in KiB (libxl_dominfo.max_memkb). */
  maxMemoryKiB: number;
  /** Online vCPUs (libxl_dominfo.vcpu_online). */
  vcpus: number;
  /** Highest vCPU id + 1 (libxl_dominfo.vcpu_max_id + 1). */
  maxVcpus: number;
  /** Total CPU time consumed, in ns (libxl_dominfo.cpu_time). */
  cpuTimeNs: number;
}

/**
 * A change seen by the backend. The libxl backend learns of changes from xenstore watches on
 * `@introduceDomain` and `@releaseDomain` (no polling), then diffs the domain list; changes
 * xenstore does not announce (pause/unpause from a shell) are found by {@link Hypervisor.refresh}.
 */
export type DomainEvent = (
  | { kind: 'added'; domain: DomainInfo }
  | { kind: 'removed'; domid: number; name: string }
  | { kind: 'changed'; domain: DomainInfo; previousState: DomainState }
) & {
  /**
   * When the xenstore watch that led to this event fired: the addon's watch thread's
   * CLOCK_REALTIME when `xs_check_watch` returned it, ms since the epoch (with fractions;
   * comparable with `Date.now()` in dom0). For a change found by a settle re-read (a domain that
   * was dying or shut down is gone or changed), the watch that started those re-reads. Absent
   * on the simulated host and for changes found without a watch (`refresh()` after an
   * operation, the server's reconcile timer).
   */
  watchFiredAt?: number;
};

/**
 * Where a domain's graphical console (its device model's VNC server) listens, read at connect time
 * because the port changes at every boot (`vncunused`). Source: xenstore
 * `/local/domain/<domid>/console/vnc-listen`, `vnc-port` and `vnc-pass`, written by libxl after
 * QEMU's QMP `query-vnc` / `change-vnc-password` (libxl_dm.c).
 */
export interface VncEndpoint {
  /** Address QEMU listens on (xenstore console/vnc-listen; libxl's default is 127.0.0.1). */
  host: string;
  /** TCP port (xenstore console/vnc-port: a port such as 5900, not a display number). */
  port: number;
  /**
   * The guest's `vncpasswd` (xenstore console/vnc-pass), when one is set. Never sent to a browser:
   * the server's proxy answers QEMU's VNC authentication with it.
   */
  password?: string;
}

/**
 * A text console: `pv` is the PV console 0 (xenconsoled's pty, xenstore
 * `/local/domain/<domid>/console/tty`); `serial` is an HVM guest's emulated serial port 0 (QEMU's
 * pty, xenstore `/local/domain/<domid>/serial/0/tty`, present only with `serial = "pty"`).
 */
export type TextConsoleKind = 'pv' | 'serial';

/**
 * An open text console of one domain (one boot of it: it ends when the pty goes away, that is when
 * the domain dies or reboots). Reading is a stream of raw bytes as the guest wrote them; writing
 * sends keystrokes. Only one holder per domain at a time: the libxl backend takes the same lock
 * as `xl console` (flock on /var/lock/xenconsole.<domid>) for as long as it is open.
 */
export interface TextConsole {
  /** The domid this console belongs to. */
  readonly domid: number;
  readonly kind: TextConsoleKind;
  /** The pty path (libxl backend: from xenstore), or a description on the simulated host. */
  readonly path: string;
  /** Guest output, in chunks as read. */
  onData(listener: (chunk: Buffer) => void): void;
  /**
   * Called once when the console ended: `reason` says why (the pty closed because the domain
   * died or rebooted, a read error, or `close()` was called).
   */
  onEnd(listener: (reason: string) => void): void;
  /** Sends bytes to the guest as typed keys. */
  write(data: Buffer): void;
  /** Stops reading (backpressure) until {@link resume}. */
  pause(): void;
  resume(): void;
  /** Closes the pty and releases the lock. Idempotent. */
  close(): void;
}

/**
 * A virtual block device of a running domain, as libxl reports it (`libxl_device_disk_list`, the
 * same list `xl block-list` prints), so callers see what a domain really has attached now, CD-ROM
 * changes made with `xl cd-insert`/`cd-eject` included (the config file does not change with them).
 */
export interface DomainDisk {
  /** Virtual device the guest sees, e.g. `xvda`, `hda`, `hdc` (libxl_device_disk.vdev). */
  vdev: string;
  /**
   * dom0 path of the backing device or file (libxl_device_disk.pdev_path, without qdisk's
   * `<fmt>:` prefix); null for an empty CD-ROM drive (libxl reports "").
   */
  target: string | null;
  /** `cdrom` when libxl_device_disk.is_cdrom, else `disk`. */
  devtype: 'disk' | 'cdrom';
  /**
   * Image format: `raw`, `qcow2`, `qcow`, `vhd`, `qed`, `empty` (no image: an empty CD-ROM
   * drive). libxl_device_disk.format when libxl knows it; Xen 4.17's libxl_device_disk_list never
   * does, so the libxl backend reads it from the backend's xenstore `params` (qdisk:
   * `<fmt>:<path>`, `aio` = raw; phy: always raw).
   */
  format: string;
  /** The guest may not write to it (libxl_device_disk.readwrite === 0). */
  readonly: boolean;
}

/**
 * One vCPU of a domain, as `xl vcpu-list` shows it. Source: libxl_list_vcpu (libxl_vcpuinfo).
 */
export interface VcpuInfo {
  /** vCPU id (libxl_vcpuinfo.vcpuid). */
  vcpu: number;
  /**
   * Physical CPU it runs on, or last ran on when blocked or runnable (libxl_vcpuinfo.cpu); null
   * while offline (xl vcpu-list prints `-`).
   */
  cpu: number | null;
  /** Online (libxl_vcpuinfo.online); `xl vcpu-set` changes how many are. */
  online: boolean;
  /**
   * `running` on a pCPU now, `blocked` (waiting for an event), `runnable` (waiting for a pCPU,
   * or its domain is paused), `offline` (libxl_vcpuinfo.running / .blocked / .online; xl
   * vcpu-list's `r--`, `-b-`, `---`, `--p`).
   */
  state: 'running' | 'blocked' | 'runnable' | 'offline';
  /** CPU time this vCPU has used, in ns (libxl_vcpuinfo.vcpu_time). */
  cpuTimeNs: number;
  /**
   * Hard affinity: the pCPU ids it may run on, ascending, each below the host's nrCpus
   * (libxl_vcpuinfo.cpumap); every pCPU when not pinned (xl prints `all`).
   */
  hardAffinity: number[];
  /** Soft affinity: the pCPU ids it prefers, ascending (libxl_vcpuinfo.cpumap_soft); every pCPU by default. */
  softAffinity: number[];
}

/**
 * A domain's credit2 scheduler parameters, as `xl sched-credit2 -d DOMAIN` prints them.
 * Source: libxl_domain_sched_params_get / _set (LIBXL_SCHEDULER_CREDIT2).
 */
export interface SchedCredit2 {
  /** Relative weight, 1–65535 (default 256). */
  weight: number;
  /**
   * Cap in percent of one pCPU, 0 = no cap (the default; 100 = one whole pCPU); at most 100 ×
   * the domain's vCPUs (maxVcpus), as libxl and Xen enforce it.
   */
  cap: number;
}

/**
 * A virtual network interface of a running domain (`xl network-list`). Sources:
 * libxl_device_nic_list for devid, MAC, bridge, IP, type and backend; the backend's xenstore
 * `rate` (libxl_device_nic_list does not read it back); model and `vifname=` from the stored
 * domain configuration (libxl_retrieve_domain_configuration); the backend's vif name
 * `vif<domid>.<devid>` (`vif<domid>.<devid>-emu` for an HVM guest's emulated twin).
 */
export interface DomainNic {
  /** Device id (libxl_device_nic.devid): the `N` in `vifD.N`. */
  devid: number;
  /** MAC address, lowercase `xx:xx:xx:xx:xx:xx` (libxl_device_nic.mac). */
  mac: string;
  /** Bridge the backend vif is added to (libxl_device_nic.bridge; xenstore backend `bridge`). */
  bridge: string | null;
  /** dom0 interface name of the backend, e.g. `vif5.0` (libxl_device_nic.ifname or the default). */
  vifName: string;
  /** IP address(es) set in the vif spec (`ip=`; libxl_device_nic.ip), else null. */
  ip: string | null;
  /**
   * Emulated NIC model for HVM (`model=`, e.g. `e1000`; stored config), else null (also when
   * unset: QEMU's default, rtl8139).
   */
  model: string | null;
  /**
   * Rate limit in bytes per second: the backend's xenstore `rate`
   * ("<rate_bytes_per_interval>,<rate_interval_usecs>") as bytes × 10⁶ / µs (`rate=` in the vif
   * spec), null when unlimited.
   */
  rateBytesPerSec: number | null;
  /** Backend domain id (libxl_device_nic.backend_domid), 0 for dom0. */
  backendDomid: number;
  /**
   * libxl_device_nic.nictype: `ioemu` (vif_ioemu, an HVM guest's default: the PV vif plus an
   * emulated NIC whose dom0 tap is `<vifName>-emu`) or `vif` (PV only).
   */
  type: 'vif' | 'ioemu';
}

/** What {@link Hypervisor.saveDomain} wrote. */
export interface SaveResult {
  /** The state file, absolute. */
  file: string;
  /** Its size in bytes after the save. */
  sizeBytes: number;
  /** What `xl save` printed (stdout and stderr), for the log. */
  output: string;
}

/** Options of {@link Hypervisor.saveDomain}. */
export interface SaveOptions {
  /**
   * Leave the domain running after the save (`xl save -c`, a checkpoint); default false: the
   * domain is destroyed once its state is on disk, as `xl save` does.
   */
  checkpoint?: boolean;
  /** Called about once a second with the bytes written to `file` so far (for a task's progress). */
  onProgress?: (writtenBytes: number) => void;
}

/** A domain lifecycle operation, as the `xl` sub-command of the same name. */
export type DomainOperation = 'shutdown' | 'reboot' | 'destroy' | 'pause' | 'unpause';

/** Result of starting a domain from a config file (`xl create FILE`). */
export interface CreateResult {
  /** The new domain's id. */
  domid: number;
  /** The domain's name. */
  name: string;
  /** What `xl create` printed (stdout and stderr), for the log. */
  output: string;
}

/**
 * A Xen host. Every method may throw a {@link HypervisorError}; the codes each method can throw
 * are listed on it. `XEN_UNAVAILABLE` may come from any of them on the libxl backend.
 */
export interface Hypervisor {
  readonly kind: BackendKind;

  /** Host facts. Throws XEN_UNAVAILABLE. */
  hostInfo(): Promise<HostInfo>;

  /** dom0 memory and its limits (= `domainMemory(0)`). Throws XEN_UNAVAILABLE. */
  dom0Memory(): Promise<Dom0Memory>;

  /**
   * A domain's memory and the limits of a new balloon target, in KiB, as {@link Dom0Memory} gives
   * them for dom0: `currentKiB` as `xl list`; `targetKiB` from xenstore
   * `/local/domain/<domid>/memory/target`; `maxKiB` what libxl_set_memory_target accepts (xenstore
   * `memory/static-max`, plus `memory/videoram` for a domU: the config's maxmem, NOT
   * libxl_dominfo.max_memkb, which follows the target); `minKiB` dom0's floor or 32 MiB for a domU.
   * Throws DOMAIN_NOT_FOUND, XEN_UNAVAILABLE.
   */
  domainMemory(domid: number): Promise<Dom0Memory>;

  /**
   * Sets a domain's balloon target (libxl_set_memory_target, absolute, enforce=1), in KiB.
   * The domain reaches it over seconds; read `memoryKiB` to see progress.
   * Throws DOMAIN_NOT_FOUND, MEMORY_OUT_OF_RANGE (below the minimum or above static-max:
   * `details` carries `minKiB` and `maxKiB`), LIBXL_ERROR.
   */
  setMemoryTarget(domid: number, targetKiB: number): Promise<void>;

  /** All domains, dom0 first, ordered by domid. */
  listDomains(): Promise<DomainInfo[]>;

  /** One domain by domid. Throws DOMAIN_NOT_FOUND. */
  domainInfo(domid: number): Promise<DomainInfo>;

  /**
   * Looks up a domain id by name (libxl_name_to_domid). Returns undefined when no domain has it.
   */
  domidByName(name: string): Promise<number | undefined>;

  /**
   * Runs a lifecycle operation. Throws DOMAIN_NOT_FOUND, INVALID_STATE (for example unpause of a
   * running domain, or any operation on dom0 other than none: dom0 is refused with
   * INVALID_STATE), LIBXL_ERROR.
   */
  domainOperation(domid: number, op: DomainOperation): Promise<void>;

  /**
   * Starts a domain from an xl config file, as `xl create FILE` (the libxl backend spawns xl with
   * an argument array: xl's monitor process is what honours on_reboot/on_crash).
   * The file is read first with `@xendeck/xl-config` (both backends): what it finds wrong is
   * CREATE_FAILED with `details.line` and `details.diagnostics` (`{line, column, code, message}`).
   * Throws CONFIG_NOT_FOUND, DOMAIN_EXISTS, CREATE_FAILED (message carries xl's error text or
   * xl-config's; on the libxl backend a domain xl left half-built, e.g. killed at the timeout, is
   * destroyed: `details.destroyedDomid`).
   */
  createDomain(configPath: string): Promise<CreateResult>;

  /**
   * Subscribes to domain changes. Returns an unsubscribe function. Events for changes made outside
   * this process arrive within a second on the libxl backend.
   */
  onDomainEvent(listener: (event: DomainEvent) => void): () => void;

  /**
   * Re-reads the domain list now and emits events for any difference with the last one seen.
   * The server calls this after its own operations and on a slow timer, to catch changes that
   * xenstore does not announce (pause/unpause made in a shell).
   */
  refresh(): Promise<void>;

  /**
   * One sample of every domain's live counters (CPU time, vCPUs, memory, vif and vbd I/O) and the
   * host's CPUs and memory. libxl backend: on a worker thread, `xenstat_get_node(handle,
   * XENSTAT_VCPU)` (the xenstat handle is opened on the first call and kept), then vif counters
   * from dom0's /proc/net/dev and blkback vbd counters from sysfs, read by the addon (the README
   * says why libxenstat's own readers are not used). Units and the source of each field are on
   * {@link MetricsSnapshot}; counters are cumulative: turn two snapshots into rates with
   * `computeRates(prev, cur)`. Throws XEN_UNAVAILABLE (xenstat_init or xenstat_get_node failed;
   * `details.call` names which).
   */
  metricsSnapshot(): Promise<MetricsSnapshot>;

  /**
   * The domain's VNC endpoint now, read from xenstore (see {@link VncEndpoint}); `undefined`
   * when the domain has no VNC console (no `console/vnc-port`: PV without vfb, `vnc = 0`, or the
   * device model not up yet). The simulated host serves a synthetic RFB server on 127.0.0.1 for
   * its HVM domains. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad domid).
   */
  vncEndpoint(domid: number): Promise<VncEndpoint | undefined>;

  /**
   * Opens a domain's text console (see {@link TextConsole}). libxl backend: reads the pty path
   * from xenstore (console/tty for `pv`, serial/0/tty for `serial`), takes xl console's lock
   * (/var/lock/xenconsole.<domid>, LOCK_EX|LOCK_NB) and opens the pty in raw mode.
   * The simulated host gives a small fake shell. Throws DOMAIN_NOT_FOUND, CONSOLE_UNAVAILABLE
   * (no such pty), CONSOLE_BUSY (`xl console` holds the lock), INVALID_ARGUMENT.
   */
  openTextConsole(domid: number, kind: TextConsoleKind): Promise<TextConsole>;

  /**
   * The domain's virtual block devices now (see {@link DomainDisk}). libxl backend:
   * `libxl_device_disk_list`; simulated host: the disks of the config it was created from, with
   * its CD-ROM changes. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad domid).
   */
  domainDisks(domid: number): Promise<DomainDisk[]>;

  /**
   * Puts an image in an HVM domain's emulated CD-ROM drive `vdev`, as `xl cd-insert DOMAIN VDEV
   * TARGET` (libxl_cdrom_insert with a raw, read-only disk; QEMU sees the change at once; the config
   * file does not change, libxl's stored configuration does: the image stays in after a reboot).
   * The drive must exist: an HVM guest gets one only from a `cdrom` disk in its config (an empty
   * one: `',,hdc:cdrom,r'`). `target` is an absolute dom0 path of an existing file or block
   * device. Throws DOMAIN_NOT_FOUND,
   * INVALID_STATE (not an HVM domain), INVALID_ARGUMENT (no CD-ROM drive `vdev`, or no such file),
   * LIBXL_ERROR.
   */
  cdInsert(domid: number, vdev: string, target: string): Promise<void>;

  /**
   * Empties an HVM domain's CD-ROM drive `vdev`, as `xl cd-eject DOMAIN VDEV` (libxl_cdrom_insert
   * with an empty disk). Throws DOMAIN_NOT_FOUND, INVALID_STATE (not an HVM domain),
   * INVALID_ARGUMENT (no CD-ROM drive `vdev`), LIBXL_ERROR.
   */
  cdEject(domid: number, vdev: string): Promise<void>;

  /**
   * Saves a domain's memory and state to `file`, as `xl save [-c] DOMAIN FILE` (the libxl backend
   * spawns xl with an argument array, so the file is exactly what `xl restore` and `xendomains`
   * read: xl's header, the domain's config, then libxl's stream). Without `checkpoint` the domain
   * is gone afterwards. `file` is an absolute path whose directory exists; it must not exist yet.
   * Throws DOMAIN_NOT_FOUND, INVALID_STATE (dom0, or a domain that is not running/blocked/paused),
   * INVALID_ARGUMENT (bad path, file exists), SAVE_FAILED (xl's error text in the message; a
   * partial file is removed).
   */
  saveDomain(domid: number, file: string, opts?: SaveOptions): Promise<SaveResult>;

  /**
   * Restores a domain from a state file, as `xl restore FILE` (spawned: xl's monitor process
   * stays, as for {@link createDomain}). The domain comes back under its saved name with a new
   * domid; the file is kept. Throws INVALID_ARGUMENT (no such file), DOMAIN_EXISTS (a domain of
   * the saved name runs), RESTORE_FAILED (xl's error text).
   */
  restoreDomain(file: string): Promise<CreateResult>;

  /**
   * The vCPUs of a domain (libxl_list_vcpu), one per vCPU id 0..maxVcpus-1, offline ones
   * included, as `xl vcpu-list DOMAIN`. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad domid),
   * LIBXL_ERROR.
   */
  vcpuList(domid: number): Promise<VcpuInfo[]>;

  /**
   * Sets how many vCPUs are online, as `xl vcpu-set` (libxl_set_vcpuonline with vCPUs 0..count-1
   * online, the others offline). `count` is an integer 1..maxVcpus (libxl itself fails with
   * ERROR_FAIL above maxVcpus; unlike `xl vcpu-set`, a count above the host's pCPUs is not
   * refused: xl wants `-i` then). The guest acts on the request: a PV/PVH Linux guest takes vCPUs
   * offline itself, but a vCPU it is offered is brought online by its userspace (udev writes
   * /sys/devices/system/cpu/cpuN/online), so `vcpuList` and `DomainInfo.vcpus` follow within a
   * moment, or not at all in a guest without udev. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT
   * (not an integer, or outside 1..maxVcpus: `details` `{ domid, count, min: 1, max }`),
   * INVALID_STATE (a shutdown, crashed or dying domain: `details` `{ domid, state }`; dom0 and
   * paused domains are allowed), LIBXL_ERROR.
   */
  setVcpus(domid: number, count: number): Promise<void>;

  /**
   * Pins vCPU `vcpu` (or every vCPU, `'all'`) to pCPUs, as `xl vcpu-pin` (libxl_set_vcpuaffinity
   * / libxl_set_vcpuaffinity_all). `hard` and `soft` are pCPU ids (duplicates and order do not
   * matter); `soft` undefined leaves the soft affinity as it is; an empty set is refused; a soft
   * set with no pCPU of the hard one is accepted (libxl warns; Xen then schedules by hard). Pinning
   * lasts for this boot of the domain (the config's `cpus=` is not changed). Throws
   * DOMAIN_NOT_FOUND, INVALID_ARGUMENT (no such vCPU: `details` `{ domid, vcpu, min: 0, max:
   * maxVcpus - 1 }`; a pCPU ≥ nrCpus or an empty set: `{ field: 'hard' | 'soft', cpus, min: 0,
   * max: nrCpus - 1 }`), LIBXL_ERROR.
   */
  pinVcpu(
    domid: number,
    vcpu: number | 'all',
    hard: readonly number[],
    soft?: readonly number[],
  ): Promise<void>;

  /**
   * The domain's credit2 parameters (libxl_domain_sched_params_get), as `xl sched-credit2 -d
   * DOMAIN`. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad domid), INVALID_STATE (the domain's
   * cpupool does not run credit2: `details` `{ domid, scheduler }`), LIBXL_ERROR.
   */
  schedCredit2(domid: number): Promise<SchedCredit2>;

  /**
   * Sets credit2 parameters (libxl_domain_sched_params_set), as `xl sched-credit2 -d DOMAIN -w
   * WEIGHT -c CAP`; a field left out keeps its value. Integers: weight 1–65535, cap 0–100 ×
   * maxVcpus (libxl's and Xen's ranges). Lasts for this boot of the domain. Throws
   * DOMAIN_NOT_FOUND, INVALID_ARGUMENT (out of range: `details` `{ field, value, min, max }`; no
   * field given, or another one: `{ params }` / `{ field }`), INVALID_STATE (not credit2),
   * LIBXL_ERROR.
   */
  setSchedCredit2(domid: number, params: Partial<SchedCredit2>): Promise<void>;

  /**
   * The domain's vifs now (libxl_device_nic_list, see {@link DomainNic}), sorted by devid; dom0
   * has none. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad domid), LIBXL_ERROR.
   */
  domainNics(domid: number): Promise<DomainNic[]>;

  /**
   * Adds a vif to a running domain, as `xl network-attach DOMAIN SPEC...` (`spec` is a vif spec in
   * the config's syntax, e.g. `bridge=xenbr0,mac=00:16:3e:12:34:56`, read by @xendeck/xl-config's
   * vif grammar; any piece it warns about is refused). The libxl backend spawns `xl
   * network-attach <domid> <piece>...` (xl's own parser and defaults: a random 00:16:3e MAC when
   * none, the next free devid, bridge xenbr0), then finds the new devid in {@link domainNics}.
   * Returns the new vif. Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad spec: the grammar's
   * message), INVALID_STATE (dom0), LIBXL_ERROR (xl failed, e.g. no such bridge: the hotplug
   * script failed; `details.output` has xl's output; a half-added vif libxl left behind is
   * destroyed, its devid in `details.removedDevids`).
   */
  nicAttach(domid: number, spec: string): Promise<DomainNic>;

  /**
   * Removes vif `devid` from a running domain, as `xl network-detach DOMAIN DEVID`
   * (libxl_devid_to_device_nic + libxl_device_nic_remove, synchronous on a worker thread).
   * Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT (bad devid, or no such vif), INVALID_STATE (dom0),
   * LIBXL_ERROR.
   */
  nicDetach(domid: number, devid: number): Promise<void>;

  /** Releases watches, threads and the libxl context (and the xenstat handle). */
  close(): Promise<void>;
}
