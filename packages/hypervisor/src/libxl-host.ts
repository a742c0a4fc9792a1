/**
 * The real backend: libxl and xenstore through the native addon (see `native.ts`), plus `xl
 * create` for starting domains (xl's monitor process is what honours on_reboot/on_crash).
 *
 * Events: a xenstore watch on `@introduceDomain` and `@releaseDomain` (a thread in the addon)
 * triggers a re-list and diff at once (watches that fire during a list fold into one more list);
 * while a domain is `dying` or `shutdown`, the list is re-read every 50 ms for up to 5 s so its
 * removal is seen without a further watch. Each event carries the firing time of
 * the watch that led to it (`watchFiredAt`, from the addon's watch thread). Pause/unpause made
 * outside are not announced by xenstore: `refresh()` finds them.
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import {
  checkDomainName,
  checkDomainOperation,
  checkDomainState,
  checkMemoryChange,
  checkMemoryTargetType,
  checkDomid as domidRule,
} from '@xendeck/api';
import { checkCdromDomain, checkImageFile, checkVdev, findCdrom } from './cdrom.js';
import { readCreateConfig } from './config-file.js';
import { DomainEventHub } from './domain-events.js';
import { enforce } from './enforce.js';
import { HypervisorError, isHypervisorError } from './errors.js';
import {
  CallGate,
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_MAX_CONCURRENT_BUILDS,
  DEFAULT_MAX_CONCURRENT_CALLS,
  type ProgramResult,
  runProgram,
} from './host-calls.js';
import { mapNativeError } from './libxl-errors.js';
import { DEFAULT_DOM0_MIN_MiB, DOMU_MIN_TARGET_KiB, dom0MinKiB } from './limits.js';
import { unpackSample } from './metrics/packed-sample.js';
import {
  loadNative,
  type NativeContext,
  type RawDisk,
  type RawDominfo,
  type RawVcpu,
  type RawXenstatDomain,
  type RawXenstatNode,
} from './native.js';
import { checkNicDevid, checkNicDomain, readNicSpec, toDomainNic } from './nics.js';
import {
  checkRestoreSource,
  checkSavable,
  checkSaveTarget,
  commitSaveFile,
  partialSavePath,
  pollFileSize,
  removePartialSave,
  saveRestoreTimeoutMs,
} from './save-file.js';
import { readXlSaveHeader, restorableName } from './saved-image.js';
import { openLibxlTextConsole } from './text-console.js';
import type {
  CreateResult,
  Dom0Memory,
  DomainDisk,
  DomainEvent,
  DomainInfo,
  DomainMetrics,
  DomainNic,
  DomainOperation,
  DomainState,
  DomainType,
  HostInfo,
  Hypervisor,
  MetricsSnapshot,
  SaveOptions,
  SaveResult,
  SchedCredit2,
  TextConsole,
  TextConsoleKind,
  VbdBackendType,
  VcpuInfo,
  VirtCap,
  VncEndpoint,
} from './types.js';
import {
  checkCpuSet,
  checkCredit2,
  checkVcpuChangeState,
  checkVcpuCount,
  checkVcpuCountType,
  checkVcpuId,
  checkVcpuIdType,
} from './vcpus.js';
import { XEN_PRIVCMD_PATHS, xenPresent } from './xen-present.js';

/** Options of {@link openLibxlHost}. */
export interface LibxlHostOptions {
  /** Safety floor for dom0's balloon target, MiB; the minimum is max(128 MiB, this). Default 512. */
  dom0MinMiB?: number;
  /**
   * The xl binary, absolute; default {@link DEFAULT_XL_PATH} (never looked up on PATH, which under
   * `pnpm start` holds node_modules/.bin directories first). The server sets it from XENDECK_XL_PATH.
   */
  xlPath?: string;
  /** How long `xl create` may take before it is killed, ms; default 120000 (TCG is slow). */
  createTimeoutMs?: number;
  /**
   * How long a caller waits for one libxl/xenstore/xenstat call, queueing included, before it gets
   * HypervisorError TIMEOUT, ms; default 60 000 (`host-calls.ts`). The call itself cannot be
   * cancelled: it keeps its slot until it returns.
   */
  callTimeoutMs?: number;
  /** Native calls running at once (each holds a libuv pool thread); default 3. */
  maxConcurrentCalls?: number;
  /** `xl create` and `xl restore` running at once; more wait their turn; default 2. */
  maxConcurrentBuilds?: number;
  /**
   * Let libxenstat collect vbd statistics (XENSTAT_VBD) in `metricsSnapshot()`, which adds qdisk
   * disks (read over each device model's QMP socket) at a cost of at least 20 ms per domain with a
   * qdisk disk per sample (libxenstat waits for a 10 ms poll timeout per QMP query). Default
   * false: blkback/blktap statistics are read from sysfs directly and qdisk disks are not listed.
   */
  metricsQdisk?: boolean;
  /**
   * Take `metricsSnapshot()` from libxenstat (xenstat_get_node: every domain's name from
   * xenstore and a hypercall per vCPU on every call) instead of the addon's `metricsSample`
   * (xc_domain_getinfolist + names cached by domid). Same shape and units; the benchmark's
   * second baseline. Default false; `metricsQdisk` implies it.
   */
  metricsXenstat?: boolean;
}

const LIBXL_SHUTDOWN_REASON_CRASH = 3;
/** Re-read period while a domain is dying or shut down, ms (was 200: up to 200 ms more per removal). */
const SETTLE_INTERVAL_MS = 50;
/** Re-reads after the last watch (100 × 50 ms = 5 s). */
const SETTLE_MAX_ROUNDS = 100;

/**
 * One domain state from libxl_dominfo flags: crashed is a shutdown whose reason is
 * LIBXL_SHUTDOWN_REASON_CRASH (as xenstat_domain_crashed decides it), then the precedence of
 * {@link stateFromXenstat}.
 */
export function stateFromDominfo(
  d: Pick<RawDominfo, 'dying' | 'shutdown' | 'shutdownReason' | 'paused' | 'running' | 'blocked'>,
): DomainState {
  return stateFromXenstat({
    ...d,
    crashed: d.shutdown && d.shutdownReason === LIBXL_SHUTDOWN_REASON_CRASH,
  });
}

