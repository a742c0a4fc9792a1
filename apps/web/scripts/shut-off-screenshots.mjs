#!/usr/bin/env node
// Screenshots of a customer's domains page with domains that are not running, light and dark,
// against the simulated host: their running guest, a granted one shut off with Start (it has a
// config file), one without power (no Start), and one whose config file is missing after Start
// ("no config file"); then an operator's domains page, whose shut-off rows come from
// GET /startable-domains.
// Usage: node apps/web/scripts/shut-off-screenshots.mjs <base-url> <admin-password> <out-dir>
// (the simulated server with XENDECK_HTTP=1 for plain HTTP; its config dir must hold a config
// file besides web-01.cfg, e.g. the seeded one or build-pv.cfg, which is destroyed to be shut off).
import { apiLogin, forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: shut-off-screenshots.mjs <base-url> <admin-password> <out-dir>');
  process.exit(2);
}

const CUSTOMER = { username: 'bob', password: 'bob-password-12' };
const OPERATOR = { username: 'ops-otto', password: 'operator-password-2' };

const loginAs = (user) => apiLogin(base, user);

const admin = await loginAs({ username: 'admin', password });
const existing = (await admin('GET', '/users')).map((u) => u.username);
if (!existing.includes(CUSTOMER.username)) {
  await admin('POST', '/users', { ...CUSTOMER, role: 'customer' });
}
if (!existing.includes(OPERATOR.username)) {
  await admin('POST', '/users', { ...OPERATOR, role: 'operator' });
}
// A domain with a config file that is not running: the first config's other than web-01, destroyed.
const configs = (await admin('GET', '/configs')).map((c) => c.name);
const off = configs.find((n) => n !== 'web-01');
if (!off) throw new Error('the simulated host has no config file besides web-01');
if ((await admin('GET', '/domains')).some((d) => d.name === off)) {
  await admin('POST', `/domains/${off}/destroy`, {});
}
await admin('PUT', `/users/${CUSTOMER.username}/grants`, {
  grants: [
    { domain: 'web-01', permissions: ['view', 'console', 'power'] },
    { domain: off, permissions: ['view', 'power'] },
    { domain: 'bob-archive', permissions: ['view'] },
    { domain: 'bob-staging', permissions: ['view', 'power'] },
  ],
});

await forEachScheme(
  { base, password, out, prefix: 'shut-off', defaultWaitMs: 500 },
  async ({ page, shot }) => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').fill(CUSTOMER.username);
    await page.getByLabel('Password').fill(CUSTOMER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${base}/domains`);
    await page.getByTestId(`shut-off-row-${off}`).waitFor();
    await page.getByTestId('start-bob-staging').click();
    await page.getByTestId('start-error-bob-staging').waitFor();
    await shot('customer-domains', 1200);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').fill(OPERATOR.username);
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${base}/domains`);
    await page.getByTestId(`shut-off-row-${off}`).waitFor();
    await shot('operator-domains', 1200);
  },
);
console.log(`shut off: ${off}`);
