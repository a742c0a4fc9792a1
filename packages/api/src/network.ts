/**
 * Network (issue 10 §5): dom0's bridges, their ports and whose each vif is
 * (`GET /api/v1/network/bridges`), a domain's vifs (`GET /api/v1/domains/:name/vifs`), attach
 * (`POST`, as `xl network-attach`) and detach (`DELETE /api/v1/domains/:name/vifs/:devid`, as
 * `xl network-detach`), each optionally also written to the domain's config file. Paths are under
 * `/api/v1`; every route is admin-only.
 */
import { MAC_PATTERN, parseVifRate } from '@xendeck/xl-config';
import { z } from 'zod';
import { bridgeNameSchema } from './guests.js';
import { liveChangeResultSchema } from './resources.js';

/**
 * A vif of a running domain (libxl_device_nic_list via the hypervisor's `domainNics`).
 * `rateBytesPerSec`: the backend's rate limit (`rate=`), bytes per second, null = unlimited.
 * `type`: `ioemu` for an HVM guest's vif with an emulated NIC (dom0 port `<vifName>-emu` too),
 * `vif` for PV only. `ip`: the vif spec's `ip=` (null when unset).
 */
export const domainVifSchema = z.object({
  devid: z.number().int().nonnegative(),
  mac: z.string(),
  bridge: z.string().nullable(),
  vifName: z.string(),
  ip: z.string().nullable(),
  model: z.string().nullable(),
  rateBytesPerSec: z.number().nullable(),
  backendDomid: z.number().int().nonnegative(),
  type: z.enum(['vif', 'ioemu']),
});
export type DomainVif = z.infer<typeof domainVifSchema>;

/** `GET /api/v1/domains/:name/vifs`: the running domain's vifs by devid; `hvm` for the model field. */
export const domainVifsSchema = z.object({
  name: z.string(),
  domid: z.number().int().nonnegative(),
  hvm: z.boolean(),
  vifs: z.array(domainVifSchema),
});
export type DomainVifs = z.infer<typeof domainVifsSchema>;

/** An emulated NIC model name as QEMU knows them (`e1000`, `rtl8139`, `virtio-net-pci`…). */
export const NIC_MODEL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Emulated NIC models offered for an HVM guest's vif (QEMU's usual ones; xl's default is rtl8139). */
export const NIC_MODELS = ['e1000', 'rtl8139', 'virtio-net-pci'] as const;

/**
 * `POST /api/v1/domains/:name/vifs` body. `bridge`: one of dom0's bridges (404 BRIDGE_NOT_FOUND
 * otherwise); `mac`: six hex octets (the server generates one in Xen's OUI 00:16:3e when absent,
 * so the same MAC goes into the config with `persist`); `model`: HVM only, an emulated NIC model;
 * `rate`: a vif `rate=` value as xl reads it (`10Mb/s`, `1MB/s@20ms`); `persist`: also append the
 * vif to `vif = [...]` of `<configDir>/<name>.cfg` (with history), default false.
 */
export const vifAttachRequestSchema = z
  .object({
    bridge: bridgeNameSchema,
    mac: z
      .string()
      .regex(
        MAC_PATTERN,
        'a MAC address is six hex octets separated by ":", e.g. 00:16:3e:12:34:56',
      )
      .optional(),
    model: z
      .string()
      .regex(NIC_MODEL_PATTERN, 'a NIC model is a QEMU device name such as e1000')
      .optional(),
    rate: z
      .string()
      .max(64)
      .refine((r) => !('error' in parseVifRate(r)), {
        message: 'a rate is <number>[GMK]<B|b>/s, optionally @<interval>[ms|us], e.g. 10Mb/s',
      })
      .optional(),
    persist: z.boolean().default(false),
  })
  .strict();
export type VifAttachRequest = z.input<typeof vifAttachRequestSchema>;

/**
 * The answer of attach (200): the live change's result (`command` is the `xl network-attach`
 * twin; `persisted` what was written to the config, null without persist) and the new vif.
 */
export const vifAttachResultSchema = liveChangeResultSchema.extend({ vif: domainVifSchema });
export type VifAttachResult = z.infer<typeof vifAttachResultSchema>;

/**
 * One port of a bridge (sysfs `/sys/class/net/<bridge>/brif/<port>`). `kind`: `vif` (a netback
 * `vifD.N` or a vif named by `vifname=`), `vif-emu` (the tap of an HVM guest's emulated NIC,
 * `vifD.N-emu`), `uplink` (anything else: eth0, a bond, a VLAN). For vifs: the domain (null when
 * no running domain owns it), devid, the guest's MAC (libxl; not the port's own fe:ff:… MAC), its
 * IPs and where they come from (`config`: the vif spec's `ip=`; `neighbour`: dom0's ARP table
 * /proc/net/arp for that MAC), the rate limit. For uplinks `mac` is the port's own address.
 * `state`: the port's STP state (brport/state: disabled, listening, learning, forwarding,
 * blocking), `operstate` the link's (up, down, …).
 */
export const bridgePortSchema = z.object({
  name: z.string(),
  kind: z.enum(['vif', 'vif-emu', 'uplink']),
  domain: z.object({ name: z.string(), domid: z.number().int().nonnegative() }).nullable(),
  devid: z.number().int().nonnegative().nullable(),
  mac: z.string().nullable(),
  ips: z.array(z.string()),
  ipSource: z.enum(['config', 'neighbour']).nullable(),
  rateBytesPerSec: z.number().nullable(),
  model: z.string().nullable(),
  state: z.string().nullable(),
  operstate: z.string().nullable(),
});
export type BridgePort = z.infer<typeof bridgePortSchema>;

/** One dom0 bridge: its own MAC, state and MTU (sysfs), its ports sorted uplinks first. */
export const bridgeSchema = z.object({
  name: z.string(),
  mac: z.string().nullable(),
  operstate: z.string().nullable(),
  mtu: z.number().int().nullable(),
  ports: z.array(bridgePortSchema),
});
export type Bridge = z.infer<typeof bridgeSchema>;

/**
 * `GET /api/v1/network/bridges`: every dom0 bridge by name, what `brctl show` shows and whose each
 * vif is. `simulated`: the host is the simulated one (the bridges are made up, say so).
 */
export const networkBridgesSchema = z.object({
  simulated: z.boolean(),
  bridges: z.array(bridgeSchema),
});
export type NetworkBridges = z.infer<typeof networkBridgesSchema>;
