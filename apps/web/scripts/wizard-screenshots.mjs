#!/usr/bin/env node
// Screenshots of the create-guest wizard: every step (name & type with the Windows profile, boot
// with the ISO library, resources, disks with a new and an existing volume, network, console &
// actions), the review (config file and commands), the task's progress, and the console it lands
// on; light and dark. Creates one HVM guest per scheme (`<prefix>-light`, `<prefix>-dark`) on a new
// 1 GiB logical volume in the first volume group.
// Usage: node apps/web/scripts/wizard-screenshots.mjs <base-url> <admin-password> <out-dir> [name-prefix]
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out, prefix = 'wizdemo'] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error(
    'usage: wizard-screenshots.mjs <base-url> <admin-password> <out-dir> [name-prefix]',
  );
  process.exit(2);
}

/** An unused volume to show next to the used ones in the Disks step (made once, over the API). */
const SPARE = 'spare-data';

await forEachScheme(
  { base, password, out, prefix: 'wizard', defaultWaitMs: 400 },
  async ({ page, scheme, shot }) => {
    const name = `${prefix}-${scheme}`;
    const next = () => page.getByRole('button', { name: 'Next' }).click();
    const step = (title) =>
      page.getByRole('heading', { name: new RegExp(`Step \\d of 7: ${title}`) }).waitFor();

    const vgs = await (await page.request.get(`${base}/api/v1/storage/volume-groups`)).json();
    const vg = vgs.volumeGroups[0]?.name;
    const lvs = await (
      await page.request.get(`${base}/api/v1/storage/volume-groups/${vg}/volumes`)
    ).json();
    if (!lvs.volumes.some((v) => v.name === SPARE)) {
      const res = await page.request.post(`${base}/api/v1/storage/volume-groups/${vg}/volumes`, {
        headers: { 'Content-Type': 'application/json', Origin: base },
        data: { name: SPARE, sizeBytes: 2 * 1024 ** 3 },
      });
      if (res.status() !== 202)
        throw new Error(`create ${SPARE}: ${res.status()} ${await res.text()}`);
      await page.waitForTimeout(1500);
    }

    await page.goto(`${base}/domains`);
    await page.getByRole('link', { name: 'Create guest' }).click();
    await step('Name & type');
    await page.getByRole('textbox', { name: 'Name' }).fill(name);
    await page.getByTestId('guest-profile-windows').click();
    await shot('1-name-type');
    await page.getByTestId('guest-profile-linux').click();
    await next();

    await step('Boot');
    const cdrom = page.getByRole('combobox', { name: 'CD-ROM' });
    const firstIso = await cdrom.locator('option').nth(1).getAttribute('value');
    if (firstIso) await cdrom.selectOption(firstIso);
    await shot('2-boot');
    await next();

    await step('Resources');
    await page.getByRole('spinbutton', { name: 'Memory (MiB)' }).fill('512');
    await page.getByRole('spinbutton', { name: 'Maxmem (MiB)' }).fill('1024');
    await shot('3-resources');
    await next();

    await step('Disks');
    await page.getByRole('spinbutton', { name: 'Disk 1 size (GiB)' }).fill('1');
    await page.getByRole('button', { name: 'Add disk' }).click();
    await page.getByRole('combobox', { name: 'Disk 2 source' }).selectOption('existing-lv');
    await page.getByRole('combobox', { name: 'Disk 2 logical volume' }).selectOption(SPARE);
    await shot('4-disks');
    // The screenshot shows the existing-volume choice; the guest itself gets the new volume only.
    await page.getByRole('button', { name: 'Remove disk 2' }).click();
    await next();

    await step('Network');
    await shot('5-network');
    await next();

    await step('Console & actions');
    await shot('6-console');
    await next();

    await step('Review');
    await page.getByTestId('guest-config-preview').waitFor();
    await shot('7-review');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.getByTestId('creation-progress').waitFor();
    await shot('8-progress', 150);
    await page.waitForURL(/\/domains\/.*view=console/, { timeout: 60_000 });
    await page.getByTestId('vnc-screen').waitFor();
    await shot('9-console', 2500);
  },
);
