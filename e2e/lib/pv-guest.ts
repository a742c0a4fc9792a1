/**
 * A small PV guest in the lab for specs that need a running domU: the lab's test kernel and
 * busybox initramfs (no disk, no vif unless asked: nothing to remove in vg0), made through
 * Xendeck's config API (`POST /api/v1/configs`) and started with `POST /domains/:name/start`,
 * so the config is the one Xendeck writes. {@link removePvGuest} destroys it and removes its
 * config whatever state it is in.
 */
import { type APIRequestContext, expect, type Page } from '@playwright/test';
import { consoleHasLine, typeLine } from './consoles.js';
import { labExecRetry, xlDomid } from './lab.js';

/** The lab's PV test kernel and busybox initramfs in dom0 (lab/recipe, see xdtest-pv.cfg). */
export const PV_KERNEL = '/var/lib/xendeck-lab/guests/vmlinuz';
export const PV_RAMDISK = '/var/lib/xendeck-lab/guests/busybox-initrd.gz';

/** What a spec may choose of its guest; memory in MiB. */
export interface PvGuestOptions {
  memoryMiB?: number;
  maxmemMiB?: number;
  vcpus?: number;
  maxvcpus?: number;
}

/**
 * Writes `/etc/xen/<name>.cfg` through the config API (as the logged-in user of `request`) and
 * starts it; expects 201 for both (the start can take a minute under TCG).
 */
export async function createPvGuest(
  request: APIRequestContext,
  name: string,
  options: PvGuestOptions = {},
): Promise<void> {
  const memoryMiB = options.memoryMiB ?? 128;
  const created = await request.post('/api/v1/configs', {
    data: {
      name,
      model: {
        type: 'pv',
        memoryMiB,
        maxmemMiB: options.maxmemMiB ?? memoryMiB,
        vcpus: options.vcpus ?? 1,
        maxvcpus: options.maxvcpus ?? options.vcpus ?? 1,
        kernel: PV_KERNEL,
        ramdisk: PV_RAMDISK,
        extra: 'console=hvc0',
        disk: [],
        vif: [],
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const started = await request.post(`/api/v1/domains/${name}/start`, {
    data: {},
    timeout: 300_000,
  });
  expect(started.status(), await started.text()).toBe(201);
}

/**
 * Opens the guest's PV text console and waits until its busybox shell answers a line (its
 * kernel is up). `tag` makes the echoed line unique to the caller.
 */
export async function waitForShell(page: Page, name: string, tag: string): Promise<void> {
  await page.goto(`/domains/${name}?view=console&console=pv`);
  await expect(async () => {
    await typeLine(page, `echo ${tag}-$((6*7))`);
    await expect.poll(() => consoleHasLine(page, `${tag}-42`), { timeout: 15_000 }).toBe(true);
  }).toPass({ timeout: 240_000, intervals: [2_000] });
}

/** Destroys the domain if it runs and removes `/etc/xen/<name>.cfg` (both retried over ssh). */
export async function removePvGuest(name: string): Promise<void> {
  if ((await xlDomid(name)) !== null) await labExecRetry(['xl', 'destroy', name]);
  await labExecRetry(['rm', '-f', `/etc/xen/${name}.cfg`]);
}
