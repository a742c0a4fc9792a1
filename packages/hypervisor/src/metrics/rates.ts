/**
 * Rates from two {@link MetricsSnapshot}s, the way xentop computes them, as a pure function: the
 * server's sampler keeps the previous snapshot and calls {@link computeRates} on each new one.
 *
 * Semantics:
 * - **Wall time comes from the snapshots**, never from the caller's clock: CPU rates divide by the
 *   difference of `monotonicNs` (taken right before the collection, when the CPU counters are
 *   read); vif and vbd rates by the difference of `monotonicNs + collectNs` (their counters are
 *   read at the collection's end). A non-positive interval gives no rates at all.
 * - **Domain identity is (domid, name)**. A domain restarted under the same name gets a new domid:
 *   it starts again with no rates for one tick (no spike from a counter that restarted at zero).
 *   A domid whose name changed is treated as a new domain the same way.
 * - **Devices** are matched by vif `id` and by vbd (`devid`, `backendType`); a new device has no
 *   rates for one tick; a vbd whose statistics are unavailable in either snapshot has none.
 * - **Counter resets**: any counter lower than before gives `null` for that counter this tick,
 *   never a negative rate; the next tick counts from the new value.
 * - **First snapshot** (`prev` undefined): every rate is `null`, gauges are filled in.
 * - **Vanished domains** (in `prev`, not in `cur`) are dropped.
 */
import type {
  DomainMetrics,
  DomainRates,
  HostRates,
  MetricsRates,
  MetricsSnapshot,
  VbdMetrics,
  VbdRates,
  VifMetrics,
  VifRates,
} from './types.js';

/** Bytes per sector in libxenstat's vbd sector counters. */
export const VBD_SECTOR_BYTES = 512;

/** (cur − prev) / seconds, or null when the counter went down (reset) or is not a number. */
function perSecond(prev: number, cur: number, seconds: number): number | null {
  if (!(cur >= prev)) return null;
  return (cur - prev) / seconds;
}

function times(x: number | null, k: number): number | null {
  return x === null ? null : x * k;
}

/** Sum of the known values; `null` only when `known` is false. */
function sumKnown(values: (number | null)[], known: boolean): number | null {
  if (!known) return null;
  let s = 0;
  for (const v of values) if (v !== null) s += v;
  return s;
}

function vifRates(cur: VifMetrics, prev: VifMetrics | undefined, seconds: number | null): VifRates {
  const r = (k: keyof Omit<VifMetrics, 'id'>): number | null =>
    prev && seconds !== null ? perSecond(prev[k], cur[k], seconds) : null;
  return {
    id: cur.id,
    rxBytesPerSec: r('rxBytes'),
    rxPacketsPerSec: r('rxPackets'),
    rxErrorsPerSec: r('rxErrors'),
    rxDropsPerSec: r('rxDrops'),
    txBytesPerSec: r('txBytes'),
    txPacketsPerSec: r('txPackets'),
    txErrorsPerSec: r('txErrors'),
    txDropsPerSec: r('txDrops'),
  };
}

function vbdRates(cur: VbdMetrics, prev: VbdMetrics | undefined, seconds: number | null): VbdRates {
  const usable =
    prev !== undefined && seconds !== null && cur.statsAvailable && prev.statsAvailable;
  const r = (k: 'ooReqs' | 'rdReqs' | 'wrReqs' | 'rdSectors' | 'wrSectors'): number | null =>
    usable && prev && seconds !== null ? perSecond(prev[k], cur[k], seconds) : null;
  return {
    devid: cur.devid,
    backendType: cur.backendType,
    ooReqsPerSec: r('ooReqs'),
    rdReqsPerSec: r('rdReqs'),
    wrReqsPerSec: r('wrReqs'),
    rdBytesPerSec: times(r('rdSectors'), VBD_SECTOR_BYTES),
    wrBytesPerSec: times(r('wrSectors'), VBD_SECTOR_BYTES),
  };
}

