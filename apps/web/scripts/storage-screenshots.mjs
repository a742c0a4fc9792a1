#!/usr/bin/env node
// Screenshots of the Storage page: the volume groups, their logical volumes with "used by", the
// image files; the Create volume dialog; a volume created through the dialog with its task; the
// typed-name Delete confirmation. Light and dark.
// Usage: node apps/web/scripts/storage-screenshots.mjs <base-url> <admin-password> <out-dir> [vg] [prefix]
// Creates a logical volume `<prefix>-data-<scheme>` in <vg> (default vg0, prefix xa) and removes it at the end.
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out, vg = 'vg0', prefix = 'xa'] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error(
    'usage: storage-screenshots.mjs <base-url> <admin-password> <out-dir> [vg] [prefix]',
  );
  process.exit(2);
}

await forEachScheme(
  { base, password, out, prefix: 'storage', defaultWaitMs: 600 },
  async ({ page, scheme, shot }) => {
    const name = `${prefix}-data-${scheme}`;
    await page.goto(`${base}/storage`);
    await page.getByRole('table', { name: `Logical volumes of ${vg}` }).waitFor();
    await page.getByRole('table', { name: 'Image files' }).waitFor();
    await shot('page');

    await page.getByTestId(`create-volume-${vg}`).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Size').fill('1');
    await dialog.getByLabel('Unit').selectOption('GiB');
    await shot('create-dialog', 300);
    await dialog.getByRole('button', { name: 'Create volume' }).click();
    await page.getByTestId('storage-task').first().waitFor();
    await page
      .locator('[data-testid="storage-task"][data-state="succeeded"]')
      .first()
      .waitFor({ timeout: 60_000 });
    await page.getByTestId(`lv-row-${name}`).waitFor();
    await shot('created');

    await page.getByTestId(`lv-row-${name}`).getByTestId('remove-button').click();
    await page.getByTestId('remove-confirm-input').fill(name);
    await shot('delete-dialog', 300);
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId(`lv-row-${name}`).waitFor({ state: 'detached', timeout: 60_000 });
  },
);
