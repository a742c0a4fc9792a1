/**
 * The raw surface of the native addon (`build/Release/xendeck_xen.node`, source
 * `native/xendeck_xen.cc`). Only `native.ts` loads it and only `libxl-host.ts` uses it. Values are
 * libxl's own, unconverted: memory in KiB or pages as named, CPU time in ns, enums as numbers.
 *
 * Failures reject with an `Error` carrying {@link NativeErrorFields}; `libxl-errors.ts` turns them
 * into HypervisorError. Wrong argument types throw `TypeError` with a usage line, synchronously.
 */

/** Extra fields on errors from the addon. */
export interface NativeErrorFields {
  /** The C function that failed, e.g. "libxl_domain_pause", or "closed". */
  call?: string;
  /** libxl's negative error number (enum libxl_error in libxl_types.h). */
  libxlError?: number;
  /** errno, for xenstore and system calls. */
  errno?: number;
}

/** libxl_physinfo. Memory in pages (see RawVersionInfo.pagesize; 4096 bytes on x86). */
export interface RawPhysinfo {
  nrCpus: number;
  cpuKhz: number;
  totalPages: number;
  freePages: number;
  scrubPages: number;
  outstandingPages: number;
  capHvm: boolean;
  capPv: boolean;
  capHvmDirectio: boolean;
  capHap: boolean;
  capShadow: boolean;
  capIommuHapPtShare: boolean;
  capVmtrace: boolean;
  capVpmu: boolean;
  capGnttabV1: boolean;
  capGnttabV2: boolean;
}

/** libxl_version_info (the fields Xendeck uses). */
export interface RawVersionInfo {
  major: number;
  minor: number;
  /** e.g. ".7" */
  extra: string;
  /** Page size in bytes. */
  pagesize: number;
  capabilities: string;
  /** Xen's command line. */
  commandline: string;
}

/** libxl_dominfo plus the name from libxl_domid_to_name (null when xenstore has none). */
export interface RawDominfo {
  domid: number;
  uuid: string;
  name: string | null;
  running: boolean;
  blocked: boolean;
  paused: boolean;
  shutdown: boolean;
  dying: boolean;
  /** libxl_shutdown_reason: -1 unknown, 0 poweroff, 1 reboot, 2 suspend, 3 crash, 4 watchdog, 5 soft_reset. */
  shutdownReason: number;
  currentMemKiB: number;
  outstandingMemKiB: number;
  maxMemKiB: number;
  cpuTimeNs: number;
  vcpuOnline: number;
  vcpuMaxId: number;
  /** libxl_domain_type: 1 HVM, 2 PV, 3 PVH, -1 invalid. */
  domainType: number;
}

/** One xenstat_network, unconverted (counters as doubles, exact below 2^53). */
export interface RawXenstatNetwork {
  id: number;
  rbytes: number;
  rpackets: number;
  rerrs: number;
  rdrop: number;
  tbytes: number;
  tpackets: number;
  terrs: number;
  tdrop: number;
}

/** One xenstat_vbd, unconverted. `type`: 1 blkback, 2 blktap, 0 qdisk (QMP) in Xen 4.17. */
export interface RawXenstatVbd {
  type: number;
  dev: number;
  /** xenstat_vbd_error: the statistics could not be read (the counters are then 0). */
  error: boolean;
  ooReqs: number;
  rdReqs: number;
  wrReqs: number;
  rdSects: number;
  wrSects: number;
}

/** One xenstat_domain, unconverted: the flags as the xenstat_domain_* getters return them. */
export interface RawXenstatDomain {
  domid: number;
  name: string;
  running: boolean;
  blocked: boolean;
  paused: boolean;
  shutdown: boolean;
  crashed: boolean;
  dying: boolean;
  cpuNs: number;
  /** xenstat_domain_num_vcpus (max_vcpu_id + 1). */
  numVcpus: number;
  /** vCPUs whose xenstat_vcpu_online is set. */
  onlineVcpus: number;
  /** xenstat_domain_cur_mem, bytes. */
  curMemBytes: number;
  /** xenstat_domain_max_mem, bytes; null when it is UINT64_MAX (unlimited). */
  maxMemBytes: number | null;
  networks: RawXenstatNetwork[];
  vbds: RawXenstatVbd[];
}

/**
 * One metrics sample of the host and all domains: what `xenstatSnapshot` copies out of
 * xenstat_get_node, or what `metricsSample` reads without libxenstat (same fields, same units).
 */
