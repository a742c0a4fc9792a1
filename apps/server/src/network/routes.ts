/**
 * Network routes (issue 10 §5), admin only:
 * - `GET /network/bridges`: dom0's bridges, their ports, whose each vif is (`bridges.ts`);
 * - `GET /domains/:name/vifs`: a running domain's vifs (hypervisor `domainNics`);
 * - `POST /domains/:name/vifs`: `xl network-attach` (hypervisor `nicAttach`), the MAC generated
 *   here when absent (xl-config's `guestMac`, so `persist` writes the same one);
 * - `DELETE /domains/:name/vifs/:devid[?persist=1]`: `xl network-detach` (`nicDetach`).
 * Both changes run through `runLiveChange` (domains/live-change.ts): audited as
 * `domain.network-attach` / `domain.network-detach` with the `xl` twin in `command`, and with
 * `persist` the config's `vif` list edited by `vif-config.ts`'s rule through the config editor's
 * save path (lock, If-Match, history, atomic write) — never without it.
 */
import { randomBytes } from 'node:crypto';
import {
  type DomainVifs,
  type LiveChangeResult,
  type VifAttachResult,
  vifAttachRequestSchema,
} from '@xendeck/api';
import type { DomainNic } from '@xendeck/hypervisor';
import {
  formatVifSpec,
  guestMac,
  parseXlConfig,
  type VifSpec,
  vifSpecPieces,
} from '@xendeck/xl-config';
import { readConfigFile } from '../configs/files.js';
import type { AppContext } from '../context.js';
import { runLiveChange } from '../domains/live-change.js';
import { ApiError } from '../errors.js';
import { hostBridges } from '../guests/host.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import { type NetworkSources, networkBridges } from './bridges.js';
import { configVifItems, findConfigVif } from './vif-config.js';

/** A running domU: its domid (404 DOMAIN_NOT_FOUND; 409 INVALID_STATE for dom0, whose vifs are not Xendeck's). */
async function domUOf(ctx: AppContext, name: string): Promise<number> {
  const domid = await domidOf(ctx.hypervisor, name);
  if (domid === 0) {
    throw new ApiError('INVALID_STATE', 'dom0 (Domain-0) has no vifs to attach or detach', {
      name,
    });
  }
  return domid;
}

/** `:devid` of the path: an integer 0–65535, else 422 INVALID_INPUT. */
function parseDevid(raw: unknown): number {
  const s = String(raw);
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) {
    throw new ApiError('INVALID_INPUT', `Invalid vif devid ${JSON.stringify(raw)} in the path`, {
      where: 'path',
      issues: [{ path: 'devid', message: 'a vif devid is an integer 0–65535' }],
    });
  }
  return Number(s);
}