/** libxl_domain_type → DomainType (1 HVM, 2 PV, 3 PVH; anything else is reported as pv). */
export function typeFromDominfo(t: number): DomainType {
  return t === 1 ? 'hvm' : t === 3 ? 'pvh' : 'pv';
}

/** Converts a raw libxl_dominfo to the contract's DomainInfo (memory as `xl list`: current + outstanding). */
export function toDomainInfo(d: RawDominfo): DomainInfo {
  return {
    domid: d.domid,
    // xl list prints "(null)" for a domain without a name in xenstore (e.g. while it dies).
    name: d.name ?? '(null)',
    uuid: d.uuid,
    type: typeFromDominfo(d.domainType),
    state: stateFromDominfo(d),
    memoryKiB: d.currentMemKiB + d.outstandingMemKiB,
    maxMemoryKiB: d.maxMemKiB,
    vcpus: d.vcpuOnline,
    maxVcpus: d.vcpuMaxId + 1,
    cpuTimeNs: d.cpuTimeNs,
  };
}

/**
 * One state from the xenstat_domain_* flags, by the precedence in types.ts (the one place it is
 * written; {@link stateFromDominfo} uses it too):
 * dying > crashed > shutdown > paused > running > blocked; neither running nor blocked → running.
 */
export function stateFromXenstat(
  d: Pick<RawXenstatDomain, 'dying' | 'crashed' | 'shutdown' | 'paused' | 'running' | 'blocked'>,
): DomainState {
  if (d.dying) return 'dying';
  if (d.crashed) return 'crashed';
  if (d.shutdown) return 'shutdown';
  if (d.paused) return 'paused';
  if (d.running) return 'running';
  if (d.blocked) return 'blocked';
  return 'running';
}

/** xenstat_vbd_type → VbdBackendType (Xen 4.17: 1 blkback, 2 blktap, 0 qdisk over QMP). */
export function vbdBackendType(t: number): VbdBackendType {
  return t === 1 ? 'vbd' : t === 2 ? 'tap' : t === 0 ? 'qdisk' : 'unknown';
}

function toDomainMetrics(d: RawXenstatDomain): DomainMetrics {
  return {
    domid: d.domid,
    name: d.name,
    state: stateFromXenstat(d),
    cpuNs: d.cpuNs,
    onlineVcpus: d.onlineVcpus,
    maxVcpus: d.numVcpus,
    memoryBytes: d.curMemBytes,
    maxMemoryBytes: d.maxMemBytes,
    nets: d.networks.map((n) => ({
      id: n.id,
      rxBytes: n.rbytes,
      rxPackets: n.rpackets,
      rxErrors: n.rerrs,
      rxDrops: n.rdrop,
      txBytes: n.tbytes,
      txPackets: n.tpackets,
      txErrors: n.terrs,
      txDrops: n.tdrop,
    })),
    vbds: d.vbds.map((v) => ({
      devid: v.dev,
      backendType: vbdBackendType(v.type),
      statsAvailable: !v.error,
      ooReqs: v.ooReqs,
      rdReqs: v.rdReqs,
      wrReqs: v.wrReqs,
      rdSectors: v.rdSects,
      wrSectors: v.wrSects,
    })),
  };
}

/** Converts the addon's raw xenstat node to the contract's MetricsSnapshot (domains by domid). */
export function toMetricsSnapshot(raw: RawXenstatNode): MetricsSnapshot {
  return {
    monotonicNs: raw.monotonicNs,
    collectNs: raw.collectNs,
    host: {
      nrCpus: raw.numCpus,
      cpuHz: raw.cpuHz,
      totalMemoryBytes: raw.totMemBytes,
      freeMemoryBytes: raw.freeMemBytes,
    },
    domains: raw.domains.map(toDomainMetrics).sort((a, b) => a.domid - b.domid),
  };
}

/** qdisk's params prefix (libxl__device_disk_string_of_format) → DomainDisk format; "aio" is raw. */
const QDISK_FORMATS: Readonly<Record<string, string>> = {
  aio: 'raw',
  raw: 'raw',
  qcow: 'qcow',
  qcow2: 'qcow2',
  vhd: 'vhd',
  qed: 'qed',
};

/**
 * Converts one entry of the addon's diskList to the contract's DomainDisk. `target` is
 * pdev_path, null when empty (an ejected CD-ROM drive). `format`: libxl's own when it knows it
 * (Xen 4.17's libxl_device_disk_list never does); else `empty` without a target; else the
 * backend params' prefix for qdisk ("aio:/path" → raw, "qcow2:/path" → qcow2); else raw (the
 * `phy` backend takes only raw devices and files).
 */
export function toDomainDisk(d: RawDisk): DomainDisk {
  const target = d.pdevPath ? d.pdevPath : null;
  let format = d.format;
  if (format === 'unknown') {
    const prefix =
      d.backend === 'qdisk' ? /^([a-z0-9]+):/.exec(d.backendParams ?? '')?.[1] : undefined;
    format = target === null ? 'empty' : (QDISK_FORMATS[prefix ?? ''] ?? 'raw');
  }
  return {
    vdev: d.vdev,
    target,
    devtype: d.isCdrom ? 'cdrom' : 'disk',
    format,
    readonly: !d.readwrite,
  };
}

/**
 * Converts one libxl_vcpuinfo (the addon's vcpuList) to the contract's VcpuInfo: state `offline`
 * unless online, then `running` (on a pCPU now), `blocked`, else `runnable` (waiting for a pCPU,
 * or its domain is paused); `cpu` null while offline (xl vcpu-list prints `-`).
 */
export function toVcpuInfo(v: RawVcpu): VcpuInfo {
  const state: VcpuInfo['state'] = !v.online
    ? 'offline'
    : v.running
      ? 'running'
      : v.blocked
        ? 'blocked'
        : 'runnable';
  return {
    vcpu: v.vcpuid,
    cpu: v.online ? v.cpu : null,
    online: v.online,
    state,
    cpuTimeNs: v.vcpuTimeNs,
    hardAffinity: [...v.hard],
    softAffinity: [...v.soft],
  };
}

