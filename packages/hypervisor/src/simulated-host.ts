/**
 * The simulated host: an in-memory Xen host with the {@link Hypervisor} contract, for fast tests
 * and UI work. Nothing here touches Xen; every `hostInfo()` says `hostname: "simulated"` by
 * default and `kind` is `'simulated'` so the UI can say so.
 *
 * Behaviour mirrors the libxl backend: events come from the same list diff
 * ({@link DomainEventHub}); changes xenstore would announce (a domain appearing or going away)
 * are diffed by themselves within ~20 ms, while pause/unpause made "outside" show up at the next
 * `refresh()`, as on real Xen.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import {
  checkDomainName,
  checkDomainOperation,
  checkDomainState,
  checkDomid,
  checkMemoryChange,
  checkMemoryTargetType,
} from '@xendeck/api';
import { type DiskSpec, guestMac, type ShutdownAction, type VifSpec } from '@xendeck/xl-config';
import { checkCdromDomain, checkImageFile, checkVdev, findCdrom } from './cdrom.js';
import { configError, readCreateConfig } from './config-file.js';
import { DomainEventHub } from './domain-events.js';
import { enforce } from './enforce.js';
import { HypervisorError } from './errors.js';
import { DEFAULT_DOM0_MIN_MiB, DOMU_MIN_TARGET_KiB, dom0MinKiB } from './limits.js';
import { checkNicDevid, checkNicDomain, nicFromSpec, readNicSpec } from './nics.js';
import {
  checkRestoreSource,
  checkSavable,
  checkSaveTarget,
  commitSaveFile,
  partialSavePath,
  removePartialSave,
} from './save-file.js';
import { readXlSaveHeader, restorableName } from './saved-image.js';
import { FakeConsoles } from './simulated/fake-console.js';
import { RfbServer } from './simulated/rfb-server.js';
import {
  encodeSimulatedImage,
  readSimulatedPayload,
  simulatedConfigJson,
} from './simulated/saved-domain.js';
import { SimVcpus } from './simulated/vcpus.js';
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

/** A domain to start the simulated host with, or to create "outside" with `external.create`. */
export interface SimulatedDomainSpec {
  /** Domain name; `Domain-0` is dom0 and always gets domid 0. */
  name: string;
  /** Guest type; default `pv`. */
  type?: DomainType;
  /** Memory the domain holds and its balloon target, MiB; default 512. */
  memoryMiB?: number;
  /** Static maximum (maxmem), MiB; default = memoryMiB. */
  maxMemoryMiB?: number;
  /** Online vCPUs; default 1. */
  vcpus?: number;
  /** vCPUs the domain was built with; default = vcpus. */
  maxVcpus?: number;
  /** Initial state; default `running`. */
  state?: 'running' | 'blocked' | 'paused';
  /** Network interfaces (vif ids 0..n-1); default 1 for a guest, 0 for dom0; `nics.length` when given. */
  vifs?: number;
  /**
   * The vifs as the config's `vif = [...]` (parsed by xl-config): what `domainNics` reports, with
   * libxl's defaults filled in (devid by position, bridge xenbr0, a MAC from the name's hash in
   * 00:16:3e when none). Default: `vifs` entries `bridge=xenbr0`. `nicAttach`/`nicDetach` edit
   * this list, so the change survives a reboot, as libxl's stored configuration does.
   */
  nics?: VifSpec[];
  /**
   * Block devices with blkback counters in `metricsSnapshot` (`vbd`s); default: the number of
   * non-CD-ROM entries of `disks` when given, else 1 for a guest and 0 for dom0.
   */
  vbds?: number;
  /**
   * What `domainDisks` reports (the config's `disk = [...]`, as libxl would list it). Default: one
   * disk per `vbds`, `xvda`, `xvdb`… on `/dev/vg0/<name>` (then `-1`, `-2`…), raw, read-write.
   * CD-ROM changes (`cdInsert`/`cdEject`) edit this list and survive a reboot, as on real Xen (xl
   * re-creates a rebooted domain from libxl's stored, updated configuration).
   */
  disks?: DomainDisk[];
  /**
   * HVM only: the device model has an emulated serial port (`serial = "pty"`), so
   * `openTextConsole(domid, 'serial')` works; default true.
   */
  serial?: boolean;
  /** What happens when the guest powers itself off (`on_poweroff`); default `destroy`. */
  onPoweroff?: ShutdownAction;
  /** What happens when the guest reboots (`on_reboot`); default `restart`. */
  onReboot?: ShutdownAction;
  /** HVM only: the domain has a VNC console (a synthetic RFB server, see `vncEndpoint`); default true. */
  vnc?: boolean;
  /** HVM only: the console's VNC password (`vncpasswd`); default none (empty: no password). */
  vncPassword?: string;
  /**
   * HVM only: the address `vncEndpoint` reports (`vnclisten`, as xenstore console/vnc-listen);
   * default 127.0.0.1. The synthetic server always listens on 127.0.0.1: `0.0.0.0` reaches it,
   * a routed address shows how the server's proxy refuses one.
   */
  vncListen?: string;
}

/** Options of {@link createSimulatedHost}. */
export interface SimulatedHostOptions {
  /** Safety floor for dom0's balloon target, MiB (min target = max(128, this)); default 512. */
  dom0MinMiB?: number;
  /** How fast a domain's memory moves toward its balloon target, MiB per second; default 512. */
  balloonMiBPerSecond?: number;
  /**
   * Domains present at start. Default: Domain-0 (1536 MiB, static-max 1536 MiB, 4 vCPUs) and a few
   * guests of mixed types and states. Without an entry named `Domain-0`, the default dom0 is added.
   */
  initialDomains?: SimulatedDomainSpec[];
  /** Host name; default "simulated". */
  hostname?: string;
  /** Xen version string; default "4.17.7". */
  xenVersion?: string;
  /** Physical CPUs; default 8. */
  nrCpus?: number;
  /** CPU frequency, MHz; default 2400. */
  cpuMhz?: number;
  /** Host memory, MiB; default 16384. */
  totalMemoryMiB?: number;
  /** Capabilities; default `pv hvm hap shadow`. */
  virtCaps?: VirtCap[];
  /** How long `createDomain` takes, ms; default 300. */
  createDelayMs?: number;
  /** How long a domain stays in `shutdown` before it goes away (or reboots), ms; default 1000. */
  shutdownDelayMs?: number;
  /**
   * Adds this many synthetic guests (`synth-0001`, ...) to the initial domains, for load tests of
   * whatever consumes `listDomains()` and `metricsSnapshot()`: types cycle pv/pvh/hvm, 1–4
   * vCPUs, 256–2048 MiB, one vif and one vbd each; every 10th is paused, every 4th blocked, the
   * rest running. Default 0.
   */
  syntheticDomains?: number;
  /**
   * The monotonic clock counters advance by, ns (default `process.hrtime.bigint`, i.e.
   * CLOCK_MONOTONIC). Tests inject a fake one to step time exactly. Timers (create, shutdown)
   * still use real time.
   */
  clock?: () => bigint;
}

