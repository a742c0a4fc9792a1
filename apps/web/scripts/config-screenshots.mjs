// Screenshots of the config pages against a running server (simulated backend), light and dark.
// Usage: node apps/web/scripts/config-screenshots.mjs <baseUrl> <password> <outDir>
// Uses playwright-core from the e2e package and the system Chromium.
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base = 'http://127.0.0.1:18181', password = 'admin-pass-123', out = '/tmp/shots'] =
  process.argv.slice(2);

await forEachScheme(
  { base, password, out, prefix: 'config', defaultWaitMs: 600 },
  async ({ page, scheme, shot }) => {
    await page.goto(`${base}/configs`);
    await page.getByRole('link', { name: 'New config' }).waitFor();
    await shot('list');

    await page.goto(`${base}/configs/web-01`);
    await page.getByTestId('quick-memory-input').waitFor();
    await shot('settings');

    await page.getByRole('tab', { name: 'Edit' }).click();
    const content = page.getByTestId('config-editor').locator('.cm-content');
    await content.waitFor();
    await content.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\ntype = hvm\nvcpus = 0x1F\n');
    await page.waitForTimeout(900);
    await shot('editor-diagnostic');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByTestId('config-diff').waitFor();
    await shot('review-invalid');
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Discard edits' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();

    await page.getByRole('tab', { name: 'Settings' }).click();
    const mem = page.getByTestId('quick-memory-input');
    const current = Number(await mem.inputValue());
    await mem.fill(String(current + 256));
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByTestId('config-diff').waitFor();
    await shot('review');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('config-saved').waitFor();
    await shot('saved');

    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-row').first().waitFor();
    await page.getByTestId('history-row').nth(1).getByRole('button', { name: 'View' }).click();
    await page.getByTestId('config-diff').waitFor();
    await shot('history');
    await page.getByTestId('history-row').nth(1).getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('dialog').waitFor();
    await shot('restore-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Restore', exact: true }).click();
    await page.waitForTimeout(500);

    await page.goto(`${base}/configs/new`);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`guest-${scheme}`);
    await page.getByLabel('HVM').check();
    await page.getByLabel('Installer ISO (optional)').fill('/srv/iso/debian-12.iso');
    await page.getByLabel('Logical volume').fill(`guest-${scheme}-disk`);
    await page.getByRole('button', { name: 'Add LVM disk' }).click();
    await page.getByRole('button', { name: 'Add disk spec' }).click();
    await page.getByLabel('Disk 2').fill('/dev/vg0/data,xvdb');
    await shot('new-form');

    await page.goto(`${base}/domains/web-01`);
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    await shot('domain-overview');

    await page.goto(`${base}/domains/web-01?view=config`);
    await page.getByTestId('quick-memory-input').waitFor();
    await shot('domain-config');
  },
);
