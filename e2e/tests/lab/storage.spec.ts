/**
 * Storage on real LVM in the Xen lab's dom0 (vg0): a logical volume created through the browser
 * shows in `lvs`; once a config file in /etc/xen names it, the page shows that config as its user
 * and deletion is refused (page and API name the config); without the config, deletion with the
 * typed name removes it from `lvs`. Cleans up its config and volume whatever happens.
 */
import { expect, test } from '@playwright/test';
import { labExecRetry } from '../../lib/lab.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const VG = 'vg0';
const LV = 'xa-e2e-lab';
const CFG = `/etc/xen/${LV}.cfg`;
const TASK_TIMEOUT_MS = 240_000;
/** Page waits: every listing runs vgs/pvs/lvs in dom0, which under TCG with other suites busy can take a minute. */
const slowExpect = expect.configure({ timeout: TASK_TIMEOUT_MS });

/** `lvs` in dom0 for vg0: the LV names and sizes in bytes. */
async function lvs(): Promise<Map<string, number>> {
  const r = await labExecRetry([
    'lvs',
    '--noheadings',
    '--units',
    'b',
    '--nosuffix',
    '-o',
    'lv_name,lv_size',
    VG,
  ]);
  expect(r.code, r.stderr).toBe(0);
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/))
      .map(([n, s]) => [n as string, Number(s)]),
  );
}

async function cleanUp(): Promise<void> {
  await labExecRetry(['rm', '-f', CFG]);
  if ((await lvs()).has(LV)) await labExecRetry(['lvremove', '-f', `${VG}/${LV}`]);
}

test.beforeAll(cleanUp);
test.afterAll(cleanUp);

test('a volume made in the browser is in lvs; a config naming it blocks its deletion; then it goes', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000);
  await login(page, testInfo);
  await page.getByRole('link', { name: 'Storage' }).first().click();
  // The volume group's volumes are listed: a table, or "No logical volumes" when vg0 is empty
  // (a fresh lab's vg0 is).
  await slowExpect(
    page
      .getByRole('table', { name: `Logical volumes of ${VG}` })
      .or(page.getByText(`No logical volumes in ${VG}.`)),
  ).toBeVisible();

  // Create 64 MiB through the dialog.
  await page.getByTestId(`create-volume-${VG}`).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(LV);
  await dialog.getByLabel('Size').fill('64');
  await dialog.getByLabel('Unit').selectOption('MiB');
  await dialog.getByRole('button', { name: 'Create volume' }).click();
  // lvcreate/lvremove under QEMU TCG while other suites run: seconds to over a minute.
  await slowExpect(page.getByTestId('storage-task').first()).toHaveAttribute(
    'data-state',
    'succeeded',
    {
      timeout: TASK_TIMEOUT_MS,
    },
  );
  const row = page.getByTestId(`lv-row-${LV}`);
  await slowExpect(row).toContainText('64.0 MiB');
  expect((await lvs()).get(LV)).toBe(64 * 1024 * 1024);

  // A hoster's config names it (in the /dev/mapper spelling): the page and the API say so.
  const config = `name = "${LV}"\ntype = "pv"\nmemory = 64\nkernel = "/var/lib/xendeck-lab/guests/vmlinuz"\ndisk = [ 'phy:/dev/mapper/${VG}-${LV.replaceAll('-', '--')},xvda,w' ]\n`;
  const w = await labExecRetry(['sh', '-c', `printf '%s' "$1" > ${CFG}`, 'sh', config]);
  expect(w.code, w.stderr).toBe(0);
  await page.reload();
  await slowExpect(row.getByTestId('used-by')).toContainText(`config ${LV}`);
  await slowExpect(row.getByTestId('remove-button')).toBeDisabled();
  await slowExpect(row.getByTestId('remove-blocked')).toHaveText(`Used by config ${LV}`);
  await snap(page, testInfo, 'lab-storage-used-by-config');
  const refused = await page.request.delete(
    `/api/v1/storage/volume-groups/${VG}/volumes/${LV}?confirm=${LV}`,
    { headers: { 'Content-Type': 'application/json' } },
  );
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toContain(`config ${LV}`);
  expect((await lvs()).has(LV)).toBe(true);

  // Without the config it can go: typed name, then gone from lvs.
  expect((await labExecRetry(['rm', '-f', CFG])).code).toBe(0);
  await page.reload();
  await row.getByTestId('remove-button').click();
  await page.getByTestId('remove-confirm-input').fill(LV);
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  // lvcreate/lvremove under QEMU TCG while other suites run: seconds to over a minute.
  await slowExpect(page.getByTestId('storage-task').first()).toHaveAttribute(
    'data-state',
    'succeeded',
    {
      timeout: TASK_TIMEOUT_MS,
    },
  );
  await slowExpect(row).toHaveCount(0);
  expect((await lvs()).has(LV)).toBe(false);
});
