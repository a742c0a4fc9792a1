/**
 * `/api/v1/domains/:name/vcpus`: a running domain's vCPUs as `xl vcpu-list` shows them, how many
 * are online (`xl vcpu-set`) and their pinning (`xl vcpu-pin`), through the hypervisor's
 * `vcpuList` / `setVcpus` / `pinVcpu` (libxl_list_vcpu, libxl_set_vcpuonline,
 * libxl_set_vcpuaffinity). CPU lists are read and printed by @xendeck/xl-config's cpumap.ts.
 * `persist` writes `vcpus =`, `cpus =` and `cpus_soft =` (xl.cfg(5)) through live-change.ts.
 * Ranges (count within 1..maxvcpus, vCPU ids, pCPUs) are the hypervisor's; its refusals become
 * 422 INVALID_INPUT naming the field.
 */
import { type DomainVcpus, vcpuPinRequestSchema, vcpuSetRequestSchema } from '@xendeck/api';
import type { VcpuInfo } from '@xendeck/hypervisor';
import { formatCpumap, parseCpumap } from '@xendeck/xl-config';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import { asFieldError, type ConfigKeyEdit, runLiveChange } from './live-change.js';

/**
 * A CPU list of the request (`hard` or `soft`) as pCPU ids of this host. Throws 422
 * INVALID_INPUT naming the field with the parser's message.
 */
function cpusOf(field: 'hard' | 'soft', text: string, nrCpus: number): number[] {
  const r = parseCpumap(text, nrCpus);
  if (r.ok) return r.cpus;
  throw new ApiError('INVALID_INPUT', `Invalid request body: ${field}: ${r.message}`, {
    where: 'body',
    issues: [{ path: field, message: r.message }],
  });
}

/**
 * The `cpus` / `cpus_soft` value that makes `xl create` give every vCPU the affinity it has now:
 * one CPU list when all vCPUs have the same, else the per-vCPU list form (`["0", "1-3"]`).
 */
export function affinityConfigValue(lists: readonly string[]): string | string[] {
  const first = lists[0] ?? 'all';
  return lists.every((l) => l === first) ? first : [...lists];
}

/** `GET /api/v1/domains/:name/vcpus` for `name`. Throws DOMAIN_NOT_FOUND. */
export async function domainVcpus(ctx: AppContext, name: string): Promise<DomainVcpus> {
  const hv = ctx.hypervisor;
  const domid = await domidOf(hv, name);
  const [info, host, vcpus] = await Promise.all([
    hv.domainInfo(domid),
    hv.hostInfo(),
    hv.vcpuList(domid),
  ]);
  return {
    name,
    domid,
    online: info.vcpus,
    maxVcpus: info.maxVcpus,
    hostCpus: host.nrCpus,
    vcpus: vcpus.map((v: VcpuInfo) => ({
      vcpu: v.vcpu,
      cpu: v.cpu,
      state: v.state,
      online: v.online,
      cpuTimeNs: v.cpuTimeNs,
      hardAffinity: formatCpumap(v.hardAffinity, host.nrCpus),
      softAffinity: formatCpumap(v.softAffinity, host.nrCpus),
    })),
  };
}

/** `GET /domains/:name/vcpus`, `PUT /domains/:name/vcpus`, `PUT /domains/:name/vcpus/pin` (admin, audited). */
export function vcpuRoutes(ctx: AppContext): RouteDef[] {
  const hv = ctx.hypervisor;
  return [
    {
      method: 'get',
      path: '/domains/:name/vcpus',
      access: 'operator',
      summary:
        'xl vcpu-list <name>: vCPUs (pCPU, state, time ns, affinities), online, maxVcpus, hostCpus',
      handler: async (req, res) => {
        res.json(await domainVcpus(ctx, parseDomainName(req.params.name)));
      },
    },
    {
      method: 'put',
      path: '/domains/:name/vcpus',
      access: 'operator',
      summary:
        'xl vcpu-set <name> <count> with {count, persist?}; 200 {command, persisted}; 422 naming count beyond maxvcpus',
      audit: { action: 'domain.vcpu-set', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { count, persist } = parseBody(vcpuSetRequestSchema, req.body);
        res.json(
          await runLiveChange(ctx, req, res, name, persist ?? false, {
            action: 'domain.vcpu-set',
            xl: { action: 'vcpu-set', name, vcpus: count, hostCpus: (await hv.hostInfo()).nrCpus },
            apply: async (domid) => {
              await hv.setVcpus(domid, count).catch((err: unknown) => {
                throw asFieldError(err, 'count');
              });
            },
            configEdits: async () => [{ key: 'vcpus', value: count }],
            audit: { count },
          }),
        );
      },
    },
    {
      method: 'put',
      path: '/domains/:name/vcpus/pin',
      access: 'operator',
      summary:
        'xl vcpu-pin <name> <vcpu|all> <hard> [<soft>] with {vcpu, hard, soft?, persist?}; 200 {command, persisted}',
      audit: { action: 'domain.vcpu-pin', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const body = parseBody(vcpuPinRequestSchema, req.body);
        const { nrCpus } = await hv.hostInfo();
        const hard = cpusOf('hard', body.hard, nrCpus);
        const soft = body.soft === undefined ? undefined : cpusOf('soft', body.soft, nrCpus);
        const hardText = formatCpumap(hard, nrCpus);
        const softText = soft && formatCpumap(soft, nrCpus);
        res.json(
          await runLiveChange(ctx, req, res, name, body.persist ?? false, {
            action: 'domain.vcpu-pin',
            xl: { action: 'vcpu-pin', name, vcpu: body.vcpu, hard: hardText, soft: softText },
            apply: async (domid) => {
              await hv.pinVcpu(domid, body.vcpu, hard, soft).catch((err: unknown) => {
                const field = (err as { details?: { field?: string } }).details?.field;
                throw asFieldError(err, field === 'hard' || field === 'soft' ? field : 'vcpu');
              });
            },
            configEdits: async (domid) => {
              // Every vCPU's affinity after the change, so the file says what runs now.
              const now = await hv.vcpuList(domid);
              const edits: ConfigKeyEdit[] = [
                {
                  key: 'cpus',
                  value: affinityConfigValue(now.map((v) => formatCpumap(v.hardAffinity, nrCpus))),
                },
              ];
              if (soft) {
                edits.push({
                  key: 'cpus_soft',
                  value: affinityConfigValue(now.map((v) => formatCpumap(v.softAffinity, nrCpus))),
                });
              }
              return edits;
            },
            audit: { vcpu: body.vcpu, hard: hardText, soft: softText },
          }),
        );
      },
    },
  ];
}
