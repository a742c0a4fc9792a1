#!/usr/bin/env node
// Screenshots of the audit log, light and dark, against the simulated host: /audit as the admin
// (changes by the admin and a customer: lifecycle operations with their xl twins, a refused pause,
// a memory change, an LVM volume created as a task, logins including a failed one), the same
// searched for failed results, and what the customer sees (only their domain's entries).
// Usage: node apps/web/scripts/audit-screenshots.mjs <base-url> <admin-password> <out-dir>
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: audit-screenshots.mjs <base-url> <admin-password> <out-dir>');
  process.exit(2);
}

const CUSTOMER = { username: 'alice', password: 'alice-password-1' };

let prepared = false;
await forEachScheme(
  { base, password, out, prefix: 'audit', defaultWaitMs: 400 },
  async ({ page, shot }) => {
    const headers = { 'Content-Type': 'application/json', Origin: base };
    const post = (path, data = {}) => page.request.post(`${base}/api/v1${path}`, { headers, data });
    if (!prepared) {
      prepared = true;
      await post('/users', { ...CUSTOMER, role: 'customer' });
      await page.request.put(`${base}/api/v1/users/alice/grants`, {
        headers,
        data: { grants: [{ domain: 'web-01', permissions: ['view', 'console', 'power'] }] },
      });
      await post('/domains/web-01/pause');
      await post('/domains/web-01/pause'); // refused: INVALID_STATE
      await post('/domains/web-01/unpause');
      await page.request.put(`${base}/api/v1/domains/db-01/memory`, {
        headers,
        data: { targetMiB: 768 },
      });
      await post('/storage/volume-groups/vg0/volumes', { name: 'web-01-data', sizeBytes: 2 ** 30 });
      await post('/domains/build-pv/destroy');
      // A failed login, then the customer's own action on their domain.
      await page.request.post(`${base}/api/v1/session`, {
        headers,
        data: { username: 'mallory', password: 'letmein-please' },
      });
      const ctx = await page.context().browser().newContext();
      const r = await ctx.request.post(`${base}/api/v1/session`, { headers, data: CUSTOMER });
      if (r.status() !== 204) throw new Error(`customer login: ${r.status()}`);
      await ctx.request.post(`${base}/api/v1/domains/web-01/reboot`, { headers, data: {} });
      await ctx.close();
    }
    await page.goto(`${base}/audit`);
    await page
      .getByTestId(/^audit-row-/)
      .first()
      .waitFor();
    await shot('list');
    await page.getByLabel('Result').selectOption('failed');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('INVALID_STATE').first().waitFor();
    await shot('failed');
    // The customer's view.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').fill(CUSTOMER.username);
    await page.getByLabel('Password').fill(CUSTOMER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${base}/audit`);
    await page
      .getByTestId(/^audit-row-/)
      .first()
      .waitFor();
    await shot('customer');
  },
);
