/**
 * Live changes of a running guest on real Xen (issue 10 §2), through the domain page's Resources
 * tab, checked in dom0:
 * - memory: a new balloon target from the browser; `xl list`'s Mem column reaches it;
 * - vCPUs: down from 2 to 1 (the guest's kernel takes vCPU 1 offline itself: `xl list` says 1),
 *   then up to 2 (xenstore says `online`; the lab's busybox guest has no udev to online it, so the
 *   test does what udev would, `echo 1 > /sys/devices/system/cpu/cpu1/online`, on its console)
 *   and `xl list` says 2;
 * - pinning vCPU 1 to pCPU 0: `xl vcpu-list` shows the affinity;
 * - credit2 weight: `xl sched-credit2 -d` agrees;
 * - "Also write to <name>.cfg" on the memory change: the file in /etc/xen says `memory = <MiB>`,
 *   and the other changes left it alone.
 * The guest is a small PV guest from the lab's kernel and busybox ramdisk (no disk: nothing to
 * remove in vg0), made through Xendeck's config API. It is destroyed and its config removed
 * whatever happens.
 */
import { expect, type Page, test } from '@playwright/test';
import { consoleHasLine, typeLine } from '../../lib/consoles.js';
import { labExecRetry, parseXlList, xlDomid } from '../../lib/lab.js';
import { createPvGuest, removePvGuest, waitForShell } from '../../lib/pv-guest.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const NAME = 'lc-e2e';
const CFG = `/etc/xen/${NAME}.cfg`;

const removeGuest = () => removePvGuest(NAME);

/** The row of `NAME` in `xl list` (retried while ssh to the busy lab times out). */
async function listed() {
  const r = await labExecRetry(['xl', 'list']);
  expect(r.code, r.stderr).toBe(0);
  return parseXlList(r.stdout).find((row) => row.name === NAME);
}

/** `xl vcpu-list NAME`: vCPU id → "hard / soft" affinity, as xl prints it. */
async function vcpuAffinities(): Promise<Map<number, string>> {
  const r = await labExecRetry(['xl', 'vcpu-list', NAME]);
  expect(r.code, r.stderr).toBe(0);
  const out = new Map<number, string>();
  for (const line of r.stdout.split('\n').slice(1)) {
    const m = line.match(/^\S+\s+\d+\s+(\d+)\s+\S+\s+\S+\s+[\d.]+\s+(.+?)\s*$/);
    if (m) out.set(Number(m[1]), m[2] as string);
  }
  return out;
}

async function openResources(page: Page): Promise<void> {
  await page.goto(`/domains/${NAME}?view=resources`);
  await expect(page.getByTestId('resources-panel')).toBeVisible();
}

test.beforeAll(async () => {
  await removeGuest();
});
test.afterAll(async () => {
  await removeGuest();
});

