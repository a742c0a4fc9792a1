/**
 * Save and restore on real Xen (issue 10 §1, §7), through the browser, checked in dom0:
 * a PV guest from the lab's kernel + busybox initramfs (128 MiB, with a disk on a new 64 MiB
 * logical volume; made in dom0 with lvcreate, a config in /etc/xen and `xl create`, which the wizard
 * spec already covers through the browser) tells its uptime on its text console; Save… on its page
 * (the `xl save` twin shown) runs the task to the end; `xl list` no longer has it and the image is
 * listed (with the config it was saved with, and its header read by xl-config's twin of xl's
 * format); Restore (the `xl restore` twin shown) brings it back under a new domid; the text
 * console left open in a second tab reattaches by itself, and the guest's uptime continues from
 * where it was (greater than before the save, not a new boot). Then the restored image is deleted
 * from the browser (typed name). The guest, its config, its volume and any image are removed
 * whatever happens. The save and restore times are attached to the report (`figures`).
 */
import { expect, type Page, test } from '@playwright/test';
import { consolePath, consoleText, openConsole, typeLine } from '../../lib/consoles.js';
import { labExec, labExecRetry, xlDomid, xlList } from '../../lib/lab.js';
import { PV_KERNEL, PV_RAMDISK } from '../../lib/pv-guest.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const NAME = 'sv-e2e';
const VG = 'vg0';
/** XENDECK_SAVE_DIR of the lab's Xendeck: the default, xendomains' XENDOMAINS_SAVE. */
const SAVE_DIR = '/var/lib/xen/save';
/** lvcreate + xl create, and xl save / xl restore of 128 MiB, under QEMU TCG on a busy lab. */
const TASK_TIMEOUT_MS = 900_000;

async function removeEverything(): Promise<void> {
  if ((await xlDomid(NAME)) !== null) await labExecRetry(['xl', 'destroy', NAME]);
  await labExecRetry(['rm', '-f', `/etc/xen/${NAME}.cfg`]);
  await labExecRetry(['sh', '-c', `rm -f ${SAVE_DIR}/${NAME} ${SAVE_DIR}/.${NAME}.*`]);
  const lvs = await labExecRetry(['lvs', '--noheadings', '-o', 'lv_name', VG]);
  if (lvs.stdout.split('\n').some((l) => l.trim() === `${NAME}-disk0`)) {
    await labExecRetry(['lvremove', '-f', `${VG}/${NAME}-disk0`]);
  }
}

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await removeEverything();
});
test.afterAll(async () => {
  test.setTimeout(600_000);
  await removeEverything();
});

/** The guest's config: the lab kernel + busybox initramfs, its volume as xvda, a vif on xenbr0. */
const CONFIG = [
  `name = "${NAME}"`,
  'type = "pv"',
  'memory = 128',
  'vcpus = 1',
  `kernel = "${PV_KERNEL}"`,
  `ramdisk = "${PV_RAMDISK}"`,
  'extra = "console=hvc0"',
  `disk = [ 'phy:/dev/${VG}/${NAME}-disk0,xvda,w' ]`,
  "vif = [ 'bridge=xenbr0' ]",
  '',
].join('\n');

/** lvcreate, the config, xl create: in dom0 (minutes when the shared lab is busy). */
async function createGuest(): Promise<void> {
  const lv = await labExecRetry(['lvcreate', '--yes', '-L', '64m', '-n', `${NAME}-disk0`, VG]);
  expect(lv.code, lv.stderr).toBe(0);
  const cfg = await labExecRetry(['sh', '-c', `cat > /etc/xen/${NAME}.cfg <<'EOF'\n${CONFIG}EOF`]);
  expect(cfg.code, cfg.stderr).toBe(0);
  const created = await labExec(['xl', 'create', `/etc/xen/${NAME}.cfg`], TASK_TIMEOUT_MS);
  expect(created.code, created.stdout + created.stderr).toBe(0);
}

/** Waits for the followed task to end, and fails at once with its error when it failed. */
async function taskSucceeded(page: Page): Promise<void> {
  const line = page.getByTestId('saved-image-task').first();
  await expect(line).toHaveAttribute('data-state', /^(succeeded|failed)$/, {
    timeout: TASK_TIMEOUT_MS,
  });
  expect(await line.getAttribute('data-state'), (await line.textContent()) ?? '').toBe('succeeded');
}

/**
 * Asks the guest for its uptime on the text console (`cat /proc/uptime`, marked so the answer is
 * one recognisable row) and returns it in seconds; retried while the shell is not there yet.
 */
async function guestUptimeS(page: Page, tag: string): Promise<number> {
  let uptime = Number.NaN;
  await expect(async () => {
    await typeLine(page, `echo ${tag}=$(cat /proc/uptime)`);
    await expect
      .poll(
        async () => {
          const rows = (await consoleText(page)).split('\n');
          const hit = rows
            .map((r) => r.trim().match(new RegExp(`^${tag}=(\\d+\\.\\d+) `)))
            .filter((m) => m !== null)
            .pop();
          uptime = hit ? Number(hit[1]) : Number.NaN;
          return Number.isFinite(uptime);
        },
        { timeout: 15_000 },
      )
      .toBe(true);
  }).toPass({ timeout: 180_000, intervals: [2_000] });
  return uptime;
}

