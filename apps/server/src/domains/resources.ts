/**
 * The live resources of a running domain (issue 10 §2), one list for app.ts: balloon target
 * (memory.ts), vCPUs online and pinning (vcpus.ts), credit2 weight and cap (sched.ts); each also
 * written to the config file on request (live-change.ts).
 */
import type { AppContext } from '../context.js';
import type { RouteDef } from '../routes/types.js';
import { memoryRoutes } from './memory.js';
import { schedRoutes } from './sched.js';
import { vcpuRoutes } from './vcpus.js';

/** Every live-resource route (memory, vCPUs, pinning, credit2), for app.ts's route list. */
export function resourceRoutes(ctx: AppContext): RouteDef[] {
  return [...memoryRoutes(ctx), ...vcpuRoutes(ctx), ...schedRoutes(ctx)];
}
