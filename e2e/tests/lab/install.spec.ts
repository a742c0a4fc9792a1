/**
 * The whole of issue 9 on real Xen, through the browser: a hoster with an ISO makes, installs and
 * boots a guest. The lab's installer ISO (lab/recipe/installer, built by `pnpm lab installer`) is
 * uploaded on the ISO library page (progress seen); the wizard creates an HVM guest on a new logical
 * volume in vg0 with it in the CD drive; the installer's question comes up (read on the guest's
 * emulated serial port, which the installer mirrors its screen to; the screen itself is the VNC
 * console); `yes` is typed through the VNC console's Type text; the guest writes its disk and powers
 * off; "Eject and boot from disk" shows the config diff and applies it; Start; the installed system's
 * greeting comes from the disk. dom0 confirms: `lvs` has the volume, `xl create -n` accepts the file,
 * the file boots from `c` with the CD drive empty. Cleans up its guest, config, volume and ISO.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import { consoleText, expectScreenPainted } from '../../lib/consoles.js';
import {
  INSTALLER_ISO_NAME,
  INSTALLER_QUESTION_RE,
  INSTALLER_TEXTS,
  labExecRetry,
  labInstallerIso,
  xlDomid,
} from '../../lib/lab.js';
import { login, snap } from '../../lib/ui.js';
import { fillWizard, submitWizard } from '../../lib/wizard.js';

test.describe.configure({ mode: 'serial' });

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/**
 * Unique per run: the server keeps a text console's scrollback per domain name across domids, so a
 * name used by an earlier run would show that run's lines before this guest printed anything.
 */
const NAME = `xd-inst-${Date.now().toString(36)}`;
const VG = 'vg0';
const ISO_DIR = '/var/lib/xendeck/iso';
/** Each step under QEMU TCG: seconds on a quiet lab, minutes on a busy one. */
const STEP_TIMEOUT_MS = 300_000;

async function cleanUp(): Promise<void> {
  if ((await xlDomid(NAME)) !== null) await labExecRetry(['xl', 'destroy', NAME]);
  await labExecRetry(['rm', '-f', `/etc/xen/${NAME}.cfg`, `${ISO_DIR}/${INSTALLER_ISO_NAME}`]);
  const lvs = await labExecRetry(['lvs', '--noheadings', '-o', 'lv_name', VG]);
  if (lvs.stdout.split('\n').some((l) => l.trim() === `${NAME}-disk0`)) {
    await labExecRetry(['lvremove', '-f', `${VG}/${NAME}-disk0`]);
  }
}

test.beforeAll(async () => {
  // The ISO is built on the host by the lab recipe (0.2 s when cached).
  if (!existsSync(labInstallerIso())) {
    execFileSync('pnpm', ['--silent', 'lab', 'installer'], { cwd: repo, stdio: 'inherit' });
  }
  await cleanUp();
});
test.afterAll(cleanUp);

/** Waits until the serial console of `page` shows a line matching `re`. */
async function serialShows(page: Page, re: RegExp, timeoutMs: number): Promise<void> {
  await expect
    .poll(async () => re.test(await consoleText(page)), { timeout: timeoutMs, intervals: [1_000] })
    .toBe(true);
}

/** Types `text` into the guest through the VNC console's Type text dialog. */
async function typeIntoScreen(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Type text' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Text to type').fill(text);
  await dialog.getByRole('button', { name: 'Type', exact: true }).click();
  await expect(dialog.getByRole('button', { name: 'Stop' })).toHaveCount(0, { timeout: 60_000 });
  // After `yes` the guest may power off at once, and the dialog goes with the console.
  const close = dialog.getByRole('button', { name: 'Close' });
  if (await close.isVisible()) await close.click({ timeout: 5_000 }).catch(() => undefined);
}

/** A pattern matching `s` literally. */
const literal = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

