/**
 * `GET /metrics` in the Prometheus text exposition format (prom-client, on its own registry).
 * Every value comes from the sampler's latest tick (a custom `collect()` reads it; a scrape never
 * takes a snapshot of its own), so a scrape costs no hypercall. Counters are libxenstat's
 * cumulative counters: they restart at 0 when a domain is rebuilt (Prometheus' rate() handles
 * that). The metric names are listed in API.md; source: libxenstat (`metricsSnapshot()`).
 */
import type { MetricsSnapshot } from '@xendeck/hypervisor';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsHubStats } from './hub.js';

/** The parts of the sampler the exporter reads. */
export interface LatestSnapshot {
  /** The newest snapshot, or undefined before the first tick. */
  latestSnapshot(): MetricsSnapshot | undefined;
  /** The `WS /api/v1/metrics` hub's counters (`MetricsHub.stats()`), when there is a hub. */
  hubStats?: () => MetricsHubStats;
}

/**
 * A vbd's Linux name from its xenstore device number, for the `vbd` label: `xvda`… for the
 * `xvd` major (202) and the extended form (1 << 28), else the number itself.
 */
export function vbdLabel(devid: number): string {
  const letters = (disk: number): string => {
    let s = '';
    let n = disk + 1;
    while (n > 0) {
      s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
      n = Math.floor((n - 1) / 26);
    }
    return s;
  };
  const part = (p: number) => (p > 0 ? String(p) : '');
  if (devid >> 8 === 202) return `xvd${letters((devid >> 4) & 0xf)}${part(devid & 0xf)}`;
  if ((devid & (1 << 28)) !== 0) {
    return `xvd${letters((devid >> 8) & 0xfffff)}${part(devid & 0xff)}`;
  }
  return String(devid);
}

const VIF_COUNTERS = [
  ['rx_bytes', 'rxBytes', 'Bytes received by the backend (sent by the guest)'],
  ['rx_packets', 'rxPackets', 'Packets received by the backend (sent by the guest)'],
  ['rx_errors', 'rxErrors', 'Receive errors at the backend'],
  ['rx_drops', 'rxDrops', 'Receive drops at the backend'],
  ['tx_bytes', 'txBytes', 'Bytes sent by the backend (received by the guest)'],
  ['tx_packets', 'txPackets', 'Packets sent by the backend (received by the guest)'],
  ['tx_errors', 'txErrors', 'Transmit errors at the backend'],
  ['tx_drops', 'txDrops', 'Transmit drops at the backend'],
] as const;

const VBD_COUNTERS = [
  ['rd_requests', 'rdReqs', 'Read requests'],
  ['wr_requests', 'wrReqs', 'Write requests'],
  ['oo_requests', 'ooReqs', 'Requests that found the ring full (out of requests)'],
  ['rd_sectors', 'rdSectors', '512-byte sectors read'],
  ['wr_sectors', 'wrSectors', '512-byte sectors written'],
] as const;

/** The registry of `GET /metrics` and the histogram the sampler feeds. */
export interface PrometheusExporter {
  registry: Registry;
  /** Records one tick's duration (snapshot + rates), seconds. */
  observeSampleDuration: (seconds: number) => void;
}

export function createPrometheusExporter(source: LatestSnapshot): PrometheusExporter {
  const registry = new Registry();
  const registers = [registry];
  const snap = () => source.latestSnapshot();

  new Counter({
    name: 'xen_domain_cpu_seconds_total',
    help: 'CPU time used by all vCPUs of the domain since it was built, seconds (xenstat_domain_cpu_ns)',
    labelNames: ['domain', 'domid'],
    registers,
    collect() {
      this.reset();
      for (const d of snap()?.domains ?? []) {
        this.inc({ domain: d.name, domid: String(d.domid) }, d.cpuNs / 1e9);
      }
    },
  });
  const domainGauge = (
    name: string,
    help: string,
    value: (d: MetricsSnapshot['domains'][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['domain', 'domid'],
      registers,
      collect() {
        this.reset();
        for (const d of snap()?.domains ?? []) {
          const v = value(d);
          if (v !== null) this.set({ domain: d.name, domid: String(d.domid) }, v);
        }
      },
    });
  domainGauge(
    'xen_domain_memory_bytes',
    'Memory the domain holds, bytes (xenstat_domain_cur_mem)',
    (d) => d.memoryBytes,
  );
  domainGauge(
    'xen_domain_memory_max_bytes',
    'Maximum memory of the domain, bytes (xenstat_domain_max_mem); absent when unlimited',
    (d) => d.maxMemoryBytes,
  );
  domainGauge('xen_domain_vcpus_online', 'vCPUs online', (d) => d.onlineVcpus);

  for (const [suffix, field, help] of VIF_COUNTERS) {
    new Counter({
      name: `xen_domain_vif_${suffix}_total`,
      help: `${help} (xenstat_network_*, dom0's /proc/net/dev)`,
      labelNames: ['domain', 'vif'],
      registers,
      collect() {
        this.reset();
        for (const d of snap()?.domains ?? []) {
          for (const n of d.nets) this.inc({ domain: d.name, vif: String(n.id) }, n[field]);
        }
      },
    });
  }
  for (const [suffix, field, help] of VBD_COUNTERS) {
    new Counter({
      name: `xen_domain_vbd_${suffix}_total`,
      help: `${help} (xenstat_vbd_*); vbds whose statistics are unavailable are left out`,
      labelNames: ['domain', 'vbd'],
      registers,
      collect() {
        this.reset();
        for (const d of snap()?.domains ?? []) {
          for (const v of d.vbds) {
            if (v.statsAvailable) this.inc({ domain: d.name, vbd: vbdLabel(v.devid) }, v[field]);
          }
        }
      },
    });
  }
  const hostGauge = (name: string, help: string, value: (s: MetricsSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const s = snap();
        if (s) this.set(value(s));
      },
    });
  hostGauge(
    'xen_host_memory_total_bytes',
    'Host memory, bytes (xenstat_node_tot_mem)',
    (s) => s.host.totalMemoryBytes,
  );
  hostGauge(
    'xen_host_memory_free_bytes',
    "Memory free in Xen's heap, bytes (xenstat_node_free_mem)",
    (s) => s.host.freeMemoryBytes,
  );
  hostGauge('xen_host_cpus', 'Physical CPUs (xenstat_node_num_cpus)', (s) => s.host.nrCpus);

  const duration = new Histogram({
    name: 'xendeck_sample_duration_seconds',
    help: 'Time one metrics sample took (libxenstat snapshot and rates), seconds',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const hubCounter = (name: string, help: string, value: (h: MetricsHubStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const h = source.hubStats?.();
        if (h) this.inc(value(h));
      },
    });
  hubCounter(
    'xendeck_metrics_ws_publish_seconds_total',
    'Time spent sending ticks to WS /api/v1/metrics clients (encode, serialize, write), seconds',
    (h) => h.publishSeconds,
  );
  hubCounter(
    'xendeck_metrics_ws_sent_bytes_total',
    'Bytes sent to WS /api/v1/metrics clients (JSON text)',
    (h) => h.sentBytes,
  );
  hubCounter(
    'xendeck_metrics_ws_sent_messages_total',
    'Messages sent to WS /api/v1/metrics clients',
    (h) => h.sentMessages,
  );
  return { registry, observeSampleDuration: (s) => duration.observe(s) };
}
