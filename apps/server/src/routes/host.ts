/**
 * `/api/v1/host`: host facts and dom0's balloon target (set through the one memory code path of
 * `domains/memory.ts`, as `PUT /domains/Domain-0/memory` is).
 */
import { dom0MemoryRequestSchema, type Host } from '@xendeck/api';
import type { AppContext } from '../context.js';
import { kibToMib, setDomainMemory } from '../domains/memory.js';
import { parseBody } from '../validate.js';
import type { RouteDef } from './types.js';

export function hostRoutes(ctx: AppContext): RouteDef[] {
  const hv = ctx.hypervisor;
  return [
    {
      method: 'get',
      path: '/host',
      access: 'operator',
      summary: 'Host facts, dom0 memory and limits, memory split (MiB)',
      handler: async (_req, res) => {
        const [info, dom0, domains] = await Promise.all([
          hv.hostInfo(),
          hv.dom0Memory(),
          hv.listDomains(),
        ]);
        const guestsKiB = domains.filter((d) => d.domid !== 0).reduce((s, d) => s + d.memoryKiB, 0);
        const dom0MiB = kibToMib(dom0.currentKiB);
        const guestsMemoryMiB = kibToMib(guestsKiB);
        const body: Host = {
          hostname: info.hostname,
          xenVersion: info.xenVersion,
          nrCpus: info.nrCpus,
          cpuMhz: info.cpuMhz,
          totalMemoryMiB: info.totalMemoryMiB,
          freeMemoryMiB: info.freeMemoryMiB,
          virtCaps: info.virtCaps,
          backend: hv.kind,
          dom0: {
            memoryMiB: dom0MiB,
            targetMiB: kibToMib(dom0.targetKiB),
            maxMemoryMiB: kibToMib(dom0.maxKiB),
            minMemoryMiB: kibToMib(dom0.minKiB),
          },
          guestsMemoryMiB,
          xenMemoryMiB: info.totalMemoryMiB - dom0MiB - guestsMemoryMiB - info.freeMemoryMiB,
        };
        res.json(body);
      },
    },
    {
      method: 'put',
      path: '/host/dom0/memory',
      access: 'admin',
      summary: "Set dom0's balloon target {targetMiB}; 204, 422 outside the limits",
      audit: { action: 'dom0.memory', target: () => 'domain:Domain-0' },
      handler: async (req, res) => {
        const { targetMiB } = parseBody(dom0MemoryRequestSchema, req.body);
        await setDomainMemory(ctx, req, res, 'Domain-0', targetMiB, false);
        res.status(204).end();
      },
    },
  ];
}
