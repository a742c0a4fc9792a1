/**
 * The network view behind `GET /api/v1/network/bridges`: dom0's bridges and their ports, and for
 * each vif port the domain, the guest's MAC, IPs and rate limit. It owns how a port is matched to
 * a domain's vif and where each value comes from:
 * - bridges: `hostBridges` (sysfs: interfaces with a `bridge/` directory); per bridge its own
 *   `address`, `operstate`, `mtu` and its ports `brif/*` (what `brctl show` / `bridge link` list),
 *   each port's `operstate`, `address` and STP state `brport/state` — read from sysfs directly, no
 *   program spawned;
 * - vifs: every running domU's `hypervisor.domainNics` (libxl_device_nic_list): a port named as a
 *   vif's `vifName` (`vifD.N` or its `vifname=`) is that vif, `<vifName>-emu` its emulated twin;
 *   a port named `vifD.N[-emu]` that no running domain owns is a vif without a domain;
 *   anything else is an uplink;
 * - IPs: the vif spec's `ip=` (source `config`), else the IPv4 addresses dom0's ARP table
 *   (`/proc/net/arp`) has for the guest's MAC (source `neighbour`).
 * The simulated host has no sysfs of its own: {@link simulatedBridgeLinks} makes up xenbr0 (uplink
 * eth0) and xenbr1 (host-only) with the simulated domains' vifs as ports, and the answer says
 * `simulated: true`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bridge, BridgePort, NetworkBridges } from '@xendeck/api';
import { type DomainNic, type Hypervisor, SIMULATED_BRIDGES } from '@xendeck/hypervisor';
import type { AppContext } from '../context.js';
import { hostBridges, SYS_CLASS_NET } from '../guests/host.js';

/** Where dom0's ARP table is (IPv4 neighbours: IP, HW type, flags, HW address, mask, device). */
export const PROC_NET_ARP = '/proc/net/arp';

/** A dom0 link as sysfs shows it. */
export interface LinkFacts {
  name: string;
  /** `address`, lowercase. */
  mac: string | null;
  /** `operstate` (up, down, unknown, lowerlayerdown…). */
  operstate: string | null;
  mtu: number | null;
}

/** A bridge with its ports, before the ports are matched to domains. */
export interface BridgeLinks extends LinkFacts {
  ports: (LinkFacts & { state: string | null })[];
}

/** The kernel's bridge port STP states (`brport/state`, include/uapi/linux/if_bridge.h). */
const STP_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

/** A netback vif's default dom0 name: `vif<domid>.<devid>`, `-emu` for the HVM tap twin. */
const VIF_PORT = /^vif(\d+)\.(\d+)(-emu)?$/;

