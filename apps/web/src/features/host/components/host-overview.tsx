import type { Host } from '@xendeck/api';
import { formatMiB, percentOf } from '@/lib/format';

/** Host facts as `xl info` reports them: name, Xen version, CPUs, capabilities, backend. */
export function HostFacts({ host }: { host: Host }) {
  // [label, shown, title]: CPU frequency shown in GHz to fit the column, exact MHz on hover.
  const facts: [string, string, string?][] = [
    ['Host', host.hostname],
    ['Xen', host.xenVersion],
    [
      'CPUs',
      `${host.nrCpus} × ${(Math.round(host.cpuMhz / 10) / 100).toFixed(2)} GHz`,
      `${host.nrCpus} × ${host.cpuMhz} MHz`,
    ],
    ['Memory', formatMiB(host.totalMemoryMiB)],
    ['Toolstack', host.backend === 'libxl' ? 'libxl (xl)' : 'simulated'],
  ];
  return (
    <div className="flex flex-col gap-3">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-[repeat(5,minmax(0,auto))] sm:justify-between">
        {facts.map(([label, value, title]) => (
          <div key={label} className="min-w-0">
            <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
            <dd className="truncate font-medium tabular-nums" title={title ?? value}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      <div>
        <p className="mb-1 text-xs text-zinc-500 dark:text-zinc-400">virt_caps</p>
        <ul className="flex flex-wrap gap-1" aria-label="Virtualisation capabilities">
          {host.virtCaps.map((cap) => (
            <li
              key={cap}
              className="rounded border border-zinc-200 bg-zinc-50 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
            >
              {cap}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

interface Segment {
  key: string;
  label: string;
  mib: number;
  swatch: string;
  note: string;
}

/** The split of host memory, in MiB, as a stacked bar with a legend: Xen, dom0, guests, free. */
export function MemorySplit({ host }: { host: Host }) {
  const total = host.totalMemoryMiB;
  const segments: Segment[] = [
    {
      key: 'xen',
      label: 'Xen',
      mib: host.xenMemoryMiB,
      swatch: 'bg-zinc-500 dark:bg-zinc-400',
      note: 'hypervisor heap, page tables, per-domain overhead',
    },
    {
      key: 'dom0',
      label: 'dom0',
      mib: host.dom0.memoryMiB,
      swatch: 'bg-sky-600 dark:bg-sky-500',
      note: `balloon target ${Math.round(host.dom0.targetMiB)} MiB`,
    },
    {
      key: 'guests',
      label: 'Guests',
      mib: host.guestsMemoryMiB,
      swatch: 'bg-violet-500 dark:bg-violet-400',
      note: 'all domUs, as xl list',
    },
    {
      key: 'free',
      label: 'Free',
      mib: host.freeMemoryMiB,
      swatch: 'bg-emerald-400 dark:bg-emerald-500',
      note: 'in Xen’s heap, for new domains',
    },
  ];
  return (
    <div className="flex flex-col gap-3">
      <div
        className="flex h-4 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        role="img"
        aria-label={`Host memory ${formatMiB(total)}: ${segments.map((s) => `${s.label} ${Math.floor(s.mib)} MiB`).join(', ')}`}
      >
        {segments.map((s) => (
          <div
            key={s.key}
            className={`${s.swatch} h-full border-r border-white/60 last:border-r-0 dark:border-zinc-900/60`}
            style={{ width: `${percentOf(Math.max(0, s.mib), total)}%` }}
            title={`${s.label}: ${Math.floor(s.mib)} MiB`}
          />
        ))}
      </div>
      <table className="w-full text-sm">
        <caption className="sr-only">Host memory split in MiB</caption>
        <thead className="sr-only">
          <tr>
            <th scope="col">Part</th>
            <th scope="col">MiB</th>
            <th scope="col">Share</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {segments.map((s) => (
            <tr key={s.key} data-testid={`memory-split-${s.key}`}>
              <th scope="row" className="py-0.5 pr-3 text-left font-medium">
                <span
                  className={`mr-2 inline-block size-2.5 rounded-sm align-middle ${s.swatch}`}
                />
                {s.label}
              </th>
              <td className="py-0.5 pr-3 text-right tabular-nums">{Math.floor(s.mib)} MiB</td>
              <td className="py-0.5 pr-3 text-right text-zinc-500 tabular-nums dark:text-zinc-400">
                {percentOf(s.mib, total).toFixed(1)}%
              </td>
              <td className="py-0.5 text-xs text-zinc-500 dark:text-zinc-400">{s.note}</td>
            </tr>
          ))}
          <tr className="border-t border-zinc-200 dark:border-zinc-800">
            <th scope="row" className="pt-1 pr-3 text-left font-medium">
              Total
            </th>
            <td className="pt-1 pr-3 text-right font-medium tabular-nums">
              {Math.floor(total)} MiB
            </td>
            <td />
            <td className="pt-1 text-xs text-zinc-500 dark:text-zinc-400">
              total_memory in xl info
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