/** The simulated host: a {@link Hypervisor} plus hooks that act like someone using `xl` in a shell. */
export interface SimulatedHost extends Hypervisor {
  readonly kind: 'simulated';
  /**
   * Changes made "outside Xendeck" (as `xl destroy NAME` in a shell would). Each throws
   * DOMAIN_NOT_FOUND for an unknown name and INVALID_STATE for dom0. Creation and removal are
   * announced to listeners within ~20 ms (like the real backend's xenstore watch); pause/unpause
   * only at the next `refresh()` (xenstore does not announce them).
   */
  readonly external: {
    destroy(name: string): void;
    pause(name: string): void;
    unpause(name: string): void;
    /** Starts a clean shutdown: the domain shows `shutdown`, then goes away. */
    shutdown(name: string): void;
    /**
     * The guest's kernel crashes and the domain is kept (as `on_crash = "preserve"`): it shows
     * `crashed` until destroyed. Announced at the next `refresh()`.
     */
    crash(name: string): void;
    /** Creates a domain; returns its domid. Throws DOMAIN_EXISTS. */
    create(spec: SimulatedDomainSpec): number;
  };
  /**
   * For tests: the synthetic RFB server behind `vncEndpoint(domid)` (started by the first
   * `vncEndpoint` call), to count its connections, read the input it received or resize it;
   * undefined before that call or once the domain is gone.
   */
  syntheticVnc(domid: number): RfbServer | undefined;
}

/**
 * The dom0 bridges of the simulated host (what the server's simulated network view shows):
 * `nicAttach` to any other bridge fails as vif-bridge does on real Xen.
 */
export const SIMULATED_BRIDGES: readonly string[] = ['xenbr0', 'xenbr1'];

/** Memory Xen itself keeps on the simulated host (heap, frame tables), MiB. */
const SIM_XEN_OVERHEAD_MiB = 160;
/** Delay before the simulated "xenstore watch" fires and the list is diffed, ms. */
const WATCH_DELAY_MS = 20;

/** One simulated vif's cumulative counters (fractional; snapshots floor them). */
interface SimVif {
  id: number;
  rxBytes: number;
  txBytes: number;
}

/** One simulated blkback vbd's cumulative counters (fractional; snapshots floor them). */
interface SimVbd {
  devid: number;
  rdReqs: number;
  wrReqs: number;
}

/**
 * A domain's CPU load over time while running, as a fraction of each vCPU:
 * base + amplitude × sin(2π t / period + phase), kept within 0..1.
 */
interface LoadPattern {
  base: number;
  amplitude: number;
  periodMs: number;
  phase: number;
}

interface SimDomain {
  domid: number;
  name: string;
  uuid: string;
  type: DomainType;
  state: DomainState;
  /** Memory held now at time `updatedAt`, KiB (fractional while ballooning). */
  memoryKiB: number;
  targetKiB: number;
  maxMemoryKiB: number;
  vcpus: number;
  maxVcpus: number;
  cpuTimeNs: number;
  /** Monotonic time (ms, from the host's clock) the counters were last advanced to. */
  updatedAt: number;
  load: LoadPattern;
  nets: SimVif[];
  vbds: SimVbd[];
  /** What a reboot recreates the domain from. */
  spec: Required<SimulatedDomainSpec>;
}

const DEFAULT_DOM0: SimulatedDomainSpec = {
  name: 'Domain-0',
  type: 'pv',
  memoryMiB: 1536,
  maxMemoryMiB: 1536,
  vcpus: 4,
  state: 'running',
};

const DEFAULT_GUESTS: SimulatedDomainSpec[] = [
  { name: 'web-01', type: 'pvh', memoryMiB: 1024, maxMemoryMiB: 2048, vcpus: 2, state: 'blocked' },
  {
    name: 'db-01',
    type: 'hvm',
    memoryMiB: 4096,
    maxMemoryMiB: 4096,
    vcpus: 4,
    state: 'running',
    nics: [
      { bridge: 'xenbr0', mac: '00:16:3e:4d:b0:01', ip: '192.0.2.21' },
      { bridge: 'xenbr1', mac: '00:16:3e:4d:b0:02', model: 'e1000', rate: '10MB/s' },
    ],
    disks: [
      { vdev: 'hda', target: '/dev/vg0/db-01', devtype: 'disk', format: 'raw', readonly: false },
      { vdev: 'hdc', target: null, devtype: 'cdrom', format: 'empty', readonly: true },
    ],
  },
  { name: 'build-pv', type: 'pv', memoryMiB: 512, maxMemoryMiB: 1024, vcpus: 1, state: 'paused' },
];

/** The default disks of a simulated domain: `count` logical volumes `xvda`, `xvdb`… */
function defaultDisks(name: string, count: number): DomainDisk[] {
  return Array.from({ length: count }, (_, k) => ({
    vdev: `xvd${String.fromCharCode(97 + (k % 26))}`,
    target: `/dev/vg0/${name}${k === 0 ? '' : `-${k}`}`,
    devtype: 'disk' as const,
    format: 'raw',
    readonly: false,
  }));
}

