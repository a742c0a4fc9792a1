/**
 * `/api/v1/host`: host facts and dom0's balloon target.
 */
import { dom0MemoryRequestSchema, type Host } from '@xendeck/api';
import { isHypervisorError } from '@xendeck/hypervisor';
import { currentUser, remoteAddress } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError, toApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import { ADMIN, type RouteDef } from './types.js';

/** KiB → MiB, exact (KiB/1024 is a dyadic fraction, so sums stay exact in doubles). */
export const kibToMib = (kib: number): number => kib / 1024;

/**
 * Throws MEMORY_OUT_OF_RANGE (422) when `targetMiB` is outside [minKiB, maxKiB];
 * details in MiB: `{ requestedMiB, minMiB, maxMiB }`.
 */
export function checkTarget(who: string, targetMiB: number, minKiB: number, maxKiB: number): void {
  const minMiB = kibToMib(minKiB);
  const maxMiB = kibToMib(maxKiB);
  if (targetMiB < minMiB || targetMiB > maxMiB) {
    throw new ApiError(
      'MEMORY_OUT_OF_RANGE',
      `targetMiB ${targetMiB} is outside ${who}'s limits: ${minMiB}–${maxMiB} MiB`,
      { requestedMiB: targetMiB, minMiB, maxMiB },
    );
  }
}

/** Adds MiB figures to a backend MEMORY_OUT_OF_RANGE (whose details are in KiB). */
export function withMiB(err: unknown): unknown {
  if (isHypervisorError(err) && err.code === 'MEMORY_OUT_OF_RANGE') {
    const d = err.details as { minKiB?: number; maxKiB?: number; requestedKiB?: number };
    const extra: Record<string, number> = {};
    if (typeof d.minKiB === 'number') extra.minMiB = kibToMib(d.minKiB);
    if (typeof d.maxKiB === 'number') extra.maxMiB = kibToMib(d.maxKiB);
    if (typeof d.requestedKiB === 'number') extra.requestedMiB = kibToMib(d.requestedKiB);
    return new ApiError('MEMORY_OUT_OF_RANGE', err.message, { ...err.details, ...extra });
  }
  return err;
}

export function hostRoutes(ctx: AppContext): RouteDef[] {
  const hv = ctx.hypervisor;
  return [
    {
      method: 'get',
      path: '/host',
      access: ADMIN,
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
      access: ADMIN,
      summary: "Set dom0's balloon target {targetMiB}; 204, 422 outside the limits",
      handler: async (req, res) => {
        const user = currentUser(res);
        const { targetMiB } = parseBody(dom0MemoryRequestSchema, req.body);
        const entry = {
          user: user.username,
          remoteAddr: remoteAddress(req),
          action: 'dom0.memory',
          target: 'domain:Domain-0',
          targetMiB,
        };
        try {
          const dom0 = await hv.dom0Memory();
          checkTarget('dom0', targetMiB, dom0.minKiB, dom0.maxKiB);
          await hv.setMemoryTarget(0, targetMiB * 1024).catch((e: unknown) => {
            throw withMiB(e);
          });
        } catch (err) {
          ctx.audit({ ...entry, result: toApiError(err).code });
          throw err;
        }
        ctx.audit({ ...entry, result: 'ok' });
        ctx.refreshSoon();
        res.status(204).end();
      },
    },
  ];
}