/** Where Debian's xen-utils install xl (the toolstack wrapper that runs /usr/lib/xen-4.17/bin/xl). */
export const DEFAULT_XL_PATH = '/usr/sbin/xl';

/** A domid 0..32751 (`@xendeck/api` checkDomid); INVALID_ARGUMENT otherwise. */
function checkDomid(domid: number): void {
  enforce(domidRule(domid));
}

/**
 * Opens the libxl backend.
 * Throws XEN_UNAVAILABLE when this machine has no Xen (no /dev/xen/privcmd or /proc/xen/privcmd)
 * or libxl_ctx_alloc / xs_open fail (not root, no xenstored); NATIVE_UNAVAILABLE when the addon was
 * not built or does not load.
 */
export async function openLibxlHost(options: LibxlHostOptions = {}): Promise<Hypervisor> {
  if (!xenPresent()) {
    throw new HypervisorError(
      'XEN_UNAVAILABLE',
      `Xen is not available on this machine: none of ${XEN_PRIVCMD_PATHS.join(', ')} exists (is this a Xen dom0?)`,
      { tried: XEN_PRIVCMD_PATHS },
    );
  }
  const addon = loadNative();
  let ctx: NativeContext;
  try {
    ctx = await addon.openContext();
  } catch (err) {
    const e = err as Error & { call?: string };
    throw new HypervisorError(
      'XEN_UNAVAILABLE',
      `cannot open libxl: ${e.message} (is xenstored running, and is this process root?)`,
      { call: e.call },
    );
  }
  const host = new LibxlHost(ctx, options);
  await host.start();
  return host;
}

class LibxlHost implements Hypervisor {
  readonly kind = 'libxl' as const;
  private readonly hub = new DomainEventHub();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly minDom0KiB: number;
  private readonly xlPath: string;
  private readonly createTimeoutMs: number;
  private readonly metricsQdisk: boolean;
  private readonly metricsXenstat: boolean;
  /** Every native call goes through it (see host-calls.ts). */
  private readonly calls: CallGate;
  /** `xl create` and `xl restore` go through it. */
  private readonly builds: CallGate;
  private closed = false;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private settleTimer: NodeJS.Timeout | undefined;
  private settleRounds = 0;
  /** Earliest firing time (ms since the epoch) of the watches no list was taken after yet. */
  private pendingWatchAt: number | undefined;
  /** Firing time of the watch whose list started the current settle re-reads. */
  private settleWatchAt: number | undefined;
  /** The settle timer asked for this refresh (its events carry {@link settleWatchAt}). */
  private settleDue = false;

  constructor(
    private readonly ctx: NativeContext,
    options: LibxlHostOptions,
  ) {
    this.minDom0KiB = dom0MinKiB(options.dom0MinMiB ?? DEFAULT_DOM0_MIN_MiB);
    this.xlPath = options.xlPath ?? DEFAULT_XL_PATH;
    this.calls = new CallGate({
      slots: options.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS,
      timeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      what: 'libxl call',
    });
    this.builds = new CallGate({
      slots: options.maxConcurrentBuilds ?? DEFAULT_MAX_CONCURRENT_BUILDS,
      what: 'xl create/restore',
    });
    this.createTimeoutMs = options.createTimeoutMs ?? 120_000;
    this.metricsQdisk = options.metricsQdisk ?? false;
    this.metricsXenstat = this.metricsQdisk || (options.metricsXenstat ?? false);
  }

  /** Takes the first list (no events for what already runs) and starts the xenstore watch. */
  async start(): Promise<void> {
    this.hub.update(await this.listDomains());
    try {
      this.ctx.startWatch((path, firedAtMs) => {
        // Called from the addon's ThreadSafeFunction: never let an exception escape into C++.
        try {
          this.onWatch(path, firedAtMs);
        } catch (err) {
          process.emitWarning(`xendeck: xenstore watch handler failed: ${String(err)}`);
        }
      });
    } catch (err) {
      await this.close();
      throw mapNativeError(err);
    }
  }

  /**
   * Runs a native call under the call gate (at most `maxConcurrentCalls` at once; TIMEOUT after
   * `callTimeoutMs`, the slot held until the call returns), tracked so close() can wait for it, and
   * maps its failure.
   */
  private call<T>(
    fn: (ctx: NativeContext) => Promise<T>,
    context: Record<string, unknown> = {},
  ): Promise<T> {
    if (this.closed) {
      return Promise.reject(new HypervisorError('XEN_UNAVAILABLE', 'the libxl host is closed'));
    }
    const native = () => {
      let p: Promise<T>;
      try {
        p = fn(this.ctx);
      } catch (err) {
        return Promise.reject(err);
      }
      this.inflight.add(p);
      const done = () => this.inflight.delete(p);
      p.then(done, done);
      return p;
    };
    return this.calls.run(native, context).catch((err: unknown) => {
      throw isHypervisorError(err) ? err : mapNativeError(err, context);
    });
  }

  /**
   * A watch fired (`firedAtMs`: the addon's watch thread's CLOCK_REALTIME, ms since the epoch):
   * remembers the earliest firing not yet followed by a list and re-lists at once (watches that
   * fire while a list is being read fold into one more list; there was a 50 ms coalescing timer,
   * all of it added to every xl → browser delay).
   */
  private onWatch(path: string, firedAtMs: number): void {
    if (this.closed) return;
    if (path === '!error') {
      process.emitWarning(
        'xendeck: the xenstore watch connection failed; domain events now need refresh()',
      );
      return;
    }
    if (Number.isFinite(firedAtMs)) {
      this.pendingWatchAt = Math.min(this.pendingWatchAt ?? firedAtMs, firedAtMs);
    }
    // At once, not from a timer: under TCG a 0 ms timer fired 30–75 ms late in the lab while xl
    // kept dom0 busy. refresh() folds the watches that fire during a list into one more list.
    this.settleRounds = 0;
    this.refresh().catch((err: unknown) =>
      process.emitWarning(`xendeck: refresh after a xenstore watch failed: ${String(err)}`),
    );
  }