function fullSpec(s: SimulatedDomainSpec): Required<SimulatedDomainSpec> {
  const memoryMiB = s.memoryMiB ?? 512;
  const vcpus = s.vcpus ?? 1;
  const guest = s.name !== 'Domain-0';
  const disks = s.disks ?? defaultDisks(s.name, s.vbds ?? (guest ? 1 : 0));
  return {
    vifs: s.nics?.length ?? s.vifs ?? (guest ? 1 : 0),
    nics: simNics(s.name, s.nics ?? Array.from({ length: s.vifs ?? (guest ? 1 : 0) }, () => ({}))),
    vbds: s.vbds ?? disks.filter((d) => d.devtype === 'disk').length,
    disks: disks.map((d) => ({ ...d })),
    serial: s.serial ?? true,
    onPoweroff: s.onPoweroff ?? 'destroy',
    onReboot: s.onReboot ?? 'restart',
    name: s.name,
    type: s.type ?? 'pv',
    memoryMiB,
    maxMemoryMiB: s.maxMemoryMiB ?? memoryMiB,
    vcpus,
    maxVcpus: s.maxVcpus ?? vcpus,
    state: s.state ?? 'running',
    vnc: s.vnc ?? true,
    vncPassword: s.vncPassword ?? '',
    vncListen: s.vncListen ?? '127.0.0.1',
  };
}

/**
 * A simulated domain's vifs with libxl's defaults filled in: devid (the next after the highest
 * given, as libxl__device_nic_set_devids), and a MAC in 00:16:3e from the name's hash when none.
 */
function simNics(name: string, vifs: readonly VifSpec[]): VifSpec[] {
  let last = Math.max(-1, ...vifs.map((v) => v.devid ?? -1));
  return vifs.map((v) => {
    const devid = v.devid ?? ++last;
    const bytes = [1, 2, 3].map((k) => Math.floor(hashFraction(`${name}#${devid}`, k) * 256));
    return { ...v, devid, mac: v.mac ?? guestMac(bytes) };
  });
}

/** Fraction of its vCPUs' time a blocked domain burns (a running one follows its LoadPattern). */
const BLOCKED_LOAD = 0.02;
/** A vif's receive / transmit bytes per second at full load (backend view). */
const VIF_RX_BYTES_PER_S = 4_000_000;
const VIF_TX_BYTES_PER_S = 12_000_000;
/** Average packet sizes the packet counters are derived with, bytes. */
const RX_PACKET_BYTES = 600;
const TX_PACKET_BYTES = 1400;
/** A vbd's read / write requests per second at full load, and sectors per request. */
const VBD_RD_REQS_PER_S = 400;
const VBD_WR_REQS_PER_S = 150;
const VBD_SECTORS_PER_REQ = 16;
/** xvda's device number (202 << 8); xvdb is +16, and so on. */
const XVDA_DEVID = 51712;

/** FNV-1a of a string, as a fraction in [0, 1): a stable per-name random number. */
function hashFraction(text: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h / 2 ** 32;
}

/** The load pattern of a domain, from its name: every name gets its own, stable one. */
function loadPatternFor(name: string): LoadPattern {
  return {
    base: 0.15 + 0.6 * hashFraction(name, 1),
    amplitude: 0.2 * hashFraction(name, 2),
    periodMs: 20_000 + 100_000 * hashFraction(name, 3),
    phase: 2 * Math.PI * hashFraction(name, 4),
  };
}

/** Fraction (0..1) of each vCPU a domain in `state` uses at monotonic time `tMs`. */
function loadAt(state: DomainState, p: LoadPattern, tMs: number): number {
  if (state === 'blocked') return BLOCKED_LOAD;
  if (state !== 'running') return 0;
  const x = p.base + p.amplitude * Math.sin((2 * Math.PI * tMs) / p.periodMs + p.phase);
  return Math.min(1, Math.max(0, x));
}

/** The synthetic guests of `syntheticDomains`. */
function syntheticSpecs(n: number): SimulatedDomainSpec[] {
  const types: DomainType[] = ['pv', 'pvh', 'hvm'];
  const out: SimulatedDomainSpec[] = [];
  for (let i = 1; i <= n; i++) {
    const memoryMiB = 256 * (1 + (i % 8));
    out.push({
      name: `synth-${String(i).padStart(4, '0')}`,
      type: types[i % 3] ?? 'pv',
      memoryMiB,
      maxMemoryMiB: memoryMiB,
      vcpus: 1 + (i % 4),
      state: i % 10 === 0 ? 'paused' : i % 4 === 0 ? 'blocked' : 'running',
    });
  }
  return out;
}

/**
 * Creates a simulated host. See {@link SimulatedHostOptions} for the defaults. Operations are
 * instant except `createDomain` (`createDelayMs`), and shutdown/reboot, which pass through the
 * `shutdown` state for `shutdownDelayMs`.
 */