test('an HVM guest installed from an uploaded ISO through the VNC console boots from its volume', async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(1_800_000);
  await login(page, testInfo);

  // 1. Upload the installer ISO on the ISO library page.
  await page.getByRole('link', { name: 'ISO library' }).click();
  await expect(page.getByTestId('isos-free')).toContainText(ISO_DIR, { timeout: STEP_TIMEOUT_MS });
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('iso-choose-files').click();
  await (await chooser).setFiles(labInstallerIso());
  const item = page.locator(`[data-testid="iso-upload-item"][data-name="${INSTALLER_ISO_NAME}"]`);
  await item.getByTestId('iso-upload-start').click();
  await expect(item.getByTestId('iso-upload-progress')).toBeVisible();
  await expect(item.getByTestId('iso-upload-done')).toBeVisible({ timeout: STEP_TIMEOUT_MS });
  await expect(page.getByTestId(`iso-row-${INSTALLER_ISO_NAME}`)).toBeVisible();

  // 2. The wizard: HVM on a new 64 MiB volume in vg0, the ISO in the CD drive, started.
  const preview = await fillWizard(page, {
    name: NAME,
    type: 'hvm',
    profile: 'other',
    iso: INSTALLER_ISO_NAME,
    memoryMiB: 128,
    newVolume: { volumeGroup: VG, sizeGiB: 0.0625 },
  });
  expect(preview).toContain(`${ISO_DIR}/${INSTALLER_ISO_NAME}`);
  expect(preview).toContain("boot = 'dc'");
  await submitWizard(page);

  // 3. The installer's serial output, in a second tab, from as soon as the domain exists.
  await expect
    .poll(() => xlDomid(NAME), { timeout: STEP_TIMEOUT_MS, intervals: [1_000] })
    .not.toBeNull();
  const serial = await context.newPage();
  await serial.goto(`/domains/${NAME}?view=console&console=serial`);
  await expect(page).toHaveURL(new RegExp(`/domains/${NAME}\\?view=console&console=vnc$`), {
    timeout: STEP_TIMEOUT_MS,
  });
  await expectScreenPainted(page, { minColours: 2, timeoutMs: STEP_TIMEOUT_MS });
  try {
    await serialShows(serial, INSTALLER_QUESTION_RE, 90_000);
  } catch {
    // The first question went out before the console was attached: any answer but yes asks again.
    await typeIntoScreen(page, 'no\n');
    await serialShows(serial, literal(INSTALLER_TEXTS.notYes), 60_000);
  }
  const asked = INSTALLER_QUESTION_RE.exec(await consoleText(serial));
  expect(Number(asked?.[1]), 'the question names the disk size in MiB').toBe(64);
  await snap(page, testInfo, 'lab-install-question-vnc');

  // 4. The answer through the screen (keyboard over VNC); the guest installs and powers off.
  await typeIntoScreen(page, 'yes\n');
  await serialShows(serial, literal(INSTALLER_TEXTS.done), 120_000);
  await snap(serial, testInfo, 'lab-install-done-serial');
  await expect.poll(() => xlDomid(NAME), { timeout: 120_000, intervals: [1_000] }).toBeNull();

  // 5. Eject and boot from disk: the diff, Apply, then Start.
  await page.getByTestId('cdrom-menu-button').click();
  await page.getByTestId('cdrom-boot-from-disk').click();
  const dialog = page.getByTestId('boot-from-disk-dialog');
  await expect(dialog.getByTestId('config-diff')).toContainText("boot = 'c'", {
    timeout: 60_000,
  });
  await snap(page, testInfo, 'lab-install-boot-from-disk-diff');
  await dialog.getByTestId('boot-from-disk-apply').click();
  await expect(dialog.getByTestId('boot-from-disk-done')).toContainText('now boots from the disk');
  await dialog.getByTestId('boot-from-disk-start').click();
  await expect
    .poll(() => xlDomid(NAME), { timeout: STEP_TIMEOUT_MS, intervals: [1_000] })
    .not.toBeNull();

  // 6. The installed system greets on its serial port (the console follows the new domid).
  await serialShows(serial, literal(INSTALLER_TEXTS.greeting), STEP_TIMEOUT_MS);
  await snap(serial, testInfo, 'lab-install-greeting-serial');
  await page.keyboard.press('Escape');
  await expectScreenPainted(page, { minColours: 2, timeoutMs: 60_000 });
  await snap(page, testInfo, 'lab-install-greeting-vnc');

  // dom0 agrees: the volume, a file xl accepts, booting from the disk with the CD drive empty.
  const lvs = await labExecRetry(['lvs', '--noheadings', '-o', 'lv_name', VG]);
  expect(lvs.stdout.split('\n').map((l) => l.trim())).toContain(`${NAME}-disk0`);
  const dry = await labExecRetry(['xl', 'create', '-n', `/etc/xen/${NAME}.cfg`]);
  expect(dry.code, dry.stderr).toBe(0);
  const cfg = await labExecRetry(['cat', `/etc/xen/${NAME}.cfg`]);
  expect(cfg.stdout).toContain("boot = 'c'");
  expect(cfg.stdout).not.toContain(INSTALLER_ISO_NAME);
  await serial.close();
});
