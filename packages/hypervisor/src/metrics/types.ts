/**
 * Live metrics: one snapshot of every domain's counters, as libxenstat (the library behind
 * `xentop`) reads them. Counters are cumulative since the domain (or device) started; turn two
 * snapshots into rates with {@link computeRates} (`./rates.ts`).
 *
 * Numbers: every counter is a JS number. libxenstat returns `unsigned long long`; values are exact
 * below 2^53 (9.0e15: 104 days of CPU time in ns, 8 PiB in bytes), which no counter here reaches
 * in practice; above that they lose their lowest bits, never their magnitude.
 *
 * Sources (libxl backend): `xenstat_get_node(handle, XENSTAT_VCPU)` (/usr/include/xenstat.h) and
 * the getters named on each field (libxenstat reads domains with the `getdomaininfo` domctl and
 * vCPUs with `getvcpuinfo`); vif counters from dom0's `/proc/net/dev` (the backend interfaces
 * `vif<domid>.<devid>`) and blkback vbd counters from sysfs
 * (`/sys/bus/xen-backend/devices/vbd-<domid>-<devid>/statistics/`), both read by the addon the way
 * libxenstat reads them; qdisk counters over QMP only with `openLibxlHost({ metricsQdisk: true })`.
 */
import type { DomainState } from '../types.js';

/** Host-wide figures in a {@link MetricsSnapshot}. */
export interface HostMetrics {
  /** Physical CPUs (xenstat_node_num_cpus; physinfo nr_cpus). */
  nrCpus: number;
  /** CPU frequency in Hz (xenstat_node_cpu_hz; physinfo cpu_khz × 1000). */
  cpuHz: number;
  /** Host memory in bytes (xenstat_node_tot_mem; physinfo total_pages × page size). */
  totalMemoryBytes: number;
  /** Memory free in Xen's heap, bytes (xenstat_node_free_mem; physinfo free_pages × page size). */
  freeMemoryBytes: number;
}

/**
 * One virtual network interface, counted at its backend in dom0 (`vif<domid>.<id>` in
 * `/proc/net/dev`). **Direction is dom0's**: `rx` is what the backend received, i.e. what the
 * guest sent; `tx` is what the backend sent, i.e. what the guest received. This is how libxenstat
 * and xentop report them (xentop's NETRX column is `rxBytes`).
 */
export interface VifMetrics {
  /** The vif's device id (N in its netback device `/sys/bus/xen-backend/devices/vif-<domid>-N`, else in an interface name `vif<domid>.N`). */
  id: number;
  /** Bytes received by the backend = sent by the guest (/proc/net/dev receive bytes; libxenstat's xenstat_network_rbytes). */
  rxBytes: number;
  /** Packets received by the backend (/proc/net/dev receive packets; libxenstat's xenstat_network_rpackets). */
  rxPackets: number;
  /** Receive errors (/proc/net/dev receive errs; libxenstat's xenstat_network_rerrs). */
  rxErrors: number;
  /** Receive drops (/proc/net/dev receive drop; libxenstat's xenstat_network_rdrop). */
  rxDrops: number;
  /** Bytes sent by the backend = received by the guest (/proc/net/dev transmit bytes; libxenstat's xenstat_network_tbytes). */
  txBytes: number;
  /** Packets sent by the backend (/proc/net/dev transmit packets; libxenstat's xenstat_network_tpackets). */
  txPackets: number;
  /** Transmit errors (/proc/net/dev transmit errs; libxenstat's xenstat_network_terrs). */
  txErrors: number;
  /** Transmit drops (/proc/net/dev transmit drop; libxenstat's xenstat_network_tdrop). */
  txDrops: number;
}

/**
 * How a virtual block device is served (xenstat_vbd_type): `vbd` = the kernel's blkback
 * (type 1, e.g. `phy:` disks), `tap` = blktap (type 2), `qdisk` = the QEMU device model's
 * qdisk backend, read over QMP (libxenstat leaves its type 0), `unknown` = any other number.
 */
export type VbdBackendType = 'vbd' | 'tap' | 'qdisk' | 'unknown';

/** One virtual block device's I/O counters. Sectors are 512 bytes. */
export interface VbdMetrics {
  /**
   * Device number as in xenstore's `device/vbd/<devid>` (xenstat_vbd_dev), e.g. 51712 = xvda
   * (202 << 8 | 0).
   */
  devid: number;
  backendType: VbdBackendType;
  /**
   * False when libxenstat could not read this device's statistics (xenstat_vbd_error); its
   * counters are then reported as 0 and {@link computeRates} gives no rates for it.
   */
  statsAvailable: boolean;
  /** Requests that found the ring full ("out of requests"; sysfs `oo_req`, xenstat_vbd_oo_reqs). */
  ooReqs: number;
  /** Read requests (sysfs `rd_req`; xenstat_vbd_rd_reqs). */
  rdReqs: number;
  /** Write requests (sysfs `wr_req`; xenstat_vbd_wr_reqs). */
  wrReqs: number;
  /** 512-byte sectors read (sysfs `rd_sect`; xenstat_vbd_rd_sects with `metricsQdisk`). */
  rdSectors: number;
  /** 512-byte sectors written (sysfs `wr_sect`; xenstat_vbd_wr_sects). */
  wrSectors: number;
}