  async hostInfo(): Promise<HostInfo> {
    const [p, v] = await Promise.all([
      this.call((c) => c.physinfo()),
      this.call((c) => c.versionInfo()),
    ]);
    const pageBytes = v.pagesize > 0 ? v.pagesize : 4096;
    const caps: VirtCap[] = [];
    if (p.capPv) caps.push('pv');
    if (p.capHvm) caps.push('hvm');
    if (p.capHvm && p.capHvmDirectio) caps.push('hvm_directio');
    if (p.capPv && p.capHvmDirectio) caps.push('pv_directio');
    if (p.capHap) caps.push('hap');
    if (p.capShadow) caps.push('shadow');
    if (p.capIommuHapPtShare) caps.push('iommu_hap_pt_share');
    if (p.capVmtrace) caps.push('vmtrace');
    if (p.capVpmu) caps.push('vpmu');
    if (p.capGnttabV1) caps.push('gnttab-v1');
    if (p.capGnttabV2) caps.push('gnttab-v2');
    return {
      hostname: hostname(),
      xenVersion: `${v.major}.${v.minor}${v.extra}`,
      nrCpus: p.nrCpus,
      cpuMhz: Math.floor(p.cpuKhz / 1000),
      totalMemoryMiB: Math.floor((p.totalPages * pageBytes) / 1048576),
      freeMemoryMiB: Math.floor((p.freePages * pageBytes) / 1048576),
      virtCaps: caps,
    };
  }

  /** A xenstore number under /local/domain/<domid>/memory/, or undefined when absent. */
  private async memoryNode(
    domid: number,
    node: 'target' | 'static-max' | 'videoram',
  ): Promise<number | undefined> {
    const path = `/local/domain/${domid}/memory/${node}`;
    const text = await this.call((c) => c.xsRead(path), { path });
    if (text === null) return undefined;
    const n = Number(text.trim());
    return Number.isFinite(n) ? n : undefined;
  }

  /** Largest target libxl accepts for a domain, KiB: static-max (+ videoram for HVM), else max_memkb. */
  private async maxTargetKiB(domid: number, info: DomainInfo): Promise<number> {
    const staticMax = await this.memoryNode(domid, 'static-max');
    if (staticMax === undefined) return info.maxMemoryKiB;
    const videoram = domid === 0 ? 0 : ((await this.memoryNode(domid, 'videoram')) ?? 0);
    return staticMax + Math.max(0, videoram);
  }

  async dom0Memory(): Promise<Dom0Memory> {
    return this.domainMemory(0);
  }

  async domainMemory(domid: number): Promise<Dom0Memory> {
    checkDomid(domid);
    const info = await this.domainInfo(domid);
    const [target, maxKiB] = await Promise.all([
      this.memoryNode(domid, 'target'),
      this.maxTargetKiB(domid, info),
    ]);
    return {
      currentKiB: info.memoryKiB,
      targetKiB: target ?? info.memoryKiB,
      maxKiB,
      minKiB: domid === 0 ? this.minDom0KiB : DOMU_MIN_TARGET_KiB,
    };
  }

  async setMemoryTarget(domid: number, targetKiB: number): Promise<void> {
    checkDomid(domid);
    enforce(checkMemoryTargetType(targetKiB));
    const info = await this.domainInfo(domid);
    const minKiB = domid === 0 ? this.minDom0KiB : DOMU_MIN_TARGET_KiB;
    const maxKiB = await this.maxTargetKiB(domid, info);
    enforce(checkMemoryChange(domid, info.state, targetKiB, { minKiB, maxKiB }));
    const outOfRange = () =>
      new HypervisorError(
        'MEMORY_OUT_OF_RANGE',
        `libxl refused memory target ${targetKiB} KiB for domid ${domid} (limits ${minKiB}–${maxKiB} KiB)`,
        { minKiB, maxKiB, requestedKiB: targetKiB, domid },
      );
    try {
      await this.call((c) => c.setMemoryTarget(domid, targetKiB), { domid });
    } catch (err) {
      // libxl's own refusal (ERROR_INVAL: above static-max, or dom0 below LIBXL_MIN_DOM0_MEM).
      if (err instanceof HypervisorError && err.details.libxlErrorName === 'ERROR_INVAL') {
        const e = outOfRange();
        Object.assign(e.details, {
          libxlError: err.details.libxlError,
          libxlErrorName: 'ERROR_INVAL',
        });
        throw e;
      }
      throw err;
    }
  }

  /**
   * Every domain, by domid: the addon's listDomains (xc_domain_getinfolist in one-page chunks,
   * libxl_list_domain's fields; names from the name cache, else libxl_domid_to_name), converted
   * by {@link toDomainInfo}. The re-list of every domain event. Throws XEN_UNAVAILABLE,
   * TIMEOUT (call gate).
   */
  async listDomains(): Promise<DomainInfo[]> {
    const raw = await this.call((c) => c.listDomains());
    return raw.map(toDomainInfo).sort((a, b) => a.domid - b.domid);
  }

  async domainInfo(domid: number): Promise<DomainInfo> {
    checkDomid(domid);
    return toDomainInfo(await this.call((c) => c.domainInfo(domid), { domid }));
  }

  async domidByName(name: string): Promise<number | undefined> {
    enforce(checkDomainName(name));
    const domid = await this.call((c) => c.nameToDomid(name), { name });
    return domid ?? undefined;
  }

  async domainOperation(domid: number, op: DomainOperation): Promise<void> {
    checkDomid(domid);
    enforce(checkDomainOperation(op));
    const { state } = await this.domainInfo(domid);
    enforce(checkDomainState(op, domid, state));
    await this.call((c) => c.domainOp(domid, op), { domid, op });
    await this.refresh();
  }

