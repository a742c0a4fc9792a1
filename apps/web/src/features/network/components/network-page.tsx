/**
 * `/network`: what `brctl show` shows, readable. Each dom0 bridge with its MAC, MTU and state, its
 * uplinks (non-vif ports, e.g. eth0) and its vifs: the domain (linked to its page's Network
 * tab), devid, the guest's MAC, its IPs (from the vif's `ip=`, or dom0's ARP table: the source is
 * said), rate limit, NIC model, port state. Refreshed every 10 s.
 *
 * Test ids: `network-page`, `network-simulated`, `bridge-<name>`, `port-<port name>`.
 */
import type { Bridge, BridgePort } from '@xendeck/api';
import { Link } from 'react-router';
import { Panel, QueryState } from '@/components/panel';
import { tdClass, thClass } from '@/components/table';
import { useBridges } from '../api/get-bridges';
import { formatVifRate } from './rate';

export function NetworkPage() {
  const bridges = useBridges();
  return (
    <div data-testid="network-page" className="flex flex-col gap-4">
      <div>
        <h1 className="text-lg font-semibold tracking-tight">Network</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          dom0's bridges and which guest each vif belongs to (
          <code className="font-mono">brctl show</code>,{' '}
          <code className="font-mono">xl network-list</code>).
        </p>
      </div>
      {!bridges.data ? (
        <QueryState isPending={bridges.isPending} error={bridges.error} what="bridges" />
      ) : (
        <>
          {bridges.data.simulated ? (
            <p
              data-testid="network-simulated"
              className="text-xs text-amber-700 dark:text-amber-300"
            >
              Simulated host: these bridges and their uplink are made up.
            </p>
          ) : null}
          {bridges.data.bridges.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              dom0 has no bridges: a guest's vif needs one (e.g.{' '}
              <span className="font-mono">xenbr0</span>, see the Debian Xen wiki).
            </p>
          ) : null}
          {bridges.data.bridges.map((b) => (
            <BridgePanel key={b.name} bridge={b} />
          ))}
        </>
      )}
    </div>
  );
}

function BridgePanel({ bridge }: { bridge: Bridge }) {
  const uplinks = bridge.ports.filter((p) => p.kind === 'uplink');
  const vifs = bridge.ports.filter((p) => p.kind !== 'uplink');
  const headingId = `bridge-${bridge.name}-heading`;
  return (
    <div data-testid={`bridge-${bridge.name}`}>
      <Panel
        labelledBy={headingId}
        title={
          <span className="flex flex-wrap items-baseline gap-x-3">
            <span className="font-mono">{bridge.name}</span>
            <span className="text-xs font-normal text-zinc-500 dark:text-zinc-400">
              {bridge.mac ?? '—'} · MTU {bridge.mtu ?? '—'} · {bridge.operstate ?? 'unknown'} ·{' '}
              {uplinks.length
                ? `uplink ${uplinks.map((u) => u.name).join(', ')}`
                : 'no uplink (host-only)'}{' '}
              · {vifs.length} vif port{vifs.length === 1 ? '' : 's'}
            </span>
          </span>
        }
      >
        {bridge.ports.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No ports.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th className={thClass}>Port</th>
                  <th className={thClass}>Domain</th>
                  <th className={thClass}>MAC</th>
                  <th className={thClass}>IP</th>
                  <th className={thClass}>Rate</th>
                  <th className={thClass}>Model</th>
                  <th className={thClass}>State</th>
                </tr>
              </thead>
              <tbody>
                {bridge.ports.map((p) => (
                  <PortRow key={p.name} port={p} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}

function PortRow({ port: p }: { port: BridgePort }) {
  const uplink = p.kind === 'uplink';
  return (
    <tr
      data-testid={`port-${p.name}`}
      className="border-b border-zinc-100 last:border-0 dark:border-zinc-900"
    >
      <td className={`${tdClass} font-mono`}>
        {p.name}
        {uplink ? (
          <span className="ml-1.5 rounded bg-zinc-200 px-1 text-[10px] text-zinc-700 uppercase dark:bg-zinc-800 dark:text-zinc-300">
            uplink
          </span>
        ) : null}
        {p.kind === 'vif-emu' ? (
          <span
            className="ml-1.5 text-[10px] text-zinc-500"
            title="the tap of the guest's emulated NIC (QEMU)"
          >
            emulated
          </span>
        ) : null}
      </td>
      <td className={tdClass}>
        {p.domain ? (
          <Link
            to={`/domains/${encodeURIComponent(p.domain.name)}?view=network`}
            className="text-sky-700 hover:underline dark:text-sky-400"
          >
            {p.domain.name}
          </Link>
        ) : uplink ? (
          <span className="text-zinc-500">—</span>
        ) : (
          <span className="text-zinc-500">no running domain</span>
        )}
        {p.domain ? (
          <span className="ml-1 text-xs text-zinc-500">
            domid {p.domain.domid}, vif {p.devid}
          </span>
        ) : null}
      </td>
      <td className={`${tdClass} font-mono text-xs`}>{p.mac ?? '—'}</td>
      <td className={`${tdClass} font-mono text-xs`}>
        {p.ips.length ? p.ips.join(', ') : '—'}
        {p.ipSource ? (
          <span className="ml-1 font-sans text-[10px] text-zinc-500">
            ({p.ipSource === 'config' ? 'ip= in the vif' : 'ARP table'})
          </span>
        ) : null}
      </td>
      <td className={`${tdClass} text-xs`}>{uplink ? '—' : formatVifRate(p.rateBytesPerSec)}</td>
      <td className={`${tdClass} font-mono text-xs`}>{p.model ?? '—'}</td>
      <td className={`${tdClass} text-xs`}>
        {p.operstate ?? '—'}
        {p.state ? `, ${p.state}` : ''}
      </td>
    </tr>
  );
}