export function createSimulatedHost(options: SimulatedHostOptions = {}): SimulatedHost {
  const balloonKiBPerMs = ((options.balloonMiBPerSecond ?? 512) * 1024) / 1000;
  const minDom0KiB = dom0MinKiB(options.dom0MinMiB ?? DEFAULT_DOM0_MIN_MiB);
  const createDelayMs = options.createDelayMs ?? 300;
  const shutdownDelayMs = options.shutdownDelayMs ?? 1000;
  const totalMemoryMiB = options.totalMemoryMiB ?? 16384;
  const clock = options.clock ?? process.hrtime.bigint;
  const nowMs = (): number => Number(clock()) / 1e6;
  const hub = new DomainEventHub();
  const domains = new Map<number, SimDomain>();
  const timers = new Set<NodeJS.Timeout>();
  let nextDomid = 1;
  let closed = false;
  let watchTimer: NodeJS.Timeout | undefined;

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    t.unref();
    timers.add(t);
  }

  function addDomain(spec: SimulatedDomainSpec, domid: number): SimDomain {
    const s = fullSpec(spec);
    const d: SimDomain = {
      domid,
      name: s.name,
      uuid: domid === 0 ? '00000000-0000-0000-0000-000000000000' : randomUUID(),
      type: s.type,
      state: s.state,
      memoryKiB: s.memoryMiB * 1024,
      targetKiB: s.memoryMiB * 1024,
      maxMemoryKiB: s.maxMemoryMiB * 1024,
      vcpus: s.vcpus,
      maxVcpus: s.maxVcpus,
      cpuTimeNs: 0,
      updatedAt: nowMs(),
      load: loadPatternFor(s.name),
      nets: s.nics.map((v) => ({ id: v.devid ?? 0, rxBytes: 0, txBytes: 0 })),
      vbds: Array.from({ length: s.vbds }, (_, k) => ({
        devid: XVDA_DEVID + 16 * k,
        rdReqs: 0,
        wrReqs: 0,
      })),
      spec: s,
    };
    domains.set(domid, d);
    return d;
  }

  /**
   * Moves every domain's memory, CPU time and I/O counters forward to `now` (monotonic ms). The
   * load over an interval is taken at its midpoint; paused and shut-down domains do not move.
   */
  function advance(now = nowMs()): void {
    for (const d of domains.values()) {
      const elapsed = Math.max(0, now - d.updatedAt);
      d.updatedAt = now;
      const load = loadAt(d.state, d.load, now - elapsed / 2);
      d.cpuTimeNs += elapsed * 1e6 * d.vcpus * load;
      const seconds = elapsed / 1000;
      for (const n of d.nets) {
        n.rxBytes += seconds * VIF_RX_BYTES_PER_S * load;
        n.txBytes += seconds * VIF_TX_BYTES_PER_S * load;
      }
      for (const v of d.vbds) {
        v.rdReqs += seconds * VBD_RD_REQS_PER_S * load;
        v.wrReqs += seconds * VBD_WR_REQS_PER_S * load;
      }
      if (d.state === 'paused' || d.state === 'shutdown') continue;
      const step = balloonKiBPerMs * elapsed;
      if (d.memoryKiB < d.targetKiB) d.memoryKiB = Math.min(d.targetKiB, d.memoryKiB + step);
      else if (d.memoryKiB > d.targetKiB) d.memoryKiB = Math.max(d.targetKiB, d.memoryKiB - step);
    }
  }

  function snapshot(d: SimDomain): DomainInfo {
    return {
      domid: d.domid,
      name: d.name,
      uuid: d.uuid,
      type: d.type,
      state: d.state,
      memoryKiB: Math.round(d.memoryKiB),
      maxMemoryKiB: d.maxMemoryKiB,
      vcpus: d.vcpus,
      maxVcpus: d.maxVcpus,
      cpuTimeNs: Math.round(d.cpuTimeNs),
    };
  }

  function domainMetrics(d: SimDomain): DomainMetrics {
    return {
      domid: d.domid,
      name: d.name,
      state: d.state,
      cpuNs: Math.floor(d.cpuTimeNs),
      onlineVcpus: d.vcpus,
      maxVcpus: d.maxVcpus,
      memoryBytes: Math.round(d.memoryKiB) * 1024,
      maxMemoryBytes: d.maxMemoryKiB * 1024,
      nets: d.nets.map((n) => {
        const rxPackets = Math.floor(n.rxBytes / RX_PACKET_BYTES);
        const txPackets = Math.floor(n.txBytes / TX_PACKET_BYTES);
        return {
          id: n.id,
          rxBytes: Math.floor(n.rxBytes),
          rxPackets,
          rxErrors: 0,
          rxDrops: Math.floor(rxPackets / 100_000),
          txBytes: Math.floor(n.txBytes),
          txPackets,
          txErrors: 0,
          txDrops: 0,
        };
      }),
      vbds: d.vbds.map((v) => ({
        devid: v.devid,
        backendType: 'vbd' as const,
        statsAvailable: true,
        ooReqs: Math.floor(v.wrReqs / 5_000),
        rdReqs: Math.floor(v.rdReqs),
        wrReqs: Math.floor(v.wrReqs),
        rdSectors: Math.floor(v.rdReqs) * VBD_SECTORS_PER_REQ,
        wrSectors: Math.floor(v.wrReqs) * VBD_SECTORS_PER_REQ,
      })),
    };
  }

  function list(): DomainInfo[] {
    advance();
    return [...domains.values()].sort((a, b) => a.domid - b.domid).map(snapshot);
  }

  /** Host memory not held by Xen or a domain, KiB (advances the domains first). */
  function freeMemoryKiB(): number {
    const usedKiB = list().reduce((sum, d) => sum + d.memoryKiB, 0);
    return Math.max(0, totalMemoryMiB * 1024 - SIM_XEN_OVERHEAD_MiB * 1024 - usedKiB);
  }

  function diffNow(): void {
    if (closed) return;
    sweepVncServers();
    hub.update(list());
  }

  /** Like a xenstore watch firing: diff shortly, coalescing bursts. */
  function watchFired(): void {
    if (watchTimer || closed) return;
    watchTimer = setTimeout(() => {
      watchTimer = undefined;
      diffNow();
    }, WATCH_DELAY_MS);
    watchTimer.unref();
  }

  /** {@link Hypervisor.domainMemory}: the simulated maxmem is the domain's static-max. */
  function memoryOf(domid: number): Dom0Memory {
    advance();
    const d = byDomid(domid);
    return {
      currentKiB: Math.round(d.memoryKiB),
      targetKiB: d.targetKiB,
      maxKiB: d.maxMemoryKiB,
      minKiB: domid === 0 ? minDom0KiB : DOMU_MIN_TARGET_KiB,
    };
  }

  function byDomid(domid: number): SimDomain {
    enforce(checkDomid(domid));
    const d = domains.get(domid);
    if (!d)
      throw new HypervisorError('DOMAIN_NOT_FOUND', `no domain with domid ${domid}`, { domid });
    return d;
  }

  function byName(name: string): SimDomain {
    for (const d of domains.values()) if (d.name === name) return d;
    throw new HypervisorError('DOMAIN_NOT_FOUND', `no domain named "${name}"`, { name });
  }

  function notDom0(d: SimDomain, op: string): void {
    if (d.domid === 0) {
      throw new HypervisorError('INVALID_STATE', `${op} is not allowed on dom0 (Domain-0)`, {
        domid: 0,
        op,
      });
    }
  }

  /**
   * The guest shuts down (or reboots): `shutdown` for `shutdownDelayMs`, then what its
   * on_poweroff / on_reboot says, as xl's monitor does it: `preserve` leaves it in `shutdown`,
   * a `*restart` (and `soft-reset`) re-creates it with a new domid, anything else destroys it.
   */
  function startShutdown(d: SimDomain, reboot: boolean): void {
    advance();
    d.state = 'shutdown';
    const action = reboot ? d.spec.onReboot : d.spec.onPoweroff;
    later(shutdownDelayMs, () => {
      if (domains.get(d.domid) !== d || action === 'preserve') return;
      domains.delete(d.domid);
      if (/restart$|^soft-reset$/.test(action)) {
        addDomain({ ...d.spec, state: 'running' }, nextDomid++);
      }
      watchFired();
    });
  }

  function create(spec: SimulatedDomainSpec): SimDomain {
    for (const d of domains.values()) {
      if (d.name === spec.name) {
        throw new HypervisorError(
          'DOMAIN_EXISTS',
          `a domain named "${spec.name}" already exists (domid ${d.domid})`,
          {
            name: spec.name,
            domid: d.domid,
          },
        );
      }
    }
    return addDomain(spec, nextDomid++);
  }

  // Initial domains.
  const initial = [
    ...(options.initialDomains ?? [DEFAULT_DOM0, ...DEFAULT_GUESTS]),
    ...syntheticSpecs(options.syntheticDomains ?? 0),
  ];
  const dom0Spec = initial.find((s) => s.name === 'Domain-0') ?? DEFAULT_DOM0;
  addDomain({ ...dom0Spec, state: 'running' }, 0);
  for (const s of initial) if (s.name !== 'Domain-0') create(s);
  hub.update(list());

  /**
   * One synthetic RFB server per domain that asked for one (see `vncEndpoint`), by domid (never
   * reused here); closed when its domain goes away (every list diff sweeps, even one that emits no
   * event: a domain created and destroyed within one watch delay) and in `close()`.
   */
  const vncServers = new Map<number, { server: RfbServer; port: Promise<number> }>();
  function sweepVncServers(all = false): void {
    for (const [domid, v] of vncServers) {
      if (all || !domains.has(domid)) {
        vncServers.delete(domid);
        void v.server.close();
      }
    }
  }

  /** The fake shells behind `openTextConsole`; a domain's end when it goes away (any event sweeps). */
  const fakeConsoles = new FakeConsoles();
  hub.subscribe(() => fakeConsoles.sweep((domid) => domains.has(domid)));

  /** Each domain's vCPUs and credit2 parameters (`simulated/vcpus.ts`), made on first use. */
  const vcpuTables = new WeakMap<SimDomain, SimVcpus>();
  /** The vCPU table of `d`, its CPU time shared out up to now. */
  function vcpusOf(d: SimDomain): SimVcpus {
    advance();
    let t = vcpuTables.get(d);
    if (!t) {
      t = new SimVcpus(d, options.nrCpus ?? 8);
      vcpuTables.set(d, t);
    }
    t.share(d);
    return t;
  }

  const host: SimulatedHost = {
    kind: 'simulated',

    async hostInfo(): Promise<HostInfo> {
      return {
        hostname: options.hostname ?? 'simulated',
        xenVersion: options.xenVersion ?? '4.17.7',
        nrCpus: options.nrCpus ?? 8,
        cpuMhz: options.cpuMhz ?? 2400,
        totalMemoryMiB,
        freeMemoryMiB: Math.floor(freeMemoryKiB() / 1024),
        virtCaps: options.virtCaps ?? ['pv', 'hvm', 'hap', 'shadow'],
      };
    },

    async metricsSnapshot(): Promise<MetricsSnapshot> {
      const t0 = clock();
      advance(Number(t0) / 1e6);
      const out: MetricsSnapshot = {
        monotonicNs: Number(t0),
        collectNs: 0,
        host: {
          nrCpus: options.nrCpus ?? 8,
          cpuHz: (options.cpuMhz ?? 2400) * 1e6,
          totalMemoryBytes: totalMemoryMiB * 1048576,
          freeMemoryBytes: Math.floor(freeMemoryKiB()) * 1024,
        },
        domains: [...domains.values()].sort((a, b) => a.domid - b.domid).map(domainMetrics),
      };
      out.collectNs = Number(clock() - t0);
      return out;
    },

    async dom0Memory(): Promise<Dom0Memory> {
      return memoryOf(0);
    },

    async domainMemory(domid: number): Promise<Dom0Memory> {
      return memoryOf(domid);
    },

    async setMemoryTarget(domid: number, targetKiB: number): Promise<void> {
      enforce(checkDomid(domid));
      enforce(checkMemoryTargetType(targetKiB));
      const d = byDomid(domid);
      const minKiB = domid === 0 ? minDom0KiB : DOMU_MIN_TARGET_KiB;
      enforce(checkMemoryChange(domid, d.state, targetKiB, { minKiB, maxKiB: d.maxMemoryKiB }));
      advance();
      d.targetKiB = targetKiB;
    },

    async listDomains(): Promise<DomainInfo[]> {
      return list();
    },

    async domainInfo(domid: number): Promise<DomainInfo> {
      advance();
      return snapshot(byDomid(domid));
    },

    async domidByName(name: string): Promise<number | undefined> {
      enforce(checkDomainName(name));
      for (const d of domains.values()) if (d.name === name) return d.domid;
      return undefined;
    },

    async domainOperation(domid: number, op: DomainOperation): Promise<void> {
      enforce(checkDomid(domid));
      enforce(checkDomainOperation(op));
      const d = byDomid(domid);
      advance();
      enforce(checkDomainState(op, domid, d.state));
      switch (op) {
        case 'pause':
          d.state = 'paused';
          break;
        case 'unpause':
          d.state = 'running';
          break;
        case 'shutdown':
        case 'reboot':
          startShutdown(d, op === 'reboot');
          break;
        case 'destroy':
          domains.delete(domid);
          break;
      }
      diffNow();
    },

    async createDomain(configPath: string): Promise<CreateResult> {
      const spec = await readSimConfig(configPath);
      await new Promise<void>((resolve) => setTimeout(resolve, createDelayMs));
      const d = create(spec);
      diffNow();
      const warn =
        spec.type === 'pv' && !spec.explicitType ? 'xl: no type given, assuming PV\n' : '';
      return { domid: d.domid, name: d.name, output: `${warn}Parsing config from ${configPath}\n` };
    },

    onDomainEvent(listener: (event: DomainEvent) => void): () => void {
      return hub.subscribe(listener);
    },

    /**
     * A synthetic RFB server on 127.0.0.1 (ephemeral port), started on the first call for an HVM
     * domain with `vnc` on, drawing a test pattern with the domain's name and asking for
     * `vncPassword` when it has one (`vncpasswd` in its config); `host` is the domain's
     * `vncListen` (`vnclisten`, default 127.0.0.1). undefined for PV and PVH
     * domains (no device model), HVM with `vnc = 0`, and a dying domain. Throws
     * DOMAIN_NOT_FOUND, INVALID_ARGUMENT.
     */
    async vncEndpoint(domid: number): Promise<VncEndpoint | undefined> {
      const d = byDomid(domid);
      if (d.type !== 'hvm' || !d.spec.vnc || d.state === 'dying' || closed) return undefined;
      let v = vncServers.get(domid);
      if (!v) {
        const server = new RfbServer({ name: d.name, password: d.spec.vncPassword });
        v = { server, port: server.listen() };
        vncServers.set(domid, v);
      }
      // The domain may go away while the server starts (its sweep closes it): then it has none.
      const port = await v.port.catch(() => undefined);
      if (port === undefined) {
        byDomid(domid);
        return undefined;
      }
      return {
        host: d.spec.vncListen,
        port,
        ...(d.spec.vncPassword ? { password: d.spec.vncPassword } : {}),
      };
    },

    /**
     * The disks of the config the domain was created from (its `disk = [...]`; the spec's
     * `disks` for initial and `external.create` domains), with the CD-ROM changes made since.
     * Throws DOMAIN_NOT_FOUND, INVALID_ARGUMENT.
     */
    async domainDisks(domid: number): Promise<DomainDisk[]> {
      return byDomid(domid).spec.disks.map((disk) => ({ ...disk }));
    },

    /**
     * Puts `target` in the CD-ROM drive `vdev` (raw, read-only), after the same checks as the
     * libxl backend: HVM (INVALID_STATE), a CD-ROM drive `vdev` (INVALID_ARGUMENT), an existing
     * file in this machine's filesystem (INVALID_ARGUMENT). Throws DOMAIN_NOT_FOUND too.
     */
    async cdInsert(domid: number, vdev: string, target: string): Promise<void> {
      checkVdev(vdev);
      const d = byDomid(domid);
      checkCdromDomain(domid, d.type);
      const drive = findCdrom(domid, d.spec.disks, vdev);
      await checkImageFile(target);
      Object.assign(drive, { target, format: 'raw', readonly: true });
    },

    /**
     * Empties the CD-ROM drive `vdev` (target null, format `empty`). Throws DOMAIN_NOT_FOUND,
     * INVALID_STATE (not HVM), INVALID_ARGUMENT (no CD-ROM drive `vdev`).
     */
    async cdEject(domid: number, vdev: string): Promise<void> {
      checkVdev(vdev);
      const d = byDomid(domid);
      checkCdromDomain(domid, d.type);
      Object.assign(findCdrom(domid, d.spec.disks, vdev), {
        target: null,
        format: 'empty',
        readonly: true,
      });
    },

    /**
     * A fake shell (see `simulated/fake-console.ts`): `pv` for every domU, `serial` for HVM
     * domains with a serial port (spec `serial`, `serial = "pty"` in a config); it prints a boot
     * banner at each boot and ends when the domain goes away. Throws INVALID_ARGUMENT,
     * DOMAIN_NOT_FOUND, CONSOLE_UNAVAILABLE (Domain-0, serial of a PV/PVH domain or of an HVM
     * one without a serial port), CONSOLE_BUSY (already open).
     */
    async openTextConsole(domid: number, kind: TextConsoleKind): Promise<TextConsole> {
      if (kind !== 'pv' && kind !== 'serial') {
        throw new HypervisorError(
          'INVALID_ARGUMENT',
          `unknown text console "${String(kind)}" (pv, serial)`,
          { kind },
        );
      }
      const d = byDomid(domid);
      return fakeConsoles.open(
        { domid: d.domid, name: d.name, type: d.type, serial: d.spec.serial },
        kind,
      );
    },

    syntheticVnc(domid: number): RfbServer | undefined {
      return vncServers.get(domid)?.server;
    },

    async refresh(): Promise<void> {
      diffNow();
    },

    /**
     * Writes a real file (`simulated/saved-domain.ts`: xl's header with the domain as libxl JSON,
     * then the simulated domain) under a hidden partial name, grows it (sparse) to the domain's
     * memory size in four steps over `createDelayMs`, calling `onProgress` at each, and links it
     * to `file`; then the domain goes away unless `checkpoint`. Same checks and codes as the
     * libxl backend: DOMAIN_NOT_FOUND, INVALID_STATE (dom0, not running/blocked/paused),
     * INVALID_ARGUMENT (path, file exists).
     */
    async saveDomain(domid: number, file: string, opts: SaveOptions = {}): Promise<SaveResult> {
      const d = byDomid(domid);
      checkSavable(domid, d.state);
      await checkSaveTarget(file);
      advance();
      const config = simulatedConfigJson(d);
      const image = encodeSimulatedImage(config, {
        spec: { ...d.spec, memoryMiB: Math.round(d.targetKiB / 1024), vcpus: d.vcpus },
        cpuTimeNs: d.cpuTimeNs,
      });
      const totalBytes = Math.max(image.length, Math.round(d.memoryKiB) * 1024);
      const partial = partialSavePath(file);
      try {
        await writeFile(partial, image, { flag: 'wx', mode: 0o644 });
        for (let k = 1; k <= 4; k++) {
          await new Promise<void>((r) => setTimeout(r, createDelayMs / 4));
          const bytes = Math.max(image.length, Math.round((totalBytes * k) / 4));
          await truncate(partial, bytes);
          opts.onProgress?.(bytes);
        }
        if (domains.get(domid) !== d) {
          throw new HypervisorError('SAVE_FAILED', `domid ${domid} went away during the save`, {
            domid,
            file,
          });
        }
      } catch (err) {
        await removePartialSave(partial);
        throw err;
      }
      const sizeBytes = await commitSaveFile(partial, file);
      if (!opts.checkpoint) {
        domains.delete(domid);
        diffNow();
      }
      const optional = image.readUInt32LE(44);
      return {
        file,
        sizeBytes,
        output: `Saving to ${file} new xl format (info 0x3/0x0/${optional})\n`,
      };
    },

    /**
     * Reads the image's xl header (name; DOMAIN_EXISTS while a domain has it) and brings the
     * domain back with a new domid after `createDelayMs`: from the simulated payload when the
     * image was saved here (CPU time continues), else from the saved config's summary (a real
     * `xl save` image). The file is kept. Throws INVALID_ARGUMENT (no such file, not an image).
     */
    async restoreDomain(file: string): Promise<CreateResult> {
      checkRestoreSource(file);
      const header = await readXlSaveHeader(file);
      const name = restorableName(file, header);
      const payload = await readSimulatedPayload(file, header);
      const spec: SimulatedDomainSpec = payload
        ? { ...(payload.spec as unknown as SimulatedDomainSpec), name, state: 'running' }
        : {
            name,
            type: (['pv', 'pvh', 'hvm'] as const).find((t) => t === header.summary.type) ?? 'pv',
            memoryMiB: header.summary.memoryMiB ?? 512,
            maxMemoryMiB: header.summary.maxMemoryMiB,
            vcpus: header.summary.vcpus ?? 1,
            maxVcpus: header.summary.maxVcpus,
          };
      const existing = [...domains.values()].find((x) => x.name === name);
      if (existing) {
        throw new HypervisorError(
          'DOMAIN_EXISTS',
          `a domain named "${name}" already exists (domid ${existing.domid})`,
          { name, domid: existing.domid },
        );
      }
      await new Promise<void>((resolve) => setTimeout(resolve, createDelayMs));
      const d = create(spec);
      d.cpuTimeNs = payload?.cpuTimeNs ?? 0;
      diffNow();
      return {
        domid: d.domid,
        name,
        output: `Loading new save file ${file} (new xl fmt info 0x3/0x0/${header.optionalDataBytes})\n`,
      };
    },

    /**
     * The domain's vCPUs 0..maxVcpus-1: online are 0..vcpus-1 (`running`/`blocked` as the domain,
     * `runnable` while it is paused or going away), each on the first pCPU of its hard affinity
     * (by vCPU id), with its share of the domain's CPU time. Throws INVALID_ARGUMENT, DOMAIN_NOT_FOUND.
     */
    async vcpuList(domid: number): Promise<VcpuInfo[]> {
      const d = byDomid(domid);
      return vcpusOf(d).list(d);
    },

    /**
     * Brings vCPUs 0..count-1 online and the rest offline at once (a Linux guest on Xen does it
     * within a moment). Checks as the libxl backend (`vcpus.ts`). Throws INVALID_ARGUMENT,
     * DOMAIN_NOT_FOUND, INVALID_STATE.
     */
    async setVcpus(domid: number, count: number): Promise<void> {
      checkVcpuCountType(count);
      const d = byDomid(domid);
      checkVcpuCount(domid, count, d.maxVcpus);
      checkVcpuChangeState(domid, d.state);
      vcpusOf(d);
      d.vcpus = count;
    },

    /** Sets affinities after the checks of the libxl backend (`vcpus.ts`). */
    async pinVcpu(
      domid: number,
      vcpu: number | 'all',
      hard: readonly number[],
      soft?: readonly number[],
    ): Promise<void> {
      checkVcpuIdType(vcpu);
      const d = byDomid(domid);
      checkVcpuId(domid, vcpu, d.maxVcpus);
      const nrCpus = options.nrCpus ?? 8;
      const hardSet = checkCpuSet('hard', hard, nrCpus);
      const softSet = soft === undefined ? undefined : checkCpuSet('soft', soft, nrCpus);
      vcpusOf(d).pin(vcpu, hardSet, softSet);
    },

    /** Every simulated domain runs under credit2 (weight 256, cap 0 at first). */
    async schedCredit2(domid: number): Promise<SchedCredit2> {
      return { ...vcpusOf(byDomid(domid)).credit2 };
    },

    /** Checks as the libxl backend (`vcpus.ts`: cap up to 100 × maxVcpus). */
    async setSchedCredit2(domid: number, params: Partial<SchedCredit2>): Promise<void> {
      const d = byDomid(domid);
      const checked = checkCredit2(params, d.maxVcpus);
      Object.assign(vcpusOf(d).credit2, checked);
    },

    /**
     * The vifs of the domain's config (`vif = [...]`; the spec's `nics`), libxl's defaults filled
     * in (`nicFromSpec`), with the attach/detach changes since; dom0 has none. Throws
     * DOMAIN_NOT_FOUND, INVALID_ARGUMENT.
     */
    async domainNics(domid: number): Promise<DomainNic[]> {
      const d = byDomid(domid);
      return d.spec.nics
        .map((v) => nicFromSpec(d.domid, d.type, v.devid ?? 0, v.mac ?? '', v))
        .sort((a, b) => a.devid - b.devid);
    },

    /**
     * Adds a vif after the libxl backend's checks (`readNicSpec`: INVALID_ARGUMENT; dom0:
     * INVALID_STATE); like libxl it refuses a devid already in use (LIBXL_ERROR), takes the
     * next devid and a random 00:16:3e MAC when none is given. A bridge outside
     * {@link SIMULATED_BRIDGES} fails as vif-bridge's hotplug does (LIBXL_ERROR). Throws
     * DOMAIN_NOT_FOUND too.
     */
    async nicAttach(domid: number, spec: string): Promise<DomainNic> {
      const d = byDomid(domid);
      const { vif } = readNicSpec(spec);
      checkNicDomain(domid, 'nicAttach');
      const bridge = vif.bridge ?? 'xenbr0';
      if (!SIMULATED_BRIDGES.includes(bridge)) {
        throw new HypervisorError(
          'LIBXL_ERROR',
          `xl network-attach exited with 1: /etc/xen/scripts/vif-bridge: Could not find bridge device ${bridge}`,
          { domid, spec, exitCode: 1 },
        );
      }
      const devid = vif.devid ?? Math.max(-1, ...d.spec.nics.map((v) => v.devid ?? 0)) + 1;
      const mac = vif.mac ?? guestMac(randomBytes(3));
      if (d.spec.nics.some((v) => v.devid === devid)) {
        throw new HypervisorError('LIBXL_ERROR', `domid ${domid} already has a vif ${devid}`, {
          domid,
          spec,
        });
      }
      const added: VifSpec = { ...vif, devid, mac };
      d.spec.nics.push(added);
      d.nets.push({ id: devid, rxBytes: 0, txBytes: 0 });
      return nicFromSpec(d.domid, d.type, devid, mac, added);
    },

    /**
     * Removes vif `devid` (INVALID_ARGUMENT when there is none, or a bad devid; dom0:
     * INVALID_STATE). Throws DOMAIN_NOT_FOUND too.
     */
    async nicDetach(domid: number, devid: number): Promise<void> {
      checkNicDevid(devid);
      const d = byDomid(domid);
      checkNicDomain(domid, 'nicDetach');
      const i = d.spec.nics.findIndex((v) => v.devid === devid);
      if (i < 0) {
        throw new HypervisorError('INVALID_ARGUMENT', `domid ${domid} has no vif ${devid}`, {
          domid,
          devid,
          devids: d.spec.nics.map((v) => v.devid),
        });
      }
      d.spec.nics.splice(i, 1);
      d.nets = d.nets.filter((n) => n.id !== devid);
    },

    async close(): Promise<void> {
      closed = true;
      sweepVncServers(true);
      fakeConsoles.closeAll();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (watchTimer) clearTimeout(watchTimer);
      hub.clear();
    },

    external: {
      destroy(name) {
        const d = byName(name);
        notDom0(d, 'destroy');
        domains.delete(d.domid);
        watchFired();
      },
      pause(name) {
        const d = byName(name);
        notDom0(d, 'pause');
        advance();
        d.state = 'paused';
      },
      unpause(name) {
        const d = byName(name);
        notDom0(d, 'unpause');
        advance();
        d.state = 'running';
      },
      shutdown(name) {
        const d = byName(name);
        notDom0(d, 'shutdown');
        startShutdown(d, false);
        watchFired();
      },
      crash(name) {
        const d = byName(name);
        notDom0(d, 'crash');
        advance();
        d.state = 'crashed';
      },
      create(spec) {
        const d = create(spec);
        watchFired();
        return d.domid;
      },
    },
  };
  return host;
}