  /**
   * `xl create FILE`, after reading the file with `readCreateConfig` (`@xendeck/xl-config`) for the
   * name and for the errors xl would stop at (CREATE_FAILED with xl-config's diagnostics), and
   * refusing a name already running (DOMAIN_EXISTS, libxl_name_to_domid). When xl fails or is
   * killed at `createTimeoutMs`, a domain it left behind is destroyed (`details.destroyedDomid`).
   */
  async createDomain(configPath: string): Promise<CreateResult> {
    const { name } = await readCreateConfig(configPath);
    const existing = await this.domidByName(name);
    if (existing !== undefined) {
      throw new HypervisorError(
        'DOMAIN_EXISTS',
        `a domain named "${name}" already exists (domid ${existing})`,
        {
          name,
          domid: existing,
        },
      );
    }
    const { code, output, timedOut, spawnError } = await this.runXl(['create', configPath]);
    if (spawnError || timedOut || code !== 0) {
      const why = spawnError
        ? `cannot run ${this.xlPath}: ${spawnError}`
        : timedOut
          ? `xl create timed out after ${this.createTimeoutMs} ms`
          : `xl create exited with ${code}`;
      const destroyedDomid = await this.destroyHalfBuilt(name);
      const cleanup =
        destroyedDomid === undefined
          ? ''
          : ` (the half-built domid ${destroyedDomid} was destroyed)`;
      throw new HypervisorError('CREATE_FAILED', `${why}${cleanup}: ${output.trim()}`, {
        path: configPath,
        name,
        exitCode: code,
        output,
        ...(destroyedDomid === undefined ? {} : { destroyedDomid }),
      });
    }
    const domid = await this.domidByName(name);
    if (domid === undefined) {
      throw new HypervisorError(
        'CREATE_FAILED',
        `xl create succeeded but no domain named "${name}" exists: ${output.trim()}`,
        {
          path: configPath,
          name,
          output,
        },
      );
    }
    await this.refresh();
    return { domid, name, output };
  }

  /**
   * After a failed `xl create`: a domain named `name` that is still there was left half-built by
   * it (xl destroys it itself when it fails, but not when it is killed at the timeout, e.g. while
   * a hotplug script hangs; createDomain checked that no domain had the name before). Destroys it
   * (libxl_domain_destroy) so it holds no disk and a retry is possible; returns its domid.
   */
  private async destroyHalfBuilt(name: string): Promise<number | undefined> {
    const domid = await this.domidByName(name).catch(() => undefined);
    if (domid === undefined) return undefined;
    await this.call((c) => c.domainOp(domid, 'destroy'), { domid }).catch(() => {});
    await this.refresh().catch(() => {});
    return domid;
  }

  /**
   * Runs xl with an argument array (never a shell) through `runProgram` (host-calls.ts: the fixed
   * child environment, SIGKILL at `timeoutMs`, output capped at 64 KiB). `xl create` and
   * `xl restore` first wait for a build slot (at most `maxConcurrentBuilds` at once); the timeout
   * starts when xl does.
   */
  private runXl(args: string[], timeoutMs = this.createTimeoutMs): Promise<ProgramResult> {
    const run = () => runProgram(this.xlPath, args, { timeoutMs });
    return args[0] === 'create' || args[0] === 'restore' ? this.builds.run(run) : run();
  }

  /**
   * The addon's `metricsSample` (xc_domain_getinfolist, names cached by domid, sysfs and
   * /proc/net/dev for vbds and vifs), or libxenstat's `xenstatSnapshot` with `metricsXenstat` /
   * `metricsQdisk`; see native-types.ts for the sources of each field.
   */
  async metricsSnapshot(): Promise<MetricsSnapshot> {
    const qdisk = this.metricsQdisk;
    if (!this.metricsXenstat) {
      return toMetricsSnapshot(unpackSample(await this.call((c) => c.metricsSample())));
    }
    return toMetricsSnapshot(await this.call((c) => c.xenstatSnapshot(qdisk)));
  }

