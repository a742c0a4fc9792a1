/**
 * A domain's balloon target, one code path for dom0 and domUs: `PUT /api/v1/host/dom0/memory`
 * (the overview's dom0 control) and `PUT /api/v1/domains/:name/memory` both call
 * {@link setDomainMemory}; `GET /api/v1/domains/:name/memory` gives the limits the web's control
 * shows. The range is checked once, by the hypervisor (`setMemoryTarget`: dom0 between its
 * floor and static-max, a domU between 32 MiB and its maxmem); its MEMORY_OUT_OF_RANGE is turned
 * into MiB once, here ({@link withMiB}). Audited as `dom0.memory` / `domain.memory` with
 * `command` = `xl mem-set <name> <MiB>m`; `persist` also writes `memory = <MiB>` to the config.
 */
import { type DomainMemory, domainMemoryRequestSchema, type LiveChangeResult } from '@xendeck/api';
import { isHypervisorError } from '@xendeck/hypervisor';
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import { runLiveChange } from './live-change.js';

/** KiB → MiB, exact (KiB/1024 is a dyadic fraction, so sums stay exact in doubles). */
export const kibToMib = (kib: number): number => kib / 1024;

/**
 * The hypervisor's MEMORY_OUT_OF_RANGE (details in KiB) as the API's: 422 with a message and
 * `details` `{ requestedMiB, minMiB, maxMiB }` in MiB, naming the domain; anything else unchanged.
 */
export function withMiB(err: unknown, name: string): unknown {
  if (!isHypervisorError(err) || err.code !== 'MEMORY_OUT_OF_RANGE') return err;
  const d = err.details as { minKiB?: number; maxKiB?: number; requestedKiB?: number };
  const mib = (kib: number | undefined) => (typeof kib === 'number' ? kibToMib(kib) : undefined);
  const [requestedMiB, minMiB, maxMiB] = [mib(d.requestedKiB), mib(d.minKiB), mib(d.maxKiB)];
  return new ApiError(
    'MEMORY_OUT_OF_RANGE',
    `targetMiB ${requestedMiB} is outside ${name}'s limits: ${minMiB}–${maxMiB} MiB`,
    { requestedMiB, minMiB, maxMiB },
  );
}

/**
 * Sets the balloon target of the running domain `name` to `targetMiB` (libxl_set_memory_target,
 * as `xl mem-set`), with `persist` also `memory = <targetMiB>` in its config. Throws
 * DOMAIN_NOT_FOUND (404), MEMORY_OUT_OF_RANGE (422, MiB details), the persist errors of
 * {@link runLiveChange}, LIBXL_ERROR.
 */
export function setDomainMemory(
  ctx: AppContext,
  req: Request,
  res: Response,
  name: string,
  targetMiB: number,
  persist: boolean,
): Promise<LiveChangeResult> {
  return runLiveChange(ctx, req, res, name, persist, {
    action: name === 'Domain-0' ? 'dom0.memory' : 'domain.memory',
    xl: { action: 'mem-set', name, targetMiB },
    apply: async (domid) => {
      try {
        await ctx.hypervisor.setMemoryTarget(domid, targetMiB * 1024);
      } catch (err) {
        throw withMiB(err, name);
      }
    },
    configEdits: async () => [{ key: 'memory', value: targetMiB }],
    audit: { targetMiB },
  });
}

/**
 * The limits of a domain's balloon target now, MiB, from the hypervisor's `domainMemory` (dom0 and
 * domUs alike): `xl list` memory, xenstore `memory/target`, static-max (the config's maxmem; not
 * libxl_dominfo.max_memkb, which follows the target), the floor. Throws DOMAIN_NOT_FOUND.
 */
export async function domainMemory(ctx: AppContext, name: string): Promise<DomainMemory> {
  const domid = await domidOf(ctx.hypervisor, name);
  const m = await ctx.hypervisor.domainMemory(domid);
  return {
    name,
    domid,
    currentMiB: kibToMib(m.currentKiB),
    minMiB: kibToMib(m.minKiB),
    maxMiB: kibToMib(m.maxKiB),
    targetMiB: kibToMib(m.targetKiB),
  };
}

/** `GET` and `PUT /domains/:name/memory` (admin; the PUT audited as `domain.memory` / `dom0.memory`). */
export function memoryRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/domains/:name/memory',
      access: 'operator',
      summary: 'Balloon target limits of a running domain: currentMiB, minMiB, maxMiB, targetMiB',
      handler: async (req, res) => {
        res.json(await domainMemory(ctx, parseDomainName(req.params.name)));
      },
    },
    {
      method: 'put',
      path: '/domains/:name/memory',
      access: 'operator',
      summary:
        'xl mem-set <name> <MiB>m with {targetMiB, persist?}; 200 {command, persisted}; 422 outside its limits',
      audit: { action: 'domain.memory', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { targetMiB, persist } = parseBody(domainMemoryRequestSchema, req.body);
        res.json(await setDomainMemory(ctx, req, res, name, targetMiB, persist ?? false));
      },
    },
  ];
}
