/**
 * `/api/v1/domains/:name/sched`: a running domain's credit2 weight and cap, as
 * `xl sched-credit2 -d <name> [-w W] [-c C]` shows and sets them (the hypervisor's
 * `schedCredit2` / `setSchedCredit2`: libxl_domain_sched_params_get/_set). Ranges are the
 * hypervisor's (weight 1–65535, cap 0..100 × the domain's vCPUs: `credit2CapMax`); its refusals
 * become 422 INVALID_INPUT naming the field. `persist` writes xl.cfg(5)'s `cpu_weight =` and
 * `cap =` (honoured by credit and credit2) through live-change.ts.
 */
import { type DomainSched, schedRequestSchema } from '@xendeck/api';
import { credit2CapMax } from '@xendeck/hypervisor';
import type { AppContext } from '../context.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import { asFieldError, type ConfigKeyEdit, runLiveChange } from './live-change.js';

/** `GET /api/v1/domains/:name/sched` for `name`. Throws DOMAIN_NOT_FOUND, INVALID_STATE (not credit2). */
export async function domainSched(ctx: AppContext, name: string): Promise<DomainSched> {
  const hv = ctx.hypervisor;
  const domid = await domidOf(hv, name);
  const [info, params] = await Promise.all([hv.domainInfo(domid), hv.schedCredit2(domid)]);
  return {
    name,
    domid,
    scheduler: 'credit2',
    weight: params.weight,
    cap: params.cap,
    maxCap: credit2CapMax(info.maxVcpus),
  };
}

/** `GET` and `PUT /domains/:name/sched` (admin, audited). */
export function schedRoutes(ctx: AppContext): RouteDef[] {
  const hv = ctx.hypervisor;
  return [
    {
      method: 'get',
      path: '/domains/:name/sched',
      access: 'operator',
      summary: 'xl sched-credit2 -d <name>: weight, cap (percent of one pCPU, 0 = none), maxCap',
      handler: async (req, res) => {
        res.json(await domainSched(ctx, parseDomainName(req.params.name)));
      },
    },
    {
      method: 'put',
      path: '/domains/:name/sched',
      access: 'operator',
      summary:
        'xl sched-credit2 -d <name> -w W -c C with {weight?, cap?, persist?}; 200 {command, persisted}',
      audit: { action: 'domain.sched-credit2', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { weight, cap, persist } = parseBody(schedRequestSchema, req.body);
        const params = {
          ...(weight === undefined ? {} : { weight }),
          ...(cap === undefined ? {} : { cap }),
        };
        res.json(
          await runLiveChange(ctx, req, res, name, persist ?? false, {
            action: 'domain.sched-credit2',
            xl: { action: 'sched-credit2', name, weight, cap },
            apply: async (domid) => {
              await hv.setSchedCredit2(domid, params).catch((err: unknown) => {
                const field = (err as { details?: { field?: string } }).details?.field;
                throw asFieldError(err, field === 'cap' ? 'cap' : 'weight');
              });
            },
            configEdits: async () => {
              const edits: ConfigKeyEdit[] = [];
              if (weight !== undefined) edits.push({ key: 'cpu_weight', value: weight });
              if (cap !== undefined) edits.push({ key: 'cap', value: cap });
              return edits;
            },
            audit: params,
          }),
        );
      },
    },
  ];
}