  onDomainEvent(listener: (event: DomainEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  /**
   * The domain's VNC endpoint, read from xenstore now (the port changes at every boot):
   * `/local/domain/<domid>/console/vnc-port` (TCP port; absent → `undefined`: no VNC, or the
   * device model is not up yet), `console/vnc-listen` (address; absent → 127.0.0.1, as `xl
   * vncviewer` assumes) and `console/vnc-pass` (the `vncpasswd`; absent or empty → no password).
   * libxl writes them after QEMU's QMP `query-vnc` and `change-vnc-password` (libxl_dm.c).
   * Throws INVALID_ARGUMENT (bad domid), DOMAIN_NOT_FOUND (libxl_domain_info), CONSOLE_UNAVAILABLE
   * when vnc-port holds something that is not a TCP port.
   */
  async vncEndpoint(domid: number): Promise<VncEndpoint | undefined> {
    checkDomid(domid);
    await this.domainInfo(domid);
    const read = (node: 'vnc-port' | 'vnc-listen' | 'vnc-pass') => {
      const path = `/local/domain/${domid}/console/${node}`;
      return this.call((c) => c.xsRead(path), { path, domid });
    };
    const [portText, listen, pass] = await Promise.all([
      read('vnc-port'),
      read('vnc-listen'),
      read('vnc-pass'),
    ]);
    if (portText === null) return undefined;
    const port = Number(portText.trim());
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new HypervisorError(
        'CONSOLE_UNAVAILABLE',
        `xenstore /local/domain/${domid}/console/vnc-port holds "${portText}", not a TCP port`,
        { domid, vncPort: portText },
      );
    }
    const host = listen?.trim() || '127.0.0.1';
    return pass ? { host, port, password: pass } : { host, port };
  }

  /**
   * Re-lists and diffs. Calls made while a refresh runs are folded into one more refresh after it,
   * so a caller always sees a list taken after its call.
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.refreshing) {
      // The running refresh loops once more, so its end comes after a list taken after this call.
      this.refreshAgain = true;
      return this.refreshing;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.refreshAgain = false;
          // The watches this list answers: those that fired before it was taken.
          const watchAt = this.pendingWatchAt;
          const settling = this.settleDue;
          this.pendingWatchAt = undefined;
          this.settleDue = false;
          const list = await this.listDomains();
          if (this.closed) return;
          this.hub.update(list, watchAt ?? (settling ? this.settleWatchAt : undefined));
          this.settleIfTransient(list, watchAt);
        } while (this.refreshAgain);
      } finally {
        this.refreshing = undefined;
      }
    };
    this.refreshing = run();
    return this.refreshing;
  }

  /**
   * While a domain is dying or shut down, re-read every SETTLE_INTERVAL_MS (up to
   * SETTLE_MAX_ROUNDS times after the last watch): its removal fires no further watch (xenstored
   * fires `@releaseDomain` once, when the domain starts dying). `watchAt`: the firing time of the
   * watch this list answered, if any; the first one of a run of re-reads is what their events
   * carry.
   */
  private settleIfTransient(list: DomainInfo[], watchAt: number | undefined): void {
    const transient = list.some((d) => d.state === 'dying' || d.state === 'shutdown');
    if (!transient) {
      this.settleWatchAt = undefined;
      return;
    }
    if (watchAt !== undefined && this.settleWatchAt === undefined) this.settleWatchAt = watchAt;
    if (this.settleTimer || this.settleRounds >= SETTLE_MAX_ROUNDS) return;
    this.settleRounds++;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.settleDue = true;
      this.refresh().catch(() => {});
    }, SETTLE_INTERVAL_MS);
    this.settleTimer.unref();
  }

  /**
   * The domain's disks: libxl_domain_info (DOMAIN_NOT_FOUND), then the addon's diskList
   * (libxl_device_disk_list + libxl_device_disk_getinfo + the backend's xenstore `params`),
   * converted by {@link toDomainDisk}. Throws INVALID_ARGUMENT, DOMAIN_NOT_FOUND, LIBXL_ERROR.
   */
  async domainDisks(domid: number): Promise<DomainDisk[]> {
    checkDomid(domid);
    await this.domainInfo(domid);
    const raw = await this.call((c) => c.diskList(domid), { domid });
    return raw.map(toDomainDisk);
  }

  /**
   * `xl cd-insert DOMAIN VDEV TARGET`: checks as xl and libxl would, but first and with codes
   * (HVM: INVALID_STATE; a CD-ROM drive `vdev` in {@link domainDisks}: INVALID_ARGUMENT; the file
   * exists: INVALID_ARGUMENT, as xl's own stat), then the addon's cdromInsert
   * (libxl_cdrom_insert, format raw, read-only). Throws DOMAIN_NOT_FOUND, LIBXL_ERROR too.
   */
  async cdInsert(domid: number, vdev: string, target: string): Promise<void> {
    await this.checkCdrom(domid, vdev);
    await checkImageFile(target);
    await this.call((c) => c.cdromInsert(domid, vdev, target), { domid, vdev });
  }

  /**
   * `xl cd-eject DOMAIN VDEV`: the checks of {@link cdInsert} (no file), then libxl_cdrom_insert
   * with an empty disk. Throws INVALID_ARGUMENT, DOMAIN_NOT_FOUND, INVALID_STATE, LIBXL_ERROR.
   */
  async cdEject(domid: number, vdev: string): Promise<void> {
    await this.checkCdrom(domid, vdev);
    await this.call((c) => c.cdromInsert(domid, vdev, null), { domid, vdev });
  }

  /** The domain exists, is HVM, and has a CD-ROM drive `vdev` now. */
  private async checkCdrom(domid: number, vdev: string): Promise<void> {
    checkDomid(domid);
    checkVdev(vdev);
    checkCdromDomain(domid, (await this.domainInfo(domid)).type);
    findCdrom(domid, await this.domainDisks(domid), vdev);
  }

  /**
   * Opens the domain's PV console (`pv`) or HVM emulated serial port (`serial`): checks the domain
   * (libxl_domain_info), then `text-console.ts` reads the pty path from xenstore
   * (`console/tty`, `serial/0/tty`), takes xl console's lock `/var/lock/xenconsole.<domid>` with
   * the addon's lockConsole and reads the pty on the event loop. Throws INVALID_ARGUMENT,
   * DOMAIN_NOT_FOUND, CONSOLE_UNAVAILABLE, CONSOLE_BUSY.
   */
  async openTextConsole(domid: number, kind: TextConsoleKind): Promise<TextConsole> {
    checkDomid(domid);
    if (kind !== 'pv' && kind !== 'serial') {
      throw new HypervisorError(
        'INVALID_ARGUMENT',
        `unknown text console "${String(kind)}" (pv, serial)`,
        { kind },
      );
    }
    const info = await this.domainInfo(domid);
    return openLibxlTextConsole({
      domid,
      kind,
      domainType: info.type,
      xsRead: (path) => this.call((c) => c.xsRead(path), { path, domid }),
      native: loadNative(),
    });
  }

  /**
   * `xl save [-c] DOMID PARTIAL` (spawned with an argument array), where PARTIAL is a hidden file
   * beside `file` (`save-file.ts`), linked to `file` once xl exits 0. Checks first: the domain
   * (libxl_domain_info: DOMAIN_NOT_FOUND; dom0 or not running/blocked/paused: INVALID_STATE), the
   * path (INVALID_ARGUMENT). `onProgress` gets PARTIAL's size once a second. xl is killed after
   * the create timeout plus 1 s per MiB of the domain's memory. On failure the partial file is
   * removed and SAVE_FAILED carries xl's output (xl resumes the domain itself when libxl's
   * suspend fails; a kill at the timeout may leave it suspended, which the message says).
   */
  async saveDomain(domid: number, file: string, opts: SaveOptions = {}): Promise<SaveResult> {
    checkDomid(domid);
    const info = await this.domainInfo(domid);
    checkSavable(domid, info.state);
    await checkSaveTarget(file);
    const partial = partialSavePath(file);
    const stop = pollFileSize(partial, opts.onProgress);
    const args = ['save', ...(opts.checkpoint ? ['-c'] : []), String(domid), partial];
    const timeoutMs = saveRestoreTimeoutMs(this.createTimeoutMs, info.memoryKiB * 1024);
    const r = await this.runXl(args, timeoutMs).finally(stop);
    if (r.spawnError || r.timedOut || r.code !== 0) {
      await removePartialSave(partial);
      await this.refresh().catch(() => {});
      const why = r.spawnError
        ? `cannot run ${this.xlPath}: ${r.spawnError}`
        : r.timedOut
          ? `xl save timed out after ${timeoutMs} ms and was killed (the domain may be left suspended: see xl list)`
          : `xl save exited with ${r.code}`;
      throw new HypervisorError('SAVE_FAILED', `${why}: ${r.output.trim()}`, {
        domid,
        file,
        exitCode: r.code,
        output: r.output,
      });
    }
    const sizeBytes = await commitSaveFile(partial, file);
    await this.refresh();
    return { file, sizeBytes, output: r.output };
  }

  /**
   * `xl restore FILE`, after reading the image's xl header (`saved-image.ts`) for the saved name
   * and refusing it while a domain of that name exists (DOMAIN_EXISTS, libxl_name_to_domid). Like
   * {@link createDomain}: xl's monitor stays, a failure destroys a half-built domain of the name
   * (`details.destroyedDomid`) and throws RESTORE_FAILED with xl's output. Timeout: the create
   * timeout plus 1 s per MiB of the image. INVALID_ARGUMENT for a missing file, one that is not
   * an xl image, or one whose header names no domain or has flags xl refuses.
   */
  async restoreDomain(file: string): Promise<CreateResult> {
    checkRestoreSource(file);
    const header = await readXlSaveHeader(file);
    const name = restorableName(file, header);
    const existing = await this.domidByName(name);
    if (existing !== undefined) {
      throw new HypervisorError(
        'DOMAIN_EXISTS',
        `a domain named "${name}" already exists (domid ${existing})`,
        { name, domid: existing },
      );
    }
    const { size } = await stat(file);
    const timeoutMs = saveRestoreTimeoutMs(this.createTimeoutMs, size);
    const r = await this.runXl(['restore', file], timeoutMs);
    if (r.spawnError || r.timedOut || r.code !== 0) {
      const why = r.spawnError
        ? `cannot run ${this.xlPath}: ${r.spawnError}`
        : r.timedOut
          ? `xl restore timed out after ${timeoutMs} ms`
          : `xl restore exited with ${r.code}`;
      const destroyedDomid = await this.destroyHalfBuilt(name);
      const cleanup =
        destroyedDomid === undefined
          ? ''
          : ` (the half-built domid ${destroyedDomid} was destroyed)`;
      throw new HypervisorError('RESTORE_FAILED', `${why}${cleanup}: ${r.output.trim()}`, {
        file,
        name,
        exitCode: r.code,
        output: r.output,
        ...(destroyedDomid === undefined ? {} : { destroyedDomid }),
      });
    }
    const domid = await this.domidByName(name);
    if (domid === undefined) {
      throw new HypervisorError(
        'RESTORE_FAILED',
        `xl restore succeeded but no domain named "${name}" exists: ${r.output.trim()}`,
        { file, name, output: r.output },
      );
    }
    await this.refresh();
    return { domid, name, output: r.output };
  }

  /**
   * libxl_domain_info (DOMAIN_NOT_FOUND), then the addon's vcpuList (libxl_list_vcpu), converted
   * by {@link toVcpuInfo}. Throws INVALID_ARGUMENT, DOMAIN_NOT_FOUND, LIBXL_ERROR.
   */
  async vcpuList(domid: number): Promise<VcpuInfo[]> {
    checkDomid(domid);
    await this.domainInfo(domid);
    const raw = await this.call((c) => c.vcpuList(domid), { domid });
    return raw.map(toVcpuInfo).sort((a, b) => a.vcpu - b.vcpu);
  }

  /**
   * `xl vcpu-set`: the checks of `vcpus.ts` against libxl_domain_info (count 1..maxVcpus, a
   * domain that is not shutdown/crashed/dying), then the addon's setVcpuOnline
   * (libxl_set_vcpuonline). The guest brings the vCPUs up or down itself (PV/PVH: xenstore
   * `cpu/<N>/availability`), so `vcpuList` and `domainInfo().vcpus` follow within a moment.
   * Throws INVALID_ARGUMENT, DOMAIN_NOT_FOUND, INVALID_STATE, LIBXL_ERROR.
   */
  async setVcpus(domid: number, count: number): Promise<void> {
    checkDomid(domid);
    checkVcpuCountType(count);
    const info = await this.domainInfo(domid);
    checkVcpuCount(domid, count, info.maxVcpus);
    checkVcpuChangeState(domid, info.state);
    await this.call((c) => c.setVcpuOnline(domid, count), { domid, count });
  }

  /**
   * `xl vcpu-pin`: the checks of `vcpus.ts` (vCPU id below maxVcpus from libxl_domain_info, pCPU
   * sets non-empty and below libxl_physinfo.nr_cpus), then the addon's setVcpuAffinity
   * (libxl_set_vcpuaffinity, or libxl_set_vcpuaffinity_all for `'all'`). Throws
   * INVALID_ARGUMENT, DOMAIN_NOT_FOUND, LIBXL_ERROR.
   */
  async pinVcpu(
    domid: number,
    vcpu: number | 'all',
    hard: readonly number[],
    soft?: readonly number[],
  ): Promise<void> {
    checkDomid(domid);
    checkVcpuIdType(vcpu);
    const [info, physinfo] = await Promise.all([
      this.domainInfo(domid),
      this.call((c) => c.physinfo()),
    ]);
    checkVcpuId(domid, vcpu, info.maxVcpus);
    const hardSet = checkCpuSet('hard', hard, physinfo.nrCpus);
    const softSet = soft === undefined ? null : checkCpuSet('soft', soft, physinfo.nrCpus);
    await this.call((c) => c.setVcpuAffinity(domid, vcpu, info.maxVcpus, hardSet, softSet), {
      domid,
      vcpu,
    });
  }

  /** libxl_domain_sched_params_get, refused with INVALID_STATE unless the scheduler is credit2. */
  private async credit2Params(domid: number): Promise<SchedCredit2> {
    const p = await this.call((c) => c.schedParamsGet(domid), { domid });
    if (p.sched !== 'credit2') {
      throw new HypervisorError(
        'INVALID_STATE',
        `domid ${domid} runs under the ${p.sched} scheduler, not credit2`,
        { domid, scheduler: p.sched },
      );
    }
    return { weight: p.weight, cap: p.cap };
  }

  /**
   * `xl sched-credit2 -d DOMAIN`: libxl_domain_info (DOMAIN_NOT_FOUND), then the addon's
   * schedParamsGet (libxl_domain_sched_params_get). Throws INVALID_ARGUMENT, DOMAIN_NOT_FOUND,
   * INVALID_STATE (the domain's cpupool does not run credit2), LIBXL_ERROR.
   */
  async schedCredit2(domid: number): Promise<SchedCredit2> {
    checkDomid(domid);
    await this.domainInfo(domid);
    return this.credit2Params(domid);
  }

  /**
   * `xl sched-credit2 -d DOMAIN -w WEIGHT -c CAP`: the ranges of `vcpus.ts` (cap up to 100 ×
   * maxVcpus from libxl_domain_info), the scheduler checked as in {@link schedCredit2}, then the
   * addon's schedCredit2Set (libxl_domain_sched_params_set; a field left out is passed as -1,
   * LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT, which libxl leaves as it is). Throws INVALID_ARGUMENT,
   * DOMAIN_NOT_FOUND, INVALID_STATE, LIBXL_ERROR.
   */
  async setSchedCredit2(domid: number, params: Partial<SchedCredit2>): Promise<void> {
    checkDomid(domid);
    const info = await this.domainInfo(domid);
    const checked = checkCredit2(params, info.maxVcpus);
    await this.credit2Params(domid);
    await this.call((c) => c.schedCredit2Set(domid, checked.weight ?? -1, checked.cap ?? -1), {
      domid,
    });
  }

  /**
   * The domain's vifs: libxl_domain_info (DOMAIN_NOT_FOUND), then the addon's nicList
   * (libxl_device_nic_list + the backend's xenstore `rate`/`vifname` + model from the stored
   * config), converted by `toDomainNic` (nics.ts), by devid. Throws INVALID_ARGUMENT,
   * DOMAIN_NOT_FOUND, LIBXL_ERROR.
   */
  async domainNics(domid: number): Promise<DomainNic[]> {
    checkDomid(domid);
    await this.domainInfo(domid);
    const raw = await this.call((c) => c.nicList(domid), { domid });
    return raw.map((r) => toDomainNic(domid, r)).sort((a, b) => a.devid - b.devid);
  }

  /**
   * `xl network-attach <domid> <piece>...`, spawned with an argument array: xl parses each piece
   * with its own parse_nic_config and fills libxl's defaults (random MAC, next devid), so the
   * attached vif is exactly what the same line in a shell gives (the `xl` twin is the real
   * command). The spec is first read with xl-config's grammar (`readNicSpec`: INVALID_ARGUMENT for
   * what xl would ignore). The new vif is the devid that was not there before. Throws
   * INVALID_ARGUMENT, INVALID_STATE (dom0), DOMAIN_NOT_FOUND, LIBXL_ERROR (xl failed or timed
   * out; `details.output`).
   */
  async nicAttach(domid: number, spec: string): Promise<DomainNic> {
    checkDomid(domid);
    const { args } = readNicSpec(spec);
    checkNicDomain(domid, 'nicAttach');
    const before = new Set((await this.domainNics(domid)).map((n) => n.devid));
    const { code, output, timedOut, spawnError } = await this.runXl([
      'network-attach',
      String(domid),
      ...args,
    ]);
    if (spawnError || timedOut || code !== 0) {
      const why = spawnError
        ? `cannot run ${this.xlPath}: ${spawnError}`
        : timedOut
          ? `xl network-attach timed out after ${this.createTimeoutMs} ms`
          : `xl network-attach exited with ${code}`;
      const leftover = await this.removeNewNics(domid, before);
      const cleanup = leftover.length
        ? ` (the half-added vif ${leftover.join(', ')} was removed)`
        : '';
      throw new HypervisorError('LIBXL_ERROR', `${why}${cleanup}: ${output.trim()}`, {
        domid,
        spec,
        exitCode: code,
        output,
        ...(leftover.length ? { removedDevids: leftover } : {}),
      });
    }
    const added = (await this.domainNics(domid)).find((n) => !before.has(n.devid));
    if (!added) {
      throw new HypervisorError(
        'LIBXL_ERROR',
        `xl network-attach succeeded but domid ${domid} has no new vif: ${output.trim()}`,
        { domid, spec, output },
      );
    }
    return added;
  }

  /**
   * After a failed `xl network-attach`: libxl 4.17 leaves the half-added vif in its device list
   * (seen in the lab when vif-bridge timed out: `xl network-list` kept it), so every devid not in
   * `before` is destroyed (the addon's nicRemove with force: libxl_device_nic_destroy). Returns
   * the devids it removed; failures are left as they are (the domain may be gone).
   */
  private async removeNewNics(domid: number, before: ReadonlySet<number>): Promise<number[]> {
    const now = await this.domainNics(domid).catch(() => [] as DomainNic[]);
    const removed: number[] = [];
    for (const n of now.filter((x) => !before.has(x.devid))) {
      const ok = await this.call((c) => c.nicRemove(domid, n.devid, true), { domid }).then(
        () => true,
        () => false,
      );
      if (ok) removed.push(n.devid);
    }
    return removed;
  }

  /**
   * `xl network-detach DOMAIN DEVID`: the vif must be in {@link domainNics} (INVALID_ARGUMENT
   * otherwise), then the addon's nicRemove (libxl_device_nic_remove, synchronous on a worker
   * thread). Throws INVALID_ARGUMENT, INVALID_STATE (dom0), DOMAIN_NOT_FOUND, LIBXL_ERROR.
   */
  async nicDetach(domid: number, devid: number): Promise<void> {
    checkDomid(domid);
    checkNicDevid(devid);
    checkNicDomain(domid, 'nicDetach');
    const nics = await this.domainNics(domid);
    if (!nics.some((n) => n.devid === devid)) {
      throw new HypervisorError('INVALID_ARGUMENT', `domid ${domid} has no vif ${devid}`, {
        domid,
        devid,
        devids: nics.map((n) => n.devid),
      });
    }
    await this.call((c) => c.nicRemove(domid, devid, false), { domid, devid });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.hub.clear();
    this.ctx.stopWatch();
    await Promise.allSettled([...this.inflight]);
    await this.ctx.close();
  }
}