test('memory, vCPUs, pinning and credit2 set in the browser agree with xl; persist writes the file', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await login(page, testInfo);

  // The guest: memory 128 of maxmem 256 MiB, 2 of maxvcpus 2, through Xendeck's config API;
  // its shell answers on its console (its kernel is up: balloon and hotplug drivers too).
  await createPvGuest(page.request, NAME, {
    memoryMiB: 128,
    maxmemMiB: 256,
    vcpus: 2,
    maxvcpus: 2,
  });
  await waitForShell(page, NAME, 'lc');
  const fileBefore = (await labExecRetry(['cat', CFG])).stdout;
  expect(fileBefore).toMatch(/^memory = 128$/m);

  await openResources(page);
  await expect(page.getByTestId('resources-memory-current')).toHaveText('128');

  // Memory 128 → 192 MiB, also written to the config.
  await page.getByTestId('resources-memory-input').fill('192');
  await expect(page.getByText(`xl mem-set ${NAME} 192m`)).toBeVisible();
  await page.getByTestId('resources-memory-persist').check();
  await page.getByTestId('resources-memory-apply').click();
  await expect(page.getByTestId('resources-memory-outcome')).toContainText(
    `Written to ${CFG}: memory 128 → 192`,
  );
  await expect.poll(async () => (await listed())?.memMiB, { timeout: 120_000 }).toBe(192);
  await expect(page.getByTestId('resources-memory-current')).toHaveText('192', {
    timeout: 30_000,
  });
  const fileAfter = (await labExecRetry(['cat', CFG])).stdout;
  expect(fileAfter).toBe(fileBefore.replace(/^memory = 128$/m, 'memory = 192'));

  // vCPUs 2 → 1: the guest's kernel takes vCPU 1 offline; xl list says 1.
  await page.getByTestId('resources-vcpus-input').fill('1');
  await expect(page.getByText(`xl vcpu-set ${NAME} 1`)).toBeVisible();
  await page.getByTestId('resources-vcpus-apply').click();
  await expect(page.getByTestId('resources-vcpus-outcome')).toContainText(
    'The config file was not changed.',
  );
  await expect.poll(async () => (await listed())?.vcpus, { timeout: 180_000 }).toBe(1);
  await expect(page.getByTestId('vcpu-row-1').getByTestId('vcpu-state')).toHaveText('offline', {
    timeout: 30_000,
  });

  // vCPUs 1 → 2: Xen and xenstore make vCPU 1 available; the guest onlines it (as udev would).
  await page.getByTestId('resources-vcpus-input').fill('2');
  await page.getByTestId('resources-vcpus-apply').click();
  await expect(page.getByTestId('resources-vcpus-outcome')).toContainText(`xl vcpu-set ${NAME} 2`);
  const domid = await xlDomid(NAME);
  const avail = await labExecRetry(['xenstore-read', `/local/domain/${domid}/cpu/1/availability`]);
  expect(avail.stdout.trim()).toBe('online');
  await page.goto(`/domains/${NAME}?view=console&console=pv`);
  await expect(async () => {
    await typeLine(
      page,
      'echo 1 > /sys/devices/system/cpu/cpu1/online; cat /sys/devices/system/cpu/online',
    );
    await expect.poll(() => consoleHasLine(page, '0-1'), { timeout: 15_000 }).toBe(true);
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  await expect.poll(async () => (await listed())?.vcpus, { timeout: 180_000 }).toBe(2);

  // Pin vCPU 1 to pCPU 0: xl vcpu-list shows "0 / all".
  await openResources(page);
  await page.getByTestId('resources-pin-vcpu').selectOption('1');
  await page.getByTestId('resources-pin-hard').fill('0');
  await expect(page.getByText(`xl vcpu-pin ${NAME} 1 0`)).toBeVisible();
  await page.getByTestId('resources-pin-apply').click();
  await expect(page.getByTestId('resources-pin-outcome')).toContainText(`xl vcpu-pin ${NAME} 1 0`);
  expect((await vcpuAffinities()).get(1)).toBe('0 / all');
  expect((await vcpuAffinities()).get(0)).toBe('all / all');
  await expect(page.getByTestId('vcpu-row-1').getByTestId('vcpu-hard')).toHaveText('0', {
    timeout: 15_000,
  });

  // credit2 weight 512: xl sched-credit2 -d agrees.
  await page.getByTestId('resources-weight').fill('512');
  await expect(page.getByText(`xl sched-credit2 -d ${NAME} -w 512 -c 0`)).toBeVisible();
  await page.getByTestId('resources-sched-apply').click();
  await expect(page.getByTestId('resources-sched-outcome')).toBeVisible();
  const sched = await labExecRetry(['xl', 'sched-credit2', '-d', NAME]);
  expect(sched.code, sched.stderr).toBe(0);
  expect(sched.stdout).toMatch(new RegExp(`^${NAME}\\s+\\d+\\s+512\\s+0\\s*$`, 'm'));
  await snap(page, testInfo, 'lab-resources');

  // Only the persisted change reached the file.
  expect((await labExecRetry(['cat', CFG])).stdout).toBe(fileAfter);
});
