/**
 * Turns one libxenstat snapshot and its rates (`computeRates` of @xendeck/hypervisor) into the
 * `sample` message of `WS /api/v1/metrics` (`metricsMessageSchema` in @xendeck/api) and into the
 * per-series points the history keeps. Pure functions: no clock, no I/O.
 */
import type { MetricsDomainSample, MetricsHostSample, MetricsSampleMessage } from '@xendeck/api';
import type { MetricsRates, MetricsSnapshot } from '@xendeck/hypervisor';

/** Series name of the host in the history (a Xen domain name is never empty). */
export const HOST_SERIES = '';

/**
 * One point of a history series, as the ring and the downsampler keep it. For a domain:
 * `cpuPercent` of one pCPU, `memoryBytes` held; for the host: `cpuPercent` of the whole host,
 * `memoryBytes` used (total − free), I/O summed over all domains. Rates in bytes/s (net, backend
 * view) and requests/s (vbd); null where the sample had no rate (first tick of a series, reset).
 */
export interface SeriesPoint {
  domid: number;
  cpuPercent: number | null;
  memoryBytes: number;
  netRxBps: number | null;
  netTxBps: number | null;
  vbdRdPs: number | null;
  vbdWrPs: number | null;
}

/** Rounds to `digits` decimals (keeps the JSON of 500 domains small); null stays null. */
function round(x: number, digits: number): number;
function round(x: number | null, digits: number): number | null;
function round(x: number | null, digits: number): number | null {
  if (x === null) return null;
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/**
 * The `sample` message for one tick. `t` is the wall time of the tick (ms since the epoch),
 * `intervalMs` the sampler's period. Domains are in the order of `rates.domains` (by domid).
 * Cumulative counters come from `snapshot` (summed over the domain's vifs and vbds), rates from
 * `rates`; CPU % and memory % are rounded to 0.01, CPU seconds to 1 ms, rates to 0.01/s.
 */
export function toSampleMessage(
  snapshot: MetricsSnapshot,
  rates: MetricsRates,
  t: number,
  intervalMs: number,
): MetricsSampleMessage {
  const total = snapshot.host.totalMemoryBytes;
  const byDomid = new Map(snapshot.domains.map((d) => [d.domid, d]));
  const domains: MetricsDomainSample[] = [];
  for (const r of rates.domains) {
    const d = byDomid.get(r.domid);
    if (!d) continue;
    let netTxBytes = 0;
    let netRxBytes = 0;
    for (const n of d.nets) {
      netTxBytes += n.txBytes;
      netRxBytes += n.rxBytes;
    }
    let vbdOo = 0;
    let vbdRd = 0;
    let vbdWr = 0;
    let vbdRdSectors = 0;
    let vbdWrSectors = 0;
    for (const v of d.vbds) {
      vbdOo += v.ooReqs;
      vbdRd += v.rdReqs;
      vbdWr += v.wrReqs;
      vbdRdSectors += v.rdSectors;
      vbdWrSectors += v.wrSectors;
    }
    domains.push({
      domid: d.domid,
      name: d.name,
      state: d.state,
      cpuSeconds: round(d.cpuNs / 1e9, 3),
      cpuPercent: round(r.cpuPercent, 2),
      memoryBytes: d.memoryBytes,
      maxMemoryBytes: d.maxMemoryBytes,
      memoryPercent: total > 0 ? round((d.memoryBytes / total) * 100, 2) : 0,
      vcpus: d.onlineVcpus,
      nets: d.nets.length,
      netTxBytes,
      netRxBytes,
      netTxBps: round(r.netTxBytesPerSec, 2),
      netRxBps: round(r.netRxBytesPerSec, 2),
      vbds: d.vbds.length,
      vbdOo,
      vbdRd,
      vbdWr,
      vbdRdSectors,
      vbdWrSectors,
      vbdRdPs: round(r.vbdRdReqsPerSec, 2),
      vbdWrPs: round(r.vbdWrReqsPerSec, 2),
    });
  }
  const host: MetricsHostSample = {
    nrCpus: snapshot.host.nrCpus,
    cpuMhz: snapshot.host.cpuHz / 1e6,
    totalMemoryBytes: total,
    freeMemoryBytes: snapshot.host.freeMemoryBytes,
    cpuPercent: round(rates.host.cpuPercent, 2),
  };
  return { type: 'sample', t, intervalMs, host, domains };
}

/** The history points of one sample: the host's under {@link HOST_SERIES}, each domain's by name. */
export function toSeriesPoints(msg: MetricsSampleMessage): Map<string, SeriesPoint> {
  const out = new Map<string, SeriesPoint>();
  let rx: number | null = null;
  let tx: number | null = null;
  let rd: number | null = null;
  let wr: number | null = null;
  const add = (acc: number | null, v: number | null) => (v === null ? acc : (acc ?? 0) + v);
  for (const d of msg.domains) {
    out.set(d.name, {
      domid: d.domid,
      cpuPercent: d.cpuPercent,
      memoryBytes: d.memoryBytes,
      netRxBps: d.netRxBps,
      netTxBps: d.netTxBps,
      vbdRdPs: d.vbdRdPs,
      vbdWrPs: d.vbdWrPs,
    });
    rx = add(rx, d.netRxBps);
    tx = add(tx, d.netTxBps);
    rd = add(rd, d.vbdRdPs);
    wr = add(wr, d.vbdWrPs);
  }
  out.set(HOST_SERIES, {
    domid: -1,
    cpuPercent: msg.host.cpuPercent,
    memoryBytes: msg.host.totalMemoryBytes - msg.host.freeMemoryBytes,
    netRxBps: rx,
    netTxBps: tx,
    vbdRdPs: rd,
    vbdWrPs: wr,
  });
  return out;
}
