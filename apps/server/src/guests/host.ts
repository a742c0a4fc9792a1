/**
 * What the create-guest wizard needs to know of the host besides its storage and ISO library:
 * dom0's bridges (a vif joins one) and the directories a new guest's files go to
 * (`GET /api/v1/guests/host`, `guestHostSchema` of @xendeck/api).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GuestHost } from '@xendeck/api';
import { SIMULATED_BRIDGES } from '@xendeck/hypervisor';
import type { AppContext } from '../context.js';

/** Where Linux lists network interfaces; a bridge has a `bridge/` directory there (sysfs). */
export const SYS_CLASS_NET = '/sys/class/net';

/** The bridges of the simulated host: the hypervisor's list (its `nicAttach` refuses others). */
export { SIMULATED_BRIDGES };

/**
 * dom0's bridges by name: the interfaces of `sysClassNet` (default {@link SYS_CLASS_NET}) that
 * have a `bridge` directory (the kernel's bridge attributes), as `brctl show` / `ip link show
 * type bridge` list them; {@link SIMULATED_BRIDGES} next to the simulated host. A missing or
 * unreadable sysfs gives an empty list (logged).
 */
export async function hostBridges(
  ctx: Pick<AppContext, 'hypervisor' | 'logger'>,
  sysClassNet = SYS_CLASS_NET,
): Promise<string[]> {
  if (ctx.hypervisor.kind === 'simulated') return [...SIMULATED_BRIDGES];
  let names: string[];
  try {
    names = await readdir(sysClassNet);
  } catch (err) {
    ctx.logger.warn({ err, dir: sysClassNet }, 'cannot list network interfaces');
    return [];
  }
  const bridges: string[] = [];
  for (const name of names.sort()) {
    const st = await stat(join(sysClassNet, name, 'bridge')).catch(() => undefined);
    if (st?.isDirectory()) bridges.push(name);
  }
  return bridges;
}

/** The `GET /api/v1/guests/host` answer: bridges, and the config, ISO and image directories. */
export async function guestHost(
  ctx: Pick<AppContext, 'hypervisor' | 'logger' | 'config'>,
  sysClassNet?: string,
): Promise<GuestHost> {
  return {
    bridges: await hostBridges(ctx, sysClassNet),
    configDir: ctx.config.configDir,
    isoDir: ctx.config.isoDir,
    imageDir: ctx.config.imageDir,
  };
}
