/**
 * `/api/v1/domains`: the domain list, one domain, lifecycle operations, start
 * from a config file (synchronously, or as a `domain.start` task with `?async=1`); the balloon
 * target and the other live resources are in domains/memory.ts, vcpus.ts, sched.ts. `:name` is validated with domainNameSchema before anything else.
 */

import { join } from 'node:path';
import {
  type Domain,
  domainOperationSchema,
  type StartResult,
  type TaskAccepted,
} from '@xendeck/api';
import type { DomainInfo, Hypervisor } from '@xendeck/hypervisor';
import { xlCommand } from '@xendeck/xl-config';
import type { Response } from 'express';
import { type AuditNote, auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { parseDomainName } from '../validate.js';
import { configPathFor } from './configs.js';
import type { RouteDef } from './types.js';

/** The API shape of a domain (exactly the fields of domainSchema). */
export function toApiDomain(d: DomainInfo): Domain {
  return {
    domid: d.domid,
    name: d.name,
    uuid: d.uuid,
    type: d.type,
    state: d.state,
    memoryKiB: d.memoryKiB,
    maxMemoryKiB: d.maxMemoryKiB,
    vcpus: d.vcpus,
    maxVcpus: d.maxVcpus,
    cpuTimeNs: d.cpuTimeNs,
  };
}

/** domid of the domain called `name`. Throws ApiError DOMAIN_NOT_FOUND (404). */
export async function domidOf(hv: Hypervisor, name: string): Promise<number> {
  const domid = await hv.domidByName(name);
  if (domid === undefined) {
    throw new ApiError('DOMAIN_NOT_FOUND', `No domain named "${name}"`, { name });
  }
  return domid;
}

/**
 * Runs `fn` for a domain action of a route that declares its `audit` (whose row then carries
 * `note`: the `xl` command, details; see `auditNote` in audit.ts), rethrows failures, and
 * refreshes the domain list soon either way. Shared by every route that acts on a domain.
 */
export async function auditedDomainAction<T>(
  ctx: AppContext,
  res: Response,
  fn: () => Promise<T>,
  note: AuditNote = {},
): Promise<T> {
  auditNote(res, note);
  try {
    return await fn();
  } finally {
    ctx.refreshSoon();
  }
}

export function domainRoutes(ctx: AppContext): RouteDef[] {
  const hv = ctx.hypervisor;

  /**
   * `xl create <configDir>/<name>.cfg` of the domain's config file, shared by the synchronous
   * start and the `domain.start` task. Throws CONFIG_NOT_FOUND, DOMAIN_EXISTS (409, already
   * running) or the hypervisor's CREATE_FAILED / LIBXL_ERROR.
   */
  async function startDomain(name: string) {
    const path = await configPathFor(ctx.config.configDir, name);
    const existing = await hv.domidByName(name);
    if (existing !== undefined) {
      throw new ApiError(
        'DOMAIN_EXISTS',
        `Domain "${name}" is already running (domid ${existing})`,
        {
          name,
          domid: existing,
        },
      );
    }
    return hv.createDomain(path);
  }

  /** `xl create <configDir>/<name>.cfg`: the start's xl twin, for the audit line. */
  const startCommand = (name: string): string =>
    xlCommand({ action: 'create', configPath: join(ctx.config.configDir, `${name}.cfg`) });

  const operations: RouteDef[] = domainOperationSchema.options.map((op) => ({
    method: 'post',
    path: `/domains/:name/${op}`,
    access: { domain: 'power' },
    summary: `xl ${op} <name>; 204 (409 INVALID_STATE when the domain's state forbids it, or for dom0)`,
    audit: { action: `domain.${op}`, domainParam: 'name' },
    handler: async (req, res) => {
      const name = parseDomainName(req.params.name);
      await auditedDomainAction(
        ctx,
        res,
        async () => {
          const domid = await domidOf(hv, name);
          await hv.domainOperation(domid, op);
        },
        { command: xlCommand({ action: op, name }) },
      );
      res.status(204).end();
    },
  }));

  return [
    {
      method: 'get',
      path: '/domains',
      access: 'user',
      summary: 'All domains, dom0 first, by domid (memory KiB, CPU time ns)',
      handler: async (_req, res) => {
        res.json((await hv.listDomains()).map(toApiDomain));
      },
    },
    {
      method: 'get',
      path: '/domains/:name',
      access: { domain: 'view' },
      summary: 'One domain by name; 404 DOMAIN_NOT_FOUND',
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const domid = await domidOf(hv, name);
        res.json(toApiDomain(await hv.domainInfo(domid)));
      },
    },
    {
      method: 'post',
      path: '/domains/:name/start',
      access: { domain: 'power' },
      summary:
        'xl create <configDir>/<name>.cfg; 201 {domid, name, output}; with ?async=1: 202 {task} (kind domain.start)',
      audit: { action: 'domain.start', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        auditNote(res, { command: startCommand(name) });
        if (req.query.async === '1') {
          const user = currentUser(res).username;
          const target = `domain:${name}`;
          const task = ctx.tasks.run(
            'domain.start',
            { user, target, steps: ['xl create'] },
            async (t) =>
              t.step('xl create', async (s) => {
                s.log(`xl create ${name}.cfg`);
                try {
                  const result = await startDomain(name);
                  if (result.output) s.log(result.output);
                  s.log(`started, domid ${result.domid}`);
                  return {
                    domid: result.domid,
                    name: result.name,
                    output: result.output,
                  } satisfies StartResult;
                } finally {
                  ctx.refreshSoon();
                }
              }),
          );
          const body: TaskAccepted = { task };
          res.status(202).json(body);
          return;
        }
        const result = await auditedDomainAction(ctx, res, () => startDomain(name));
        auditNote(res, { details: { domid: result.domid } });
        const body: StartResult = { domid: result.domid, name: result.name, output: result.output };
        res.status(201).json(body);
      },
    },
    ...operations,
  ];
}
