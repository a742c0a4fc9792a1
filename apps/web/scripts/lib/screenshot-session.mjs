// Shared by the screenshot scripts: Playwright (playwright-core from the e2e package) driving the
// system Chromium; for each colour scheme, a 1280×900 context logged in as admin.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(
  fileURLToPath(new URL('../../../../e2e/package.json', import.meta.url)),
);
const { chromium } = require('@playwright/test');

/**
 * Runs `fn({ page, scheme, shot })` once in light and once in dark, each on a fresh logged-in page.
 * `shot(name, waitMs)` waits `waitMs` (default `defaultWaitMs`), then saves a full-page PNG as
 * `<out>/<prefix>-<name>-<scheme>.png`. Page errors and console errors are printed to stderr.
 */
export async function forEachScheme({ base, password, out, prefix, defaultWaitMs }, fn) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({
      colorScheme: scheme,
      viewport: { width: 1280, height: 900 },
      // A base over https uses the server's generated (self-signed) certificate.
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${scheme}] page error:`, e.message));
    page.on(
      'console',
      (m) => m.type() === 'error' && console.error(`[${scheme}] console:`, m.text()),
    );
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    const shot = async (name, waitMs = defaultWaitMs) => {
      await page.waitForTimeout(waitMs);
      await page.screenshot({ path: `${out}/${prefix}-${name}-${scheme}.png`, fullPage: true });
    };
    await fn({ page, scheme, shot });
    await context.close();
  }
  await browser.close();
}

/**
 * Logs in to `<base>/api/v1` as `username` with fetch and returns `call(method, path, body?)`,
 * which sends JSON with the session cookie and the `Origin` header, throws on a non-2xx answer
 * and resolves with the parsed JSON (undefined for 204). For setting up what a script shows.
 */
export async function apiLogin(base, { username, password }) {
  const api = `${base}/api/v1`;
  const res = await fetch(`${api}/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return async (method, path, body) => {
    const r = await fetch(`${api}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Origin: base, Cookie: cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? undefined : r.json();
  };
}