/** A config disk as libxl lists it once attached (an empty CD-ROM drive has no target). */
function toDomainDisk(disk: DiskSpec): DomainDisk {
  return {
    vdev: disk.vdev,
    target: disk.target || null,
    devtype: disk.devtype,
    format: disk.target ? disk.format : 'empty',
    readonly: disk.access === 'ro',
  };
}

/**
 * Reads a config file the way `xl create` does (`readCreateConfig`: `@xendeck/xl-config`) and
 * turns it into the domain to simulate: `name` (required), `type` (or the older `builder`; PV when neither is given),
 * `memory` (MiB, default 128), `maxmem` (MiB, default = memory), `vcpus` (default 1), `maxvcpus`
 * (default = vcpus), one vif per `vif` entry, `disk` (what `domainDisks` reports), `serial`
 * (HVM: a serial console only with `pty`), `vnc` (HVM: default on), `vncpasswd`, `vnclisten` (address part), `on_poweroff`, `on_reboot`.
 * Throws CONFIG_NOT_FOUND and CREATE_FAILED as `readCreateConfig` does (maxmem below memory and
 * maxvcpus below vcpus are xl-config errors), and CREATE_FAILED for vcpus = 0.
 */
async function readSimConfig(
  path: string,
): Promise<SimulatedDomainSpec & { explicitType: boolean }> {
  const { config, name } = await readCreateConfig(path);
  const memoryMiB = config.memoryMiB ?? 128;
  const maxMemoryMiB = config.maxmemMiB ?? memoryMiB;
  const vcpus = config.vcpus ?? 1;
  const maxVcpus = config.maxvcpus ?? vcpus;
  // xl-config refuses maxvcpus below vcpus; libxl refuses a domain without a vCPU.
  if (vcpus < 1) throw configError(path, 'vcpus must be at least 1');
  const disks = (config.disk ?? []).map(toDomainDisk);
  return {
    name,
    type: config.type ?? 'pv',
    explicitType: config.type !== undefined,
    memoryMiB,
    maxMemoryMiB,
    vcpus,
    maxVcpus,
    state: 'running',
    vifs: config.vif?.length ?? 0,
    nics: config.vif ?? [],
    disks,
    // xl gives an HVM guest a serial pty only when asked (`serial = "pty"` or a list with it).
    serial: config.serial?.includes('pty') ?? false,
    vnc: config.vnc ?? true,
    vncPassword: config.vncpasswd ?? '',
    // vnclisten may carry a display (`127.0.0.1:1`): the endpoint reports the address.
    vncListen: (config.vnclisten ?? '127.0.0.1').replace(/^([^:]+):\d+$/, '$1'),
    ...(config.onPoweroff ? { onPoweroff: config.onPoweroff } : {}),
    ...(config.onReboot ? { onReboot: config.onReboot } : {}),
  };
}