export interface RawXenstatNode {
  /** clock_gettime(CLOCK_MONOTONIC) when the collection started, ns. */
  monotonicNs: number;
  /** Duration of the whole collection in the addon (devices included), ns (CLOCK_MONOTONIC). */
  collectNs: number;
  numCpus: number;
  cpuHz: number;
  totMemBytes: number;
  freeMemBytes: number;
  domains: RawXenstatDomain[];
}

/**
 * The addon's packed metrics sample (`metricsSample`): the RawXenstatNode fields in typed arrays,
 * unpacked by src/metrics/packed-sample.ts (the layout is written there and in the addon's
 * `PackedNodeToJs`). Units as in RawXenstatNode: ns, bytes, counts; -1 = unlimited max memory.
 */
export interface RawPackedSample {
  /** [monotonicNs, collectNs, numCpus, cpuHz, totMemBytes, freeMemBytes]. */
  host: Float64Array;
  /** Per domain: [domid, flags, cpuNs, curMemBytes, maxMemBytes, numVcpus, onlineVcpus, nets, vbds]. */
  doms: Float64Array;
  /** Per vif, in domain order: [id, rbytes, rpackets, rerrs, rdrop, tbytes, tpackets, terrs, tdrop]. */
  nets: Float64Array;
  /** Per vbd, in domain order: [type, dev, error (0/1), ooReqs, rdReqs, wrReqs, rdSects, wrSects]. */
  vbds: Float64Array;
  /** The domains' names joined by NUL, in domain order. */
  names: string;
}

/**
 * One entry of libxl_device_disk_list (the list `xl block-list` prints), with what
 * libxl_device_disk_getinfo and the backend's xenstore `params` add.
 */
export interface RawDisk {
  /** libxl_device_disk.vdev, e.g. "xvda", "hdc". */
  vdev: string;
  /**
   * libxl_device_disk.pdev_path: the backend params without their "<format>:" prefix (libxl
   * strips it); "" for an empty CD-ROM drive; null when xenstore had no params.
   */
  pdevPath: string | null;
  /** libxl_disk_backend_to_string(backend): "phy", "qdisk", "tap", "standalone", "unknown". */
  backend: string;
  /**
   * libxl_disk_format_to_string(format). Xen 4.17's libxl_device_disk_list always reports
   * "unknown" (libxl__disk_from_xenstore does not read the format back): see `backendParams`.
   */
  format: string;
  /** libxl_device_disk.is_cdrom. */
  isCdrom: boolean;
  /** libxl_device_disk.readwrite (xenstore `mode` = "w"). */
  readwrite: boolean;
  /** libxl_device_disk.removable. */
  removable: boolean;
  /** libxl_diskinfo.devid (e.g. 51712 for xvda, 5632 for hdc); -1 when getinfo failed. */
  devid: number;
  /** libxl_diskinfo.backend, e.g. "/local/domain/0/backend/qdisk/3/5632"; null when getinfo failed. */
  backendPath: string | null;
  /**
   * xs_read of `<backendPath>/params`: the path for `phy`, "<fmt>:<path>" for `qdisk` ("aio" is
   * raw), "" for an ejected CD-ROM; null when absent.
   */
  backendParams: string | null;
}

/**
 * One entry of libxl_device_nic_list (what `xl network-list` lists), with the backend's xenstore
 * `rate` and `vifname`, and model/ifname from libxl_retrieve_domain_configuration (null when
 * unset or unavailable). See `NicList` in native/xendeck_xen.cc.
 */
export interface RawNic {
  /** libxl_device_nic.devid. */
  devid: number;
  /** libxl_device_nic.backend_domid. */
  backendDomid: number;
  /** libxl_device_nic.mac, lowercase `xx:xx:xx:xx:xx:xx`. */
  mac: string;
  /** libxl_device_nic.ip (`ip=`), null when unset. */
  ip: string | null;
  /** libxl_device_nic.bridge. */
  bridge: string | null;
  /** libxl_device_nic.script ("" when unset). */
  script: string;
  /** libxl_nic_type_to_string(nictype): "vif" or "vif_ioemu". */
  nictype: string;
  /** Stored config's `model=`, null when unset. */
  model: string | null;
  /** Stored config's `vifname=` (ifname), null when unset. */
  ifname: string | null;
  /** xenstore `<backend>/rate`: "<bytes per interval>,<interval µs>", null when unlimited. */
  backendRate: string | null;
  /** xenstore `<backend>/vifname`, null when unset. */
  backendVifname: string | null;
}

