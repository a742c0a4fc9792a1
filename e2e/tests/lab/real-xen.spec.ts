/**
 * The Xen lab suite: Xendeck in dom0 of a real Xen 4.17 host, against real libxl. Every assertion
 * compares what the browser shows with what `xl` says in dom0.
 */
import { expect, test } from '@playwright/test';
import { labExec, xlList } from '../../lib/lab.js';
import { login, openConfigs, openDomains, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const GUEST = 'xdtest-pv';

test('Domain-0 shows the memory xl list shows', async ({ page }, testInfo) => {
  await login(page, testInfo);
  await expect(page.getByTestId('simulated-banner')).toHaveCount(0);
  await openDomains(page);
  const dom0 = (await xlList()).find((r) => r.domid === 0);
  expect(dom0, 'xl list has Domain-0').toBeDefined();
  await expect(page.getByTestId('domain-row-Domain-0').getByTestId('domain-memory')).toHaveText(
    `${dom0?.memMiB} MiB`,
  );
  await snap(page, testInfo, 'lab-domains');
});

test('resizing dom0 memory in the UI changes what xl list says', async ({ page }, testInfo) => {
  await login(page, testInfo);
  const before = (await xlList()).find((r) => r.domid === 0)?.memMiB ?? 0;
  const target = before - 256;
  await page.goto('/');
  await page.getByTestId('dom0-target-input').fill(String(target));
  await page.getByRole('button', { name: 'Apply' }).click();
  // The UI shows the new value once dom0 has ballooned down to it.
  await expect(page.getByTestId('dom0-current')).toHaveText(String(target), { timeout: 120_000 });
  await expect
    .poll(async () => (await xlList()).find((r) => r.domid === 0)?.memMiB, { timeout: 60_000 })
    .toBe(target);
  await snap(page, testInfo, 'lab-dom0-resized');
  // And back up, so later tests have dom0's memory as the lab booted it.
  await page.getByTestId('dom0-target-input').fill(String(before));
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('dom0-current')).toHaveText(String(before), { timeout: 120_000 });
});

test('start the PV guest from its config, then destroy it from the UI', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await openConfigs(page);
  const row = page.getByTestId(`config-row-${GUEST}`);
  await row.getByRole('button', { name: 'Start', exact: true }).click();
  await openDomains(page);
  const domRow = page.getByTestId(`domain-row-${GUEST}`);
  await expect(domRow.getByTestId('domain-state')).toHaveText(/running|blocked/, {
    timeout: 120_000,
  });
  const listed = (await xlList()).find((r) => r.name === GUEST);
  expect(listed, `xl list shows ${GUEST}`).toBeDefined();
  await expect(domRow.getByTestId('domain-memory')).toHaveText(`${listed?.memMiB} MiB`);
  await snap(page, testInfo, 'lab-guest-running');

  await domRow.getByRole('button', { name: 'Destroy', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Destroy', exact: true }).click();
  await expect(domRow).toHaveCount(0, { timeout: 60_000 });
  expect((await xlList()).some((r) => r.name === GUEST)).toBe(false);
  await snap(page, testInfo, 'lab-guest-destroyed');
});

test('a guest created and destroyed in a dom0 shell shows up and goes away live', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await openDomains(page);
  const created = await labExec(['xl', 'create', `/etc/xen/${GUEST}.cfg`]);
  expect(created.code, created.stderr).toBe(0);
  const domRow = page.getByTestId(`domain-row-${GUEST}`);
  await expect(domRow).toBeVisible({ timeout: 30_000 });

  const destroyed = await labExec(['xl', 'destroy', GUEST]);
  expect(destroyed.code, destroyed.stderr).toBe(0);
  // Events arrive from the xenstore watch: the row goes without a reload.
  await expect(domRow).toHaveCount(0, { timeout: 10_000 });
});