function domainRates(
  cur: DomainMetrics,
  prev: DomainMetrics | undefined,
  cpuSeconds: number | null,
  deviceSeconds: number | null,
): DomainRates {
  const known = prev !== undefined && cpuSeconds !== null && deviceSeconds !== null;
  const devSeconds = known ? deviceSeconds : null;
  const prevNets = new Map(prev?.nets.map((n) => [n.id, n]));
  const prevVbds = new Map(prev?.vbds.map((v) => [`${v.devid}/${v.backendType}`, v]));
  const nets = cur.nets.map((n) => vifRates(n, prevNets.get(n.id), devSeconds));
  const vbds = cur.vbds.map((v) =>
    vbdRates(v, prevVbds.get(`${v.devid}/${v.backendType}`), devSeconds),
  );
  const cpuPerSec = known && prev ? perSecond(prev.cpuNs, cur.cpuNs, cpuSeconds) : null;
  return {
    domid: cur.domid,
    name: cur.name,
    state: cur.state,
    // ns of CPU per s of wall time / 1e9 × 100 = percent of one pCPU.
    cpuPercent: cpuPerSec === null ? null : cpuPerSec / 1e7,
    cpuNs: cur.cpuNs,
    onlineVcpus: cur.onlineVcpus,
    maxVcpus: cur.maxVcpus,
    memoryBytes: cur.memoryBytes,
    maxMemoryBytes: cur.maxMemoryBytes,
    netRxBytesPerSec: sumKnown(
      nets.map((n) => n.rxBytesPerSec),
      known,
    ),
    netTxBytesPerSec: sumKnown(
      nets.map((n) => n.txBytesPerSec),
      known,
    ),
    vbdRdReqsPerSec: sumKnown(
      vbds.map((v) => v.rdReqsPerSec),
      known,
    ),
    vbdWrReqsPerSec: sumKnown(
      vbds.map((v) => v.wrReqsPerSec),
      known,
    ),
    vbdRdBytesPerSec: sumKnown(
      vbds.map((v) => v.rdBytesPerSec),
      known,
    ),
    vbdWrBytesPerSec: sumKnown(
      vbds.map((v) => v.wrBytesPerSec),
      known,
    ),
    nets,
    vbds,
  };
}

/**
 * Rates between `prev` (the snapshot before, or undefined for the first one) and `cur`. Pure: it
 * reads nothing but its arguments and changes neither. See the module comment for the semantics
 * (identity by domid + name, resets → null, first tick → null, vanished domains dropped).
 *
 * Units: `cpuPercent` per domain in percent of one physical CPU (0..100 × online vCPUs, xentop's
 * CPU(%)); the host's `cpuPercent` in percent of all physical CPUs (0..100); everything else per
 * second (bytes/s, packets/s, requests/s).
 */
export function computeRates(
  prev: MetricsSnapshot | undefined,
  cur: MetricsSnapshot,
): MetricsRates {
  let cpuSeconds: number | null = null;
  let deviceSeconds: number | null = null;
  if (prev) {
    const cpuNs = cur.monotonicNs - prev.monotonicNs;
    const devNs = cur.monotonicNs + cur.collectNs - (prev.monotonicNs + prev.collectNs);
    if (cpuNs > 0 && devNs > 0) {
      cpuSeconds = cpuNs / 1e9;
      deviceSeconds = devNs / 1e9;
    }
  }
  const prevByDomid = new Map(prev?.domains.map((d) => [d.domid, d]));
  const domains = [...cur.domains]
    .sort((a, b) => a.domid - b.domid)
    .map((d) => {
      const p = prevByDomid.get(d.domid);
      return domainRates(d, p && p.name === d.name ? p : undefined, cpuSeconds, deviceSeconds);
    });

  const valid = cpuSeconds !== null;
  const withCpu = domains.filter((d) => d.cpuPercent !== null);
  const nrCpus = cur.host.nrCpus;
  const host: HostRates = {
    ...cur.host,
    cpuPercent:
      valid && withCpu.length > 0 && nrCpus > 0
        ? withCpu.reduce((s, d) => s + (d.cpuPercent ?? 0), 0) / nrCpus
        : null,
    netRxBytesPerSec: sumKnown(
      domains.map((d) => d.netRxBytesPerSec),
      valid,
    ),
    netTxBytesPerSec: sumKnown(
      domains.map((d) => d.netTxBytesPerSec),
      valid,
    ),
    vbdRdBytesPerSec: sumKnown(
      domains.map((d) => d.vbdRdBytesPerSec),
      valid,
    ),
    vbdWrBytesPerSec: sumKnown(
      domains.map((d) => d.vbdWrBytesPerSec),
      valid,
    ),
  };
  return {
    monotonicNs: cur.monotonicNs,
    intervalNs: valid && prev ? cur.monotonicNs - prev.monotonicNs : null,
    host,
    domains,
  };
}