test('save a PV guest from the browser, see it gone, restore it: console reattaches, uptime continues', async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(3_000_000);
  await createGuest();
  await login(page, testInfo);
  const domidBefore = await xlDomid(NAME);
  expect(domidBefore).not.toBeNull();

  // A second tab keeps the text console open across the save and the restore.
  const watcher = await context.newPage();
  await openConsole(watcher, NAME, 'pv', 120_000);
  const uptimeBefore = await guestUptimeS(watcher, 'UPA');
  expect(uptimeBefore).toBeGreaterThan(0);

  // Save… on the domain's page: the dialog shows the file and the xl save twin.
  await page.goto(`/domains/${NAME}`);
  await page.getByTestId('save-domain-button').click();
  const dialog = page.getByTestId('save-domain-dialog');
  await expect(dialog.getByTestId('save-file')).toHaveText(`${SAVE_DIR}/${NAME}`);
  await expect(dialog.getByText(`xl save ${NAME} ${SAVE_DIR}/${NAME}`)).toBeVisible();
  await snap(page, testInfo, 'lab-save-dialog');
  const saveStarted = Date.now();
  await dialog.getByTestId('save-submit').click();
  // The Saved images page follows the task (the domain's page loses its domain at the end).
  await expect(page).toHaveURL(/\/saved\?task=t-/);
  await taskSucceeded(page);
  const saveMs = Date.now() - saveStarted;
  await snap(page, testInfo, 'lab-save-done');

  // dom0: gone from xl list; the image is there, about the guest's memory in size.
  expect((await xlList()).map((r) => r.name)).not.toContain(NAME);
  const size = await labExecRetry(['stat', '-c', '%s', `${SAVE_DIR}/${NAME}`]);
  expect(size.code, size.stderr).toBe(0);
  expect(Number(size.stdout.trim())).toBeGreaterThan(100 * 1024 * 1024);

  // The Saved images page lists it with the config it was saved with.
  await page.goto('/saved');
  const row = page.getByTestId(`saved-image-row-${NAME}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('PV · 128 MiB · 1 vCPU');
  await snap(page, testInfo, 'lab-saved-list');
  await row.getByTestId('saved-image-restore').click();
  const confirm = page.getByRole('dialog');
  await expect(confirm.getByText(`xl restore ${SAVE_DIR}/${NAME}`)).toBeVisible();
  const restoreStarted = Date.now();
  await confirm.getByRole('button', { name: 'Restore', exact: true }).click();
  await taskSucceeded(page);
  const restoreMs = Date.now() - restoreStarted;

  const domidAfter = await xlDomid(NAME);
  expect(domidAfter).not.toBeNull();
  expect(domidAfter).not.toBe(domidBefore);
  // The image is kept, hidden from xendomains' restore at boot.
  const kept = await labExecRetry(['sh', '-c', `ls -A ${SAVE_DIR}`]);
  expect(kept.stdout.split('\n')).toContainEqual(
    expect.stringMatching(new RegExp(`^\\.${NAME}\\.restored-\\d{8}T\\d{6}Z$`)),
  );
  expect(kept.stdout.split('\n')).not.toContain(NAME);

  // The console left open reattached to the new domid by itself; the uptime goes on.
  await expect
    .poll(async () => (await consoleText(watcher)).includes(`(domid ${domidAfter})`), {
      timeout: 120_000,
    })
    .toBe(true);
  const uptimeAfter = await guestUptimeS(watcher, 'UPB');
  expect(uptimeAfter).toBeGreaterThan(uptimeBefore);
  await snap(watcher, testInfo, 'lab-restored-console');
  // The domain's page shows it again with its new domid (metrics and consoles follow the name).
  await page.goto(consolePath(NAME, 'pv'));
  await expect(page.getByTestId('console-status')).toHaveText('Connected', { timeout: 120_000 });

  // Delete the restored image from the browser (the name typed first).
  await page.goto('/saved');
  const restoredRow = page.locator('[data-testid^="saved-image-row-.sv-e2e.restored-"]');
  await expect(restoredRow).toHaveAttribute('data-state', 'restored');
  const keptName = ((await restoredRow.getAttribute('data-testid')) ?? '').replace(
    'saved-image-row-',
    '',
  );
  await restoredRow.getByTestId('saved-image-delete-button').click();
  await page.getByTestId('saved-image-delete-confirm-input').fill(keptName);
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(restoredRow).toHaveCount(0);
  expect((await labExecRetry(['test', '-e', `${SAVE_DIR}/${keptName}`])).code).toBe(1);

  const figures = { saveMs, restoreMs, uptimeBefore, uptimeAfter, domidBefore, domidAfter };
  await testInfo.attach('figures', {
    body: JSON.stringify(figures),
    contentType: 'application/json',
  });
  console.log(`save-restore figures: ${JSON.stringify(figures)}`);
});
