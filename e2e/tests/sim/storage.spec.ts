/**
 * The Storage page against the simulated host (in-memory vg0; its seed config demo-pv names
 * /dev/vg0/demo-pv): create a logical volume through the dialog and see it listed, delete it with
 * the typed name; the volume a config names cannot be deleted, and the page and the API say which
 * config.
 */
import { expect, test } from '@playwright/test';
import { login, snap } from '../../lib/ui.js';

const VG = 'vg0';

test('create a logical volume, see it, delete it with its name typed', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await page.getByRole('link', { name: 'Storage' }).first().click();
  await expect(page.getByRole('table', { name: `Logical volumes of ${VG}` })).toBeVisible();

  const name = 'xa-e2e-sim';
  await page.getByTestId(`create-volume-${VG}`).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Size').fill('1.5');
  await dialog.getByLabel('Unit').selectOption('GiB');
  await dialog.getByRole('button', { name: 'Create volume' }).click();

  const task = page.getByTestId('storage-task').first();
  await expect(task).toHaveAttribute('data-state', 'succeeded');
  await expect(task.getByRole('link', { name: 'Task log' })).toHaveAttribute(
    'href',
    /^\/tasks\/t-/,
  );
  const row = page.getByTestId(`lv-row-${name}`);
  await expect(row).toContainText('1.5 GiB');
  await expect(row).toContainText('plain, writable, active');
  await snap(page, testInfo, 'storage-created');

  await row.getByTestId('remove-button').click();
  const confirm = page.getByRole('dialog').getByRole('button', { name: 'Delete' });
  await expect(confirm).toBeDisabled();
  await page.getByTestId('remove-confirm-input').fill(name.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await page.getByTestId('remove-confirm-input').fill(name);
  await confirm.click();
  await expect(page.locator('[data-testid="storage-task"]').first()).toContainText('volume.remove');
  await expect(row).toHaveCount(0);
  const lvs = await (await page.request.get(`/api/v1/storage/volume-groups/${VG}/volumes`)).json();
  expect(lvs.volumes.map((v: { name: string }) => v.name)).not.toContain(name);
});

test('the volume a config names cannot be deleted; page and API name the config', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await page.goto('/storage');
  const row = page.getByTestId('lv-row-demo-pv');
  await expect(row.getByTestId('used-by')).toContainText('config demo-pv');
  await expect(row.getByRole('link', { name: 'config demo-pv' })).toHaveAttribute(
    'href',
    '/configs/demo-pv',
  );
  await expect(row.getByTestId('remove-button')).toBeDisabled();
  await expect(row.getByTestId('remove-blocked')).toHaveText('Used by config demo-pv');

  const res = await page.request.delete(
    `/api/v1/storage/volume-groups/${VG}/volumes/demo-pv?confirm=demo-pv`,
    { headers: { 'Content-Type': 'application/json' } },
  );
  expect(res.status()).toBe(409);
  const body = await res.json();
  expect(body.error.code).toBe('VOLUME_IN_USE');
  expect(body.error.message).toContain('config demo-pv');
  await page.reload();
  await expect(page.getByTestId('lv-row-demo-pv')).toBeVisible();
});
