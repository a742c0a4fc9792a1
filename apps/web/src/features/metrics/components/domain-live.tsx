import { useSyncExternalStore } from 'react';
import { metricsStore, useMetricsView } from '../api/metrics-stream';
import type { MetricsDomain } from '../lib/contract';
import {
  formatBytesPerSec,
  formatMemoryBytes,
  formatPercent,
  formatReqPerSec,
} from '../lib/format-metrics';
import type { MetricsStore } from '../lib/metrics-store';
import { ALL_FIELDS } from '../lib/metrics-view';
import { CpuSparkline } from './domain-sparklines';

/** The latest sample's entry for the domain called `name`, or undefined (not running, no sample yet). */
export function useDomainSample(
  name: string,
  store: MetricsStore = metricsStore,
): MetricsDomain | undefined {
  const get = () => store.getDomainLatest(name);
  return useSyncExternalStore(store.subscribe, get, get);
}

/**
 * The domains table's CPU cell: the last sample's CPU % with one decimal (`73.4%`, `—` before
 * the first rate) in `data-testid="domain-cpu-percent"`, and a 2-minute sparkline.
 */
export function DomainCpuCell({
  name,
  store = metricsStore,
}: {
  name: string;
  store?: MetricsStore;
}) {
  // Only the number: the cell re-renders when the figure changes, not at every tick.
  const get = () => store.getDomainLatest(name)?.cpuPercent;
  const cpuPercent = useSyncExternalStore(store.subscribe, get, get);
  return (
    <div className="flex items-center justify-end gap-2">
      <CpuSparkline name={name} store={store} />
      <span data-testid="domain-cpu-percent" className="w-14 text-right tabular-nums">
        {formatPercent(cpuPercent)}
      </span>
    </div>
  );
}

function LiveNumber({ label, value, title }: { label: string; value: string; title: string }) {
  return (
    <div className="flex flex-col gap-0.5" title={title}>
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="text-sm font-medium tabular-nums">{value}</dd>
    </div>
  );
}

/**
 * Small live figures for a domain's Overview: CPU %, memory, network rx/tx and disk read/write
 * rates, from the latest metrics sample (each second). Nothing while the domain is not running.
 * Subscribes the page to every field of this domain.
 */
export function DomainLiveNumbers({ name, store }: { name: string; store?: MetricsStore }) {
  useMetricsView({ domains: [name], fields: ALL_FIELDS });
  const d = useDomainSample(name, store);
  if (!d) {
    return (
      <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="domain-live">
        Waiting for live metrics…
      </p>
    );
  }
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4" data-testid="domain-live">
      <LiveNumber
        label="CPU"
        value={formatPercent(d.cpuPercent)}
        title="CPU over the last second, percent of one physical CPU (xentop CPU(%))"
      />
      <LiveNumber
        label="Memory"
        value={`${formatMemoryBytes(d.memoryBytes)} (${formatPercent(d.memoryPercent)} of host)`}
        title="Current memory and its share of host memory (xentop MEM(k), MEM(%))"
      />
      <LiveNumber
        label="Network rx / tx"
        value={`${formatBytesPerSec(d.netRxBps)} / ${formatBytesPerSec(d.netTxBps)}`}
        title={`Bytes per second over ${d.nets} vif${d.nets === 1 ? '' : 's'}, as dom0's backend sees them (xentop): rx = sent by the guest, tx = received by it`}
      />
      <LiveNumber
        label="Disk read / write"
        value={`${formatReqPerSec(d.vbdRdPs)} / ${formatReqPerSec(d.vbdWrPs)}`}
        title={`Requests per second over ${d.vbds} vbd${d.vbds === 1 ? '' : 's'}`}
      />
    </dl>
  );
}
