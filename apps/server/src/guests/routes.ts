/**
 * `/api/v1/guests`: `POST /guests` creates a guest as a `guest.create` task (checks in
 * `plan.ts` answer 4xx before any task; the steps and their undo in `task.ts`), and
 * `GET /guests/host` tells the wizard the host's bridges and directories (`host.ts`). Admin only;
 * a creation is audited (`guest.create`) when refused and when its task ends.
 */
import { type CreateGuestAccepted, createGuestRequestSchema, type GuestHost } from '@xendeck/api';
import { auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import type { CommitOps } from '../configs/atomic.js';
import type { AppContext } from '../context.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody } from '../validate.js';
import { guestHost } from './host.js';
import { planGuest } from './plan.js';
import { runGuestTask } from './task.js';

export interface GuestRouteOptions {
  /** Clock for config headers and history, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Replaces the link that commits a config file (tests simulate failures with it). */
  commitOps?: CommitOps;
  /** Where the bridges are listed (default /sys/class/net; tests). */
  sysClassNet?: string;
}

export function guestRoutes(ctx: AppContext, opts: GuestRouteOptions = {}): RouteDef[] {
  /** Names whose `guest.create` task has not ended (undos included): a second one is refused. */
  const creating = new Set<string>();
  return [
    {
      method: 'get',
      path: '/guests/host',
      access: 'admin',
      summary: "The wizard's host facts: dom0 bridges, config/ISO/image directories",
      handler: async (_req, res) => {
        const body: GuestHost = await guestHost(ctx, opts.sysClassNet);
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/guests',
      access: 'admin',
      summary:
        'Create a guest (new LVs/image files, <configDir>/<name>.cfg, xl create if start): 202 {task} guest.create',
      audit: {
        action: 'guest.create',
        target: (req) => {
          const name = (req.body as { name?: unknown } | undefined)?.name;
          return `domain:${typeof name === 'string' ? name.slice(0, 64) : '?'}`;
        },
      },
      handler: async (req, res) => {
        const user = currentUser(res).username;
        const body = parseBody(createGuestRequestSchema, req.body);
        const plan = await planGuest(ctx, body, creating);
        auditNote(res, { domain: plan.name });
        creating.add(plan.name);
        const task = runGuestTask(
          ctx,
          plan,
          { user },
          {
            now: opts.now ?? Date.now,
            commitOps: opts.commitOps,
          },
        );
        void ctx.tasks.settled(task.id).finally(() => creating.delete(plan.name));
        const answer: CreateGuestAccepted = { task };
        res.status(202).json(answer);
      },
    },
  ];
}
