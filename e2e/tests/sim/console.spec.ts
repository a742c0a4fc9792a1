/**
 * Quick suite against the simulated host: the whole UI path without Xen. It proves the UI and the
 * server work together; it proves nothing about real Xen (that is the lab suite's job).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { login, openConfigs, openDomains, snap } from '../../lib/ui.js';

test('wrong password is refused with a message', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
});

test('the simulated host says so, and shows the host overview', async ({ page }, testInfo) => {
  await login(page, testInfo);
  await expect(page.getByTestId('simulated-banner')).toContainText('Simulated host');
  await expect(page.getByText('4.17')).toBeVisible();
  await snap(page, testInfo, 'sim-overview');
});

test('dom0 memory: out-of-range refused, in-range applied and reached', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  const host = await (await page.request.get('/api/v1/host')).json();
  const { minMemoryMiB, maxMemoryMiB, memoryMiB } = host.dom0;
  const input = page.getByTestId('dom0-target-input');
  await input.fill(String(maxMemoryMiB + 1024));
  await expect(page.getByRole('button', { name: 'Apply' })).toBeDisabled();
  const target = Math.max(minMemoryMiB, memoryMiB - 512);
  await input.fill(String(target));
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('dom0-current')).toHaveText(String(target), { timeout: 15_000 });
});

test('start a domain from its config file, pause, resume, destroy with confirmation', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await openConfigs(page);
  const configs = await (await page.request.get('/api/v1/configs')).json();
  const stopped = configs.find((c: { running: boolean }) => !c.running);
  expect(stopped, 'the simulated config dir has a config that is not running').toBeDefined();
  const name: string = stopped.name;
  await page
    .getByTestId(`config-row-${name}`)
    .getByRole('button', { name: 'Start', exact: true })
    .click();

  await openDomains(page);
  const row = page.getByTestId(`domain-row-${name}`);
  await expect(row.getByTestId('domain-state')).toHaveText(/running|blocked/);
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByTestId('domain-state')).toHaveText('paused');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByTestId('domain-state')).toHaveText(/running|blocked/);

  await row.getByRole('button', { name: 'Destroy', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(name);
  await snap(page, testInfo, 'sim-destroy-dialog');
  await dialog.getByRole('button', { name: 'Destroy', exact: true }).click();
  await expect(row).toHaveCount(0);
});

test('xl-style errors from starting a broken config are shown to the person', async ({
  page,
}, testInfo) => {
  const dir = join(process.env.XENDECK_E2E_SIM_STATE_DIR ?? '', 'sim-etc-xen');
  // A config with no name: xl refuses it, and so does the simulated host.
  writeFileSync(join(dir, 'broken.cfg'), '# no name here\nmemory = 128\n');
  await login(page, testInfo);
  await openConfigs(page);
  await page
    .getByTestId('config-row-broken')
    .getByRole('button', { name: 'Start', exact: true })
    .click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('alert')).not.toBeEmpty();
  await snap(page, testInfo, 'sim-start-error');
});

test('starting a running domain through the API answers 409 DOMAIN_EXISTS', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  const configs = await (await page.request.get('/api/v1/configs')).json();
  const running = configs.find((c: { running: boolean }) => c.running);
  expect(running, 'a config whose domain runs').toBeDefined();
  const res = await page.request.post(`/api/v1/domains/${running.name}/start`, { data: {} });
  expect(res.status()).toBe(409);
  expect((await res.json()).error.code).toBe('DOMAIN_EXISTS');
});