async function readText(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

async function linkFacts(sysClassNet: string, name: string): Promise<LinkFacts> {
  const dir = join(sysClassNet, name);
  const [mac, operstate, mtu] = await Promise.all([
    readText(join(dir, 'address')),
    readText(join(dir, 'operstate')),
    readText(join(dir, 'mtu')),
  ]);
  return {
    name,
    mac: mac ? mac.toLowerCase() : null,
    operstate,
    mtu: mtu !== null && /^\d+$/.test(mtu) ? Number(mtu) : null,
  };
}

/**
 * dom0's bridges and their ports from sysfs (`sysClassNet`, default /sys/class/net): the bridges
 * `hostBridges` finds, each one's `brif/` entries. A port that vanishes meanwhile is skipped.
 */
export async function readBridgeLinks(
  ctx: Pick<AppContext, 'hypervisor' | 'logger'>,
  sysClassNet = SYS_CLASS_NET,
): Promise<BridgeLinks[]> {
  const out: BridgeLinks[] = [];
  for (const name of await hostBridges(ctx, sysClassNet)) {
    const ports = await readdir(join(sysClassNet, name, 'brif')).catch(() => [] as string[]);
    const facts = await Promise.all(
      ports.sort().map(async (p) => {
        const state = await readText(join(sysClassNet, p, 'brport', 'state'));
        return {
          ...(await linkFacts(sysClassNet, p)),
          state: state !== null ? (STP_STATES[Number(state)] ?? state) : null,
        };
      }),
    );
    out.push({ ...(await linkFacts(sysClassNet, name)), ports: facts });
  }
  return out;
}

/**
 * The simulated host's made-up bridges ({@link SIMULATED_BRIDGES} of @xendeck/hypervisor):
 * xenbr0 with the uplink `eth0`, the others host-only; each domain's vifs as ports on their bridge
 * (`-emu` twins for ioemu vifs), all up and forwarding.
 */
export function simulatedBridgeLinks(nics: { domid: number; nics: DomainNic[] }[]): BridgeLinks[] {
  return SIMULATED_BRIDGES.map((name, i) => {
    const port = (p: string, mac: string) => ({
      name: p,
      mac,
      operstate: 'up',
      mtu: 1500,
      state: 'forwarding',
    });
    const ports = name === 'xenbr0' ? [port('eth0', '52:54:00:12:34:56')] : [];
    for (const d of nics) {
      for (const n of d.nics) {
        if (n.bridge !== name) continue;
        ports.push(port(n.vifName, 'fe:ff:ff:ff:ff:ff'));
        if (n.type === 'ioemu') ports.push(port(`${n.vifName}-emu`, 'fe:ff:ff:ff:ff:ff'));
      }
    }
    return {
      name,
      mac: `02:00:00:00:00:0${i}`,
      operstate: 'up',
      mtu: 1500,
      ports: ports.sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
}

/**
 * IPv4 neighbours by MAC from the text of /proc/net/arp (`IP address  HW type  Flags  HW address
 * Mask  Device`); incomplete entries (flags 0x0, MAC 00:00:00:00:00:00) are left out.
 */
export function parseProcNetArp(text: string): Map<string, string[]> {
  const byMac = new Map<string, string[]>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const [ip, , flags, mac] = f;
    if (!ip || !mac || flags === '0x0' || mac === '00:00:00:00:00:00') continue;
    const key = mac.toLowerCase();
    byMac.set(key, [...(byMac.get(key) ?? []), ip]);
  }
  return byMac;
}

/** The running domUs' vifs (domainNics of each; a domain gone meanwhile is skipped). */
export async function runningNics(
  hv: Hypervisor,
): Promise<{ domid: number; name: string; nics: DomainNic[] }[]> {
  const domains = (await hv.listDomains()).filter((d) => d.domid !== 0 && d.state !== 'dying');
  const out: { domid: number; name: string; nics: DomainNic[] }[] = [];
  for (const d of domains) {
    const nics = await hv.domainNics(d.domid).catch(() => undefined);
    if (nics) out.push({ domid: d.domid, name: d.name, nics });
  }
  return out;
}

/**
 * Matches bridge ports to the domains' vifs (see the module comment) and gives the answer's
 * bridges: ports sorted uplinks first, then by name.
 */
export function bridgeView(
  links: BridgeLinks[],
  domains: { domid: number; name: string; nics: DomainNic[] }[],
  neighbours: Map<string, string[]>,
): Bridge[] {
  const byPort = new Map<string, { domain: { name: string; domid: number }; nic: DomainNic }>();
  for (const d of domains) {
    for (const nic of d.nics) {
      const v = { domain: { name: d.name, domid: d.domid }, nic };
      byPort.set(nic.vifName, v);
      byPort.set(`${nic.vifName}-emu`, v);
    }
  }
  return links.map((b) => {
    const ports: BridgePort[] = b.ports.map((p) => {
      const owner = byPort.get(p.name);
      const pattern = VIF_PORT.exec(p.name);
      const emu = p.name.endsWith('-emu') && (owner !== undefined || pattern !== null);
      const base = { name: p.name, state: p.state, operstate: p.operstate };
      if (owner) {
        const { nic } = owner;
        const configIps = nic.ip ? nic.ip.split(/\s+/).filter(Boolean) : [];
        const seen = neighbours.get(nic.mac) ?? [];
        return {
          ...base,
          kind: emu ? 'vif-emu' : 'vif',
          domain: owner.domain,
          devid: nic.devid,
          mac: nic.mac,
          ips: configIps.length ? configIps : seen,
          ipSource: configIps.length ? 'config' : seen.length ? 'neighbour' : null,
          rateBytesPerSec: nic.rateBytesPerSec,
          model: nic.model,
        };
      }
      if (pattern) {
        return {
          ...base,
          kind: emu ? 'vif-emu' : 'vif',
          domain: null,
          devid: Number(pattern[2]),
          mac: null,
          ips: [],
          ipSource: null,
          rateBytesPerSec: null,
          model: null,
        };
      }
      return {
        ...base,
        kind: 'uplink',
        domain: null,
        devid: null,
        mac: p.mac,
        ips: [],
        ipSource: null,
        rateBytesPerSec: null,
        model: null,
      };
    });
    ports.sort(
      (x, y) =>
        Number(x.kind !== 'uplink') - Number(y.kind !== 'uplink') ||
        x.name.localeCompare(y.name, 'en', { numeric: true }),
    );
    return { name: b.name, mac: b.mac, operstate: b.operstate, mtu: b.mtu, ports };
  });
}

/** Paths the real view reads (tests point them at a fake sysfs and ARP table). */
export interface NetworkSources {
  sysClassNet?: string;
  procNetArp?: string;
}

/** The `GET /network/bridges` answer for this host. */
export async function networkBridges(
  ctx: Pick<AppContext, 'hypervisor' | 'logger'>,
  sources: NetworkSources = {},
): Promise<NetworkBridges> {
  const domains = await runningNics(ctx.hypervisor);
  if (ctx.hypervisor.kind === 'simulated') {
    return {
      simulated: true,
      bridges: bridgeView(simulatedBridgeLinks(domains), domains, new Map()),
    };
  }
  const [links, arp] = await Promise.all([
    readBridgeLinks(ctx, sources.sysClassNet),
    readText(sources.procNetArp ?? PROC_NET_ARP),
  ]);
  return { simulated: false, bridges: bridgeView(links, domains, parseProcNetArp(arp ?? '')) };
}
