#!/usr/bin/env node
// Screenshots of autostart: the config list's Start-at-boot toggles, the overview's Autostart
// panel (xendomains, what it does at dom0 shutdown and boot, the configs that start), a config
// page's toggle with its `ln -s` twin. Light and dark.
// Usage: node apps/web/scripts/autostart-screenshots.mjs <base-url> <admin-password> <out-dir> [config]
// Turns autostart of <config> (default web-01) on, and off again at the end.
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out, name = 'web-01'] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: autostart-screenshots.mjs <base-url> <admin-password> <out-dir> [config]');
  process.exit(2);
}

await forEachScheme(
  { base, password, out, prefix: 'autostart', defaultWaitMs: 600 },
  async ({ page, scheme, shot }) => {
    const toggle = page.getByTestId(`autostart-toggle-${name}`);
    await page.goto(`${base}/configs`);
    await toggle.waitFor();
    if ((await toggle.getAttribute('aria-checked')) !== 'true') await toggle.click();
    await page.locator(`[data-testid="autostart-toggle-${name}"][aria-checked="true"]`).waitFor();
    await shot('configs');

    await page.goto(`${base}/`);
    const panel = page.getByTestId('autostart-panel');
    await page.getByTestId('autostart-list').waitFor();
    await page.waitForTimeout(600);
    await panel
      .locator('xpath=ancestor::section[1]')
      .screenshot({ path: `${out}/autostart-panel-${scheme}.png` });

    await page.goto(`${base}/configs/demo-pv`);
    await page.getByTestId('autostart-command-demo-pv').waitFor();
    await shot('config-page');

    await page.goto(`${base}/configs`);
    await page.locator(`[data-testid="autostart-toggle-${name}"][aria-checked="true"]`).click();
    await page.locator(`[data-testid="autostart-toggle-${name}"][aria-checked="false"]`).waitFor();
  },
);