/** One domain in a {@link MetricsSnapshot}. */
export interface DomainMetrics {
  /** Domain id (xenstat_domain_id). */
  domid: number;
  /**
   * Name from xenstore `/local/domain/<domid>/name` (xenstat_domain_name). libxenstat skips a
   * domain whose name is gone (it is being destroyed), so such a domain is not in the snapshot.
   */
  name: string;
  /**
   * From the xenstat_domain_{dying,crashed,shutdown,paused,running,blocked} flags, by the same
   * precedence as `DomainInfo.state`: dying > crashed > shutdown > paused > running >
   * blocked; none set (runnable, waiting for a pCPU) → running.
   */
  state: DomainState;
  /** CPU time used by all vCPUs since the domain was built, ns (xenstat_domain_cpu_ns). */
  cpuNs: number;
  /** vCPUs online now (count of xenstat_vcpu_online over the domain's vCPUs). */
  onlineVcpus: number;
  /** vCPUs the domain was built with: highest vCPU id + 1 (xenstat_domain_num_vcpus). */
  maxVcpus: number;
  /** Memory the domain holds, bytes (xenstat_domain_cur_mem: tot_pages × page size). */
  memoryBytes: number;
  /**
   * Maximum memory Xen lets it hold, bytes (xenstat_domain_max_mem: max_pages × page size);
   * `null` when unlimited (libxenstat returns UINT64_MAX, as for a dom0 booted without
   * `dom0_mem=...,max:`).
   */
  maxMemoryBytes: number | null;
  /** Network interfaces, by backend `/proc/net/dev` order (xenstat_domain_network). */
  nets: VifMetrics[];
  /** Block devices (xenstat_domain_vbd). */
  vbds: VbdMetrics[];
}

/** One sample of the whole host. */
export interface MetricsSnapshot {
  /**
   * CLOCK_MONOTONIC in ns, taken right before the collection started. The domain CPU counters
   * (`cpuNs`) are read by the collection's first hypercalls right after, so CPU rates use this.
   * As a number it is exact below 2^53 ns (104 days of uptime) and a few ns coarse after: no
   * matter for intervals of a second. Same clock as `process.hrtime.bigint()`.
   */
  monotonicNs: number;
  /**
   * How long the collection took, ns. Device counters (vifs, vbds) are read at its end, so their
   * rates use `monotonicNs + collectNs`. On the libxl backend: xenstat_get_node plus reading
   * /proc/net/dev and sysfs (and QMP for qdisk disks with `metricsQdisk`).
   */
  collectNs: number;
  host: HostMetrics;
  /** Every domain, ordered by domid (dom0 first). */
  domains: DomainMetrics[];
}

/** Per-second rates of one vif between two snapshots; each `null` when not computable this tick. */
export interface VifRates {
  id: number;
  /** Bytes/s received by the backend (= sent by the guest). */
  rxBytesPerSec: number | null;
  rxPacketsPerSec: number | null;
  rxErrorsPerSec: number | null;
  rxDropsPerSec: number | null;
  /** Bytes/s sent by the backend (= received by the guest). */
  txBytesPerSec: number | null;
  txPacketsPerSec: number | null;
  txErrorsPerSec: number | null;
  txDropsPerSec: number | null;
}

/** Per-second rates of one vbd between two snapshots; each `null` when not computable this tick. */
export interface VbdRates {
  devid: number;
  backendType: VbdBackendType;
  ooReqsPerSec: number | null;
  rdReqsPerSec: number | null;
  wrReqsPerSec: number | null;
  /** Bytes/s read (512-byte sectors × 512). */
  rdBytesPerSec: number | null;
  /** Bytes/s written (512-byte sectors × 512). */
  wrBytesPerSec: number | null;
}

/**
 * One domain's rates between two snapshots, plus its current gauges. Rates are `null` on the
 * domain's first tick (first snapshot, new domain, or a domid whose name changed) and for any
 * counter that went down (a reset): never negative.
 */
export interface DomainRates {
  domid: number;
  name: string;
  state: DomainState;
  /**
   * CPU use in percent of one physical CPU, as xentop's CPU(%): Δ`cpuNs` / Δwall × 100, so
   * 0..100 × `onlineVcpus` (it may pass that bound by a fraction of a percent from timestamp
   * jitter).
   */
  cpuPercent: number | null;
  /** Cumulative CPU time, ns (gauge from the current snapshot). */
  cpuNs: number;
  onlineVcpus: number;
  maxVcpus: number;
  memoryBytes: number;
  maxMemoryBytes: number | null;
  /** Sum over the domain's vifs of the rates that are known; `null` on the domain's first tick. */
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  /** Sum over the domain's vbds of the rates that are known; `null` on the domain's first tick. */
  vbdRdReqsPerSec: number | null;
  vbdWrReqsPerSec: number | null;
  vbdRdBytesPerSec: number | null;
  vbdWrBytesPerSec: number | null;
  nets: VifRates[];
  vbds: VbdRates[];
}

/** Host-wide rates between two snapshots. */
export interface HostRates {
  nrCpus: number;
  cpuHz: number;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
  /**
   * CPU use of all domains with a known rate, in percent of the whole host (0..100):
   * Σ Δ`cpuNs` / (Δwall × nrCpus) × 100. `null` on the first snapshot.
   */
  cpuPercent: number | null;
  /** Sums over all domains' known rates; `null` on the first snapshot. */
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  vbdRdBytesPerSec: number | null;
  vbdWrBytesPerSec: number | null;
}

/** What {@link computeRates} returns. */
export interface MetricsRates {
  /** CLOCK_MONOTONIC of the current snapshot, ns (its `monotonicNs`). */
  monotonicNs: number;
  /** Wall time between the two snapshots' CPU readings, ns; `null` on the first snapshot. */
  intervalNs: number | null;
  host: HostRates;
  /** One entry per domain of the current snapshot (vanished domains are dropped), by domid. */
  domains: DomainRates[];
}