/** One libxl_vcpuinfo from libxl_list_vcpu. */
export interface RawVcpu {
  vcpuid: number;
  /** pCPU it runs or last ran on (meaningless while offline). */
  cpu: number;
  online: boolean;
  blocked: boolean;
  running: boolean;
  /** vcpu_time, ns. */
  vcpuTimeNs: number;
  /** Hard affinity (cpumap): set bits below nr_cpus, ascending. */
  hard: number[];
  /** Soft affinity (cpumap_soft): set bits below nr_cpus, ascending. */
  soft: number[];
}

/** libxl_domain_sched_params from libxl_domain_sched_params_get (fields a scheduler lacks are -1). */
export interface RawSchedParams {
  /** libxl_scheduler_to_string of the domain's cpupool scheduler, e.g. "credit2", "credit". */
  sched: string;
  weight: number;
  cap: number;
}

/** A libxl context (libxl_ctx + xenstore handle + SIGCHLD forwarding + optional watch thread). */
export interface NativeContext {
  physinfo(): Promise<RawPhysinfo>;
  versionInfo(): Promise<RawVersionInfo>;
  /**
   * Every domain as libxl_list_domain reports it (libxl_dominfo's fields), read with
   * xc_domain_getinfolist in one-page chunks (cheaper: no 1024-entry bounce buffer, no per-domain
   * FLASK query), with names (the name cache, else libxl_domid_to_name).
   */
  listDomains(): Promise<RawDominfo[]>;
  /** libxl_domain_info; rejects with libxlError -21 (ERROR_DOMAIN_NOTFOUND). */
  domainInfo(domid: number): Promise<RawDominfo>;
  domidToName(domid: number): Promise<string | null>;
  /** libxl_name_to_domid; null when no domain has the name. */
  nameToDomid(name: string): Promise<number | null>;
  /** libxl_domain_{pause,unpause,shutdown,reboot,destroy}(ctx, domid, NULL). */
  domainOp(
    domid: number,
    op: 'pause' | 'unpause' | 'shutdown' | 'reboot' | 'destroy',
  ): Promise<void>;
  /** libxl_set_memory_target(ctx, domid, targetKiB, relative=0, enforce=1). */
  setMemoryTarget(domid: number, targetKiB: number): Promise<void>;
  /** xs_read; null when the node does not exist. */
  xsRead(path: string): Promise<string | null>;
  /**
   * Starts the watch thread on `@introduceDomain` and `@releaseDomain`; `callback` gets the
   * watched path each time one fires (once at registration too), or "!error" if the xenstore
   * connection fails. `firedAtMs` is when the watch thread got the event from `xs_check_watch`
   * (CLOCK_REALTIME, ms since the epoch with fractions: comparable with `Date.now()` in dom0).
   * The thread does not keep the process alive. Throws if already running.
   */
  startWatch(callback: (path: string, firedAtMs: number) => void): void;
  /** Stops and joins the watch thread (no-op when not running). */
  stopWatch(): void;
  /**
   * On a worker thread: xenstat_get_node(handle, XENSTAT_VCPU, plus XENSTAT_VBD when `xenstatVbd`),
   * then blkback's sysfs statistics (unless `xenstatVbd`) and /proc/net/dev for the vifs, read by
   * the addon itself (see native/xendeck_xen.cc for why libxenstat's readers are avoided). The
   * xenstat handle (xenstat_init) is opened on the first call and kept until close(). Calls are
   * serialised (libxenstat keeps per-handle and static state). Rejects with `call`
   * "xenstat_init" or "xenstat_get_node" and `errno`.
   */
  xenstatSnapshot(xenstatVbd: boolean): Promise<RawXenstatNode>;
  /**
   * The cheap sample, the same fields and units as `xenstatSnapshot(false)` but packed in typed
   * arrays (N-API property sets are dear under TCG; `unpackSample` rebuilds the shape), on a worker thread, one
   * call at a time: libxl_get_physinfo (host); xc_domain_getinfolist in one-page chunks (cpu_time
   * ns; tot_pages / max_pages → bytes; nr_online_vcpus; max_vcpu_id + 1; XEN_DOMINF_* flags,
   * shutdown with reason crash → `crashed`); names from the addon's name cache (xenstore
   * `/local/domain/<domid>/name` only for a domid not cached: the cache is kept by the
   * startWatch thread's recursive `/local/domain` watch and is off while no watch runs); the
   * backend device list (walked again only after a write under /local/domain/0/backend/ or a
   * domain watch), then the same blkback sysfs counters and /proc/net/dev as `xenstatSnapshot`
   * (the file skipped when there is no netback device). Rejects with `call`
   * "xc_interface_open" / "xc_domain_getinfolist" (`errno`) or "libxl_get_physinfo" (`libxlError`).
   */
  metricsSample(): Promise<RawPackedSample>;
  /**
   * On a worker thread: libxl_device_disk_list(ctx, domid, &n), libxl_device_disk_getinfo and an
   * xs_read of the backend params per disk, then libxl_device_disk_list_free. An unknown domain
   * gives an empty list (libxl returns NULL for both): check the domain first.
   */
  diskList(domid: number): Promise<RawDisk[]>;
  /**
   * On a worker thread: libxl_cdrom_insert(ctx, domid, &disk, NULL) with the disk `xl cd-insert`
   * builds (vdev, is_cdrom, removable, read-only, format raw with pdev_path `target`) or, for
   * `target` null, the one `xl cd-eject` builds (format empty, pdev_path ""). Rejects with
   * `libxlError`: ERROR_INVAL (-6) not HVM or a stub-domain device model, ERROR_FAIL (-3) no
   * CD-ROM drive `vdev`, the file cannot be opened, or QEMU refused (libxl logs why on stderr).
   */
  cdromInsert(domid: number, vdev: string, target: string | null): Promise<void>;
  /** On a worker thread: libxl_device_nic_list + getinfo + backend xenstore reads (see RawNic). */
  nicList(domid: number): Promise<RawNic[]>;
  /**
   * On a worker thread: libxl_devid_to_device_nic, then libxl_device_nic_remove(ctx, domid, &nic,
   * NULL) (synchronous), or with `force` libxl_device_nic_destroy (no wait for the frontend).
   * Rejects with `libxlError` ERROR_FAIL (-3) when there is no vif `devid`.
   */
  nicRemove(domid: number, devid: number, force: boolean): Promise<void>;
  /**
   * On a worker thread: libxl_list_vcpu + libxl_vcpuinfo_list_free. Rejects with `libxlError`
   * ERROR_FAIL (-3) when libxl returns nothing (no such domain): check the domain first.
   */
  vcpuList(domid: number): Promise<RawVcpu[]>;
  /**
   * On a worker thread: libxl_set_vcpuonline(ctx, domid, map, NULL) with a bitmap of `count`
   * bits, all set (`xl vcpu-set`). Rejects with ERROR_FAIL (-3) when count > max_vcpu_id + 1.
   */
  setVcpuOnline(domid: number, count: number): Promise<void>;
  /**
   * On a worker thread: libxl_set_vcpuaffinity (one vCPU) or libxl_set_vcpuaffinity_all (vCPUs
   * 0..maxVcpus-1) with pCPU bitmaps (libxl_cpu_bitmap_alloc); `soft` null keeps the soft
   * affinity. Rejects with ERROR_INVAL when a pCPU does not fit the bitmap, ERROR_FAIL when Xen
   * refuses (no such vCPU, no usable pCPU in the hard set).
   */
  setVcpuAffinity(
    domid: number,
    vcpu: number | 'all',
    maxVcpus: number,
    hard: number[],
    soft: number[] | null,
  ): Promise<void>;
  /** On a worker thread: libxl_domain_sched_params_get. */
  schedParamsGet(domid: number): Promise<RawSchedParams>;
  /**
   * On a worker thread: libxl_domain_sched_params_set with sched credit2; -1 keeps a field.
   * Rejects with ERROR_INVAL (weight outside 1..65535), ERROR_FAIL (Xen's EINVAL: cap above
   * 100 × vCPUs, or not credit2).
   */
  schedCredit2Set(domid: number, weight: number, cap: number): Promise<void>;
  /** Stops the watch and SIGCHLD forwarding, frees the context. Throws if calls are in flight. */
  close(): Promise<void>;
}

/** The addon's exports. */
export interface NativeAddon {
  /** libxl_ctx_alloc (xtl stdio logger at warning level), libxl_childproc_setmode(mainloop), xs_open. */
  openContext(): Promise<NativeContext>;
  /** The Xen libraries the addon is linked with. */
  linkedLibraries(): string[];
  /**
   * Takes the lock `xl console` takes (xenconsole: flock LOCK_EX|LOCK_NB on
   * XEN_LOCK_DIR/xenconsole.<domid>): open(path, O_RDWR|O_CREAT|O_CLOEXEC|O_NOFOLLOW, 0600), then
   * flock. Synchronous (immediate syscalls). Returns the fd holding the lock. Throws an Error with
   * `call` ("open", "fstat", "flock") and `errno`: EWOULDBLOCK (11) when another process holds it;
   * TypeError for a relative path.
   */
  lockConsole(path: string): number;
  /** Releases a {@link lockConsole} lock: close(fd). Throws with `errno` EBADF when not open. */
  unlockConsole(fd: number): void;
}