/** `?persist=` of DELETE: `1`/`true` yes, absent/`0`/`false` no, anything else 422. */
function parsePersist(raw: unknown): boolean {
  if (raw === undefined || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ApiError('INVALID_INPUT', `Invalid query persist=${JSON.stringify(raw)}`, {
    where: 'query',
    issues: [{ path: 'persist', message: 'persist is 1 or 0' }],
  });
}

export function networkRoutes(ctx: AppContext, sources: NetworkSources = {}): RouteDef[] {
  const hv = ctx.hypervisor;
  return [
    {
      method: 'get',
      path: '/network/bridges',
      access: 'operator',
      summary:
        "dom0's bridges (sysfs), their ports, and per vif port the domain, MAC, IPs (ip= or ARP table), rate",
      handler: async (_req, res) => {
        res.json(await networkBridges(ctx, sources));
      },
    },
    {
      method: 'get',
      path: '/domains/:name/vifs',
      access: 'operator',
      summary:
        "A running domain's vifs (xl network-list): devid, MAC, bridge, vif name, ip, model, rate",
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const domid = await domidOf(hv, name);
        const info = await hv.domainInfo(domid);
        const body: DomainVifs = {
          name,
          domid,
          hvm: info.type === 'hvm',
          vifs: await hv.domainNics(domid),
        };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/domains/:name/vifs',
      access: 'admin',
      summary:
        'xl network-attach <name> mac=… bridge=… [model=…] [rate=…] with {bridge, mac?, model?, rate?, persist?}; 200 with the new vif',
      audit: { action: 'domain.network-attach', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const body = parseBody(vifAttachRequestSchema, req.body);
        const domid = await domUOf(ctx, name);
        const bridges = await hostBridges(ctx);
        if (!bridges.includes(body.bridge)) {
          throw new ApiError(
            'BRIDGE_NOT_FOUND',
            `dom0 has no bridge "${body.bridge}" (it has: ${bridges.join(', ') || 'none'})`,
            { bridge: body.bridge, bridges },
          );
        }
        if (body.model !== undefined && (await hv.domainInfo(domid)).type !== 'hvm') {
          throw new ApiError(
            'INVALID_INPUT',
            'Invalid request body: model: an emulated NIC model is for HVM guests only',
            { where: 'body', issues: [{ path: 'model', message: 'for HVM guests only' }] },
          );
        }
        const vif: VifSpec = {
          mac: (body.mac ?? guestMac(randomBytes(3))).toLowerCase(),
          bridge: body.bridge,
          ...(body.rate !== undefined ? { rate: body.rate } : {}),
          ...(body.model !== undefined ? { model: body.model } : {}),
        };
        const spec = formatVifSpec(vif);
        let added: DomainNic | undefined;
        const result = await runLiveChange(ctx, req, res, name, body.persist, {
          action: 'domain.network-attach',
          xl: { action: 'network-attach', name, spec: vifSpecPieces(vif) },
          apply: async (id) => {
            added = await hv.nicAttach(id, spec);
          },
          configEdits: async (_id, doc) => [{ key: 'vif', value: [...configVifItems(doc), spec] }],
          audit: { bridge: vif.bridge, mac: vif.mac, model: body.model, rate: body.rate },
        });
        const answer: VifAttachResult = { ...result, vif: added as DomainNic };
        res.json(answer);
      },
    },
    {
      method: 'delete',
      path: '/domains/:name/vifs/:devid',
      access: 'admin',
      summary:
        'xl network-detach <name> <devid>; ?persist=1 also removes its entry from vif = [...] of <name>.cfg',
      audit: { action: 'domain.network-detach', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const devid = parseDevid(req.params.devid);
        const persist = parsePersist(req.query.persist);
        const domid = await domUOf(ctx, name);
        const nic = (await hv.domainNics(domid)).find((n) => n.devid === devid);
        if (!nic) {
          throw new ApiError('VIF_NOT_FOUND', `${name} has no vif ${devid}`, { name, devid });
        }
        if (persist) {
          // Refuse before anything changes when the file has no entry for this vif.
          const file = await readConfigFile(ctx.config.configDir, name);
          if (findConfigVif(configVifItems(parseXlConfig(file.text)), nic) < 0) {
            throw new ApiError(
              'VIF_NOT_IN_CONFIG',
              `${file.path} has no vif entry for vif ${devid} (MAC ${nic.mac}): it was attached without "also write to config". Detach it without persist; nothing was changed.`,
              { path: file.path, devid, mac: nic.mac },
            );
          }
        }
        const result: LiveChangeResult = await runLiveChange(ctx, req, res, name, persist, {
          action: 'domain.network-detach',
          xl: { action: 'network-detach', name, device: devid },
          apply: (id) => hv.nicDetach(id, devid),
          configEdits: async (_id, doc) => {
            const items = configVifItems(doc);
            const i = findConfigVif(items, nic);
            if (i < 0) {
              throw new ApiError(
                'VIF_NOT_IN_CONFIG',
                `the config's vif list has no entry for vif ${devid} any more`,
                { devid, mac: nic.mac },
              );
            }
            return [{ key: 'vif', value: items.filter((_, k) => k !== i) }];
          },
          audit: { devid, mac: nic.mac, bridge: nic.bridge },
        });
        res.json(result);
      },
    },
  ];
}
