#!/usr/bin/env node
// Screenshots of users, roles and accounts, light and dark, against the simulated host: /users
// (an operator, two customers, one with TOTP), the grants editor of a customer, the New user
// dialog with a generated password, /account (a new API token shown once, TOTP enrolment with
// its QR code), the login page's TOTP step, and what a customer sees: their domains, one domain's
// page (Overview, Metrics and Console, power buttons from their grant), "not available" on
// /storage; and an operator's overview (no dom0 settings, no Users, Storage or Config files).
// Usage: node apps/web/scripts/users-screenshots.mjs <base-url> <admin-password> <out-dir>
// (over the default self-signed HTTPS, run it with NODE_TLS_REJECT_UNAUTHORIZED=0 for its own
// API calls; the browser ignores the certificate).
import { createHmac } from 'node:crypto';
import { apiLogin, forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: users-screenshots.mjs <base-url> <admin-password> <out-dir>');
  process.exit(2);
}

const CUSTOMER = { username: 'alice', password: 'alice-password-1' };
const TOTP_USER = { username: 'carol', password: 'carol-password-1' };

/** RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, for enrolling the TOTP user. */
function totpCode(secretBase32, atMs = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/=+$/, '')) {
    bits += alphabet.indexOf(ch.toUpperCase()).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A fetch session (cookie kept) as `username`. */
const loginAs = (user) => apiLogin(base, user);

// The users, once: the state is the server's.
const admin = await loginAs({ username: 'admin', password });
const existing = (await admin('GET', '/users')).map((u) => u.username);
const ensure = async (username, pw, role) => {
  if (!existing.includes(username)) await admin('POST', '/users', { username, password: pw, role });
};
await ensure('ops-anna', 'operator-password-1', 'operator');
await ensure(CUSTOMER.username, CUSTOMER.password, 'customer');
await ensure(TOTP_USER.username, TOTP_USER.password, 'customer');
await admin('PUT', `/users/${CUSTOMER.username}/grants`, {
  grants: [
    { domain: 'web-01', permissions: ['view', 'console', 'power', 'metrics'] },
    { domain: 'build-pv', permissions: ['view', 'console'] },
  ],
});
await admin('PUT', `/users/${TOTP_USER.username}/grants`, {
  grants: [{ domain: 'web-01', permissions: ['view'] }],
});
if (!(await admin('GET', '/users')).find((u) => u.username === TOTP_USER.username).totpEnabled) {
  const carol = await loginAs(TOTP_USER);
  const { secret } = await carol('POST', '/session/totp');
  await carol('PUT', '/session/totp', { code: totpCode(secret) });
}

await forEachScheme(
  { base, password, out, prefix: 'users', defaultWaitMs: 400 },
  async ({ page, scheme, shot }) => {
    await page.goto(`${base}/users`);
    await page.getByTestId('user-row-carol').waitFor();
    await shot('list');

    await page.getByTestId('grants-button-alice').click();
    await page.getByTestId('grants-row-web-01').waitFor();
    await shot('grants');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await page.getByTestId('new-user-button').click();
    await page.getByRole('dialog').getByLabel('Username').fill('dave');
    await page.getByRole('dialog').getByRole('button', { name: 'Generate' }).click();
    await shot('new-user');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await page.goto(`${base}/account`);
    await page.getByLabel('Name').fill('monitoring');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByTestId('new-token').waitFor();
    await page.getByRole('button', { name: 'Set up two-factor login' }).click();
    await page.getByTestId('totp-qr').waitFor();
    await shot('account');
    // Leave no token behind for the next scheme.
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const rows = page.locator('[data-testid^="token-row-"]');
    while ((await rows.count()) > 0) {
      const n = await rows.count();
      await rows.first().getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await page.waitForFunction(
        (before) => document.querySelectorAll('[data-testid^="token-row-"]').length < before,
        n,
      );
    }

    // The login page: the first-run note (generated password, certificate fingerprint), then
    // the TOTP step.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').waitFor();
    await shot('login', 600);
    await page.getByLabel('Username').fill(TOTP_USER.username);
    await page.getByLabel('Password').fill(TOTP_USER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('Authentication code').waitFor();
    await shot('login-totp');
    if (scheme === 'light') {
      // Once only: wrong codes count as failed logins, and the login throttle would end the run.
      await page.getByLabel('Authentication code').fill('000000');
      await page.getByRole('button', { name: 'Verify code' }).click();
      await page.getByRole('alert').waitFor();
      await shot('login-totp-wrong');
    }

    // A customer: their domains, one domain's page, a page that is not theirs.
    await page.getByRole('button', { name: 'Use another account' }).click();
    await page.getByLabel('Username').fill(CUSTOMER.username);
    await page.getByLabel('Password').fill(CUSTOMER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${base}/domains`);
    await page.getByTestId('domain-row-web-01').waitFor();
    await shot('customer-domains', 1200);
    await page.goto(`${base}/domains/web-01`);
    await page.getByRole('button', { name: 'Shutdown' }).waitFor();
    await shot('customer-domain', 1200);
    await page.goto(`${base}/storage`);
    await page.getByTestId('not-available').waitFor();
    await shot('customer-storage');

    // An operator: the overview without the dom0 memory and autostart settings, no Users,
    // Storage or Config files in the menu.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').fill('ops-anna');
    await page.getByLabel('Password').fill('operator-password-1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await shot('operator-overview', 1500);
  },
);
