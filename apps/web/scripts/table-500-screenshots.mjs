#!/usr/bin/env node
// Screenshots of the domains table and `xl top` with 500 domains, light and dark, against the
// simulated host started with XENDECK_SIM_SYNTHETIC_DOMAINS=500 (and XENDECK_HTTP=1): the
// domains table sorted by live CPU % (busiest first), the same filtered by name and state, and
// `xl top` scrolled half-way. Waits 20 s first so the 2-minute sparklines have a line to show.
// Usage: node apps/web/scripts/table-500-screenshots.mjs <base-url> <admin-password> <out-dir>
// (the final light ones are docs/screenshots/domains-500.png and xl-top-500.png).
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: table-500-screenshots.mjs <base-url> <admin-password> <out-dir>');
  process.exit(2);
}

await forEachScheme(
  { base, password, out, prefix: 'table-500', defaultWaitMs: 1500 },
  async ({ page, shot, scheme }) => {
    await page.goto(`${base}/domains`);
    await page.getByTestId('domain-row-Domain-0').waitFor();
    if (scheme === 'light') await page.waitForTimeout(20_000);
    await page.getByRole('button', { name: 'CPU %' }).click();
    await shot('domains-by-cpu');
    await page.getByLabel('Filter by name').fill('synth-01');
    await page.getByLabel('State').selectOption('paused');
    await shot('domains-filtered');

    await page.getByRole('link', { name: 'xl top' }).click();
    await page.getByTestId('top-scroll').waitFor();
    await page.locator('[data-testid^="top-row-"]').first().waitFor();
    await page.getByTestId('top-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await shot('xl-top-scrolled');
  },
);
