/**
 * The create-guest wizard on real Xen (issue 9 §6), through the browser, checked in dom0:
 * - a PV guest from the lab's kernel + ramdisk on a new logical volume in vg0 boots to its shell on
 *   the text console the wizard opens; `lvs` shows the volume, blkback serves it as the guest's
 *   xvda, `xl create -n` accepts the file;
 * - a Windows-profile HVM guest is created and started: `xl create -n` accepts the file and the
 *   running device model (QEMU in dom0) has the USB tablet and the standard VGA;
 * - a creation that fails at `xl create` (a kernel that does not exist) leaves no volume, no config
 *   and no domain behind.
 * Each test removes its guest, config and volume whatever happens.
 */
import { expect, test } from '@playwright/test';
import { consoleHasLine, expectScreenPainted, typeLine } from '../../lib/consoles.js';
import { labExecRetry, xlDomid } from '../../lib/lab.js';
import { PV_KERNEL, PV_RAMDISK } from '../../lib/pv-guest.js';
import { login, snap } from '../../lib/ui.js';
import { fillWizard, guestTask, submitWizard, taskEnd } from '../../lib/wizard.js';

test.describe.configure({ mode: 'serial' });

const VG = 'vg0';
/** lvcreate, the config write and xl create under QEMU TCG: seconds on a quiet lab, minutes on a busy one. */
const TASK_TIMEOUT_MS = 420_000;

/** The LV names of vg0 (`lvs` in dom0). */
async function lvNames(): Promise<string[]> {
  const r = await labExecRetry(['lvs', '--noheadings', '-o', 'lv_name', VG]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Destroys `name`, removes its config and its wizard-made volume (`<name>-disk0`), if present. */
async function removeGuest(name: string): Promise<void> {
  if ((await xlDomid(name)) !== null) await labExecRetry(['xl', 'destroy', name]);
  await labExecRetry(['rm', '-f', `/etc/xen/${name}.cfg`]);
  if ((await lvNames()).includes(`${name}-disk0`)) {
    await labExecRetry(['lvremove', '-f', `${VG}/${name}-disk0`]);
  }
}

const PV = 'xd-e2e-pv';
const WIN = 'xd-e2e-win';
const BAD = 'xd-e2e-fail';

test.beforeAll(async () => {
  for (const n of [PV, WIN, BAD]) await removeGuest(n);
});
test.afterAll(async () => {
  for (const n of [PV, WIN, BAD]) await removeGuest(n);
});

test('a PV guest from kernel + ramdisk on a new volume boots to its shell on the text console', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await login(page, testInfo);
  const preview = await fillWizard(page, {
    name: PV,
    type: 'pv',
    kernel: PV_KERNEL,
    ramdisk: PV_RAMDISK,
    extra: 'console=hvc0',
    memoryMiB: 128,
    newVolume: { volumeGroup: VG, sizeGiB: 0.25 },
  });
  expect(preview).toContain(`kernel = '${PV_KERNEL}'`);
  expect(preview).toContain(`target=/dev/${VG}/${PV}-disk0`);
  await submitWizard(page);

  // The wizard follows the task and opens the PV console when it succeeded.
  await expect(page).toHaveURL(new RegExp(`/domains/${PV}\\?view=console&console=pv$`), {
    timeout: TASK_TIMEOUT_MS,
  });
  await expect(async () => {
    await typeLine(page, 'echo wizard-$((6*7))');
    await expect.poll(() => consoleHasLine(page, 'wizard-42'), { timeout: 15_000 }).toBe(true);
  }).toPass({ timeout: 180_000, intervals: [2_000] });
  await snap(page, testInfo, 'lab-wizard-pv-console');

  expect(await lvNames()).toContain(`${PV}-disk0`);
  expect(await xlDomid(PV)).not.toBeNull();
  const dry = await labExecRetry(['xl', 'create', '-n', `/etc/xen/${PV}.cfg`]);
  expect(dry.code, dry.stderr).toBe(0);
  // The volume is the guest's xvda (vbd 51712): blkback's params in xenstore name it. (The lab's
  // busybox initramfs has no xen-blkfront, so the guest itself cannot show the disk.)
  const domid = await xlDomid(PV);
  const params = await labExecRetry([
    'xenstore-read',
    `/local/domain/0/backend/vbd/${domid}/51712/params`,
  ]);
  expect(params.code, params.stderr).toBe(0);
  expect(params.stdout.trim()).toBe(`/dev/${VG}/${PV}-disk0`);
  await removeGuest(PV); // frees its memory for the next guests
});

test('a Windows-profile HVM guest starts with the USB tablet and the standard VGA in its device model', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await login(page, testInfo);
  const preview = await fillWizard(page, {
    name: WIN,
    type: 'hvm',
    profile: 'windows',
    memoryMiB: 384,
    newVolume: { volumeGroup: VG, sizeGiB: 1 },
  });
  // The profile's settings, as docs/guests.md lists them.
  for (const line of ['viridian = 1', "vga = 'stdvga'", 'localtime = 1', "hdtype = 'ahci'"]) {
    expect(preview).toContain(line);
  }
  expect(preview).toMatch(/usbdevice = \[ ?'tablet' ?\]/);
  await submitWizard(page);
  await expect(page).toHaveURL(new RegExp(`/domains/${WIN}\\?view=console&console=vnc$`), {
    timeout: TASK_TIMEOUT_MS,
  });
  await expect(page.getByTestId('vnc-screen')).toBeVisible();
  // SeaBIOS's screen (no bootable disk yet) through QEMU's VNC, once the device model is up.
  await expectScreenPainted(page, { minColours: 2, timeoutMs: 180_000 });
  await snap(page, testInfo, 'lab-wizard-windows-console');

  const domid = await xlDomid(WIN);
  expect(domid).not.toBeNull();
  const dry = await labExecRetry(['xl', 'create', '-n', `/etc/xen/${WIN}.cfg`]);
  expect(dry.code, dry.stderr).toBe(0);
  // The running device model: QEMU's command line for this domid.
  const ps = await labExecRetry(['sh', '-c', `pgrep -a -f -- '-xen-domid ${domid} '`]);
  expect(ps.code, ps.stderr).toBe(0);
  expect(ps.stdout).toMatch(/-usbdevice tablet|usb-tablet/);
  expect(ps.stdout).toMatch(/-device VGA|-vga std/);
  expect(ps.stdout).toContain('ahci');
});

test('a creation that fails at xl create leaves no volume, no config and no domain', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await login(page, testInfo);
  await fillWizard(page, {
    name: BAD,
    type: 'pv',
    kernel: '/var/lib/xendeck-lab/guests/no-such-vmlinuz',
    memoryMiB: 64,
    newVolume: { volumeGroup: VG, sizeGiB: 0.25 },
  });
  await submitWizard(page);
  const task = await taskEnd(
    page.request,
    (await guestTask(page.request, BAD)).id,
    TASK_TIMEOUT_MS,
  );
  expect(task.state).toBe('failed');
  await expect(page.getByTestId('creation-progress')).toContainText(/failed/i);
  await expect(page.getByRole('button', { name: 'Back to the form' })).toBeVisible();
  await snap(page, testInfo, 'lab-wizard-failed');

  expect(await lvNames()).not.toContain(`${BAD}-disk0`);
  expect((await labExecRetry(['test', '-e', `/etc/xen/${BAD}.cfg`])).code).toBe(1);
  expect(await xlDomid(BAD)).toBeNull();
});
