/**
 * The ISO library on the simulated host: a generated file uploaded through the file chooser
 * (Chromium's network emulation slows the upload so the progress bar is seen mid-way), listed
 * with the SHA-256 of its bytes and written byte for byte into the library's directory; a
 * cancelled upload and a wrong checksum leave nothing there, hidden temp files included.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CDPSession, expect, type Page, test } from '@playwright/test';
import { login, snap } from '../../lib/ui.js';

/** The simulated backend's default ISO dir (config.ts: `<stateDir>/sim-iso`). */
const ISO_DIR = join(process.env.XENDECK_E2E_SIM_STATE_DIR ?? '', 'sim-iso');
const MiB = 1024 * 1024;

let work: string;
test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'xendeck-e2e-isos-'));
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A file of `bytes` random bytes named `name` in the temp dir; its path and SHA-256. */
function generated(name: string, bytes: number): { path: string; sha256: string; data: Buffer } {
  const data = randomBytes(bytes);
  const path = join(work, name);
  writeFileSync(path, data);
  return { path, data, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Limits the page's upload throughput (bytes/s; -1 = no limit). */
async function throttleUpload(page: Page, bytesPerSecond: number): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

async function progressOf(page: Page, name: string): Promise<number> {
  const item = page.locator(`[data-testid="iso-upload-item"][data-name="${name}"]`);
  return Number(await item.getByTestId('iso-upload-progress').getAttribute('aria-valuenow'));
}

/** Names in the ISO dir that are not ISOs a test expects: hidden temp files or `name`. */
function leftovers(name: string): string[] {
  return readdirSync(ISO_DIR).filter((n) => n.startsWith('.') || n === name);
}

test('uploads a file through the file chooser: progress seen, listed with its SHA-256', async ({
  page,
}, testInfo) => {
  const file = generated('e2e-upload.iso', 24 * MiB);
  await login(page, testInfo);
  await page.getByRole('link', { name: 'ISO library' }).click();
  await expect(page.getByRole('heading', { name: 'ISO library' })).toBeVisible();
  await throttleUpload(page, 8 * MiB);

  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('iso-choose-files').click();
  await (await chooser).setFiles(file.path);
  const item = page.locator('[data-testid="iso-upload-item"][data-name="e2e-upload.iso"]');
  await item.getByTestId('iso-upload-start').click();

  // Mid-way: a progress bar between the ends, with a speed and a time left.
  await expect
    .poll(() => progressOf(page, 'e2e-upload.iso'), { timeout: 20_000 })
    .toBeGreaterThan(10);
  const mid = await progressOf(page, 'e2e-upload.iso');
  expect(mid).toBeLessThan(100);
  await expect(item.getByTestId('iso-upload-speed')).toHaveText(/\d+\.\d MB\/s/);
  await snap(page, testInfo, 'isos-mid-upload');

  await expect(item.getByTestId('iso-upload-done')).toBeVisible({ timeout: 30_000 });
  const row = page.getByTestId('iso-row-e2e-upload.iso');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('iso-sha256')).toHaveAttribute('data-sha256', file.sha256);
  expect(readFileSync(join(ISO_DIR, 'e2e-upload.iso')).equals(file.data)).toBe(true);
  expect(readdirSync(ISO_DIR).filter((n) => n.startsWith('.'))).toEqual([]);
});

test('a cancelled upload leaves nothing in the directory', async ({ page }, testInfo) => {
  const file = generated('e2e-cancel.iso', 32 * MiB);
  await login(page, testInfo);
  await page.goto('/isos');
  await throttleUpload(page, 2 * MiB);
  await page.getByTestId('iso-file-input').setInputFiles(file.path);
  const item = page.locator('[data-testid="iso-upload-item"][data-name="e2e-cancel.iso"]');
  await item.getByTestId('iso-upload-start').click();
  await expect.poll(() => progressOf(page, 'e2e-cancel.iso')).toBeGreaterThan(5);
  // The server has the temp file open by now.
  await expect.poll(() => readdirSync(ISO_DIR).some((n) => n.endsWith('.part'))).toBe(true);
  await item.getByTestId('iso-upload-cancel').click();
  await expect(item.getByTestId('iso-upload-cancelled')).toBeVisible();
  await expect.poll(() => leftovers('e2e-cancel.iso'), { timeout: 10_000 }).toEqual([]);
  await expect(page.getByTestId('iso-row-e2e-cancel.iso')).toHaveCount(0);
});

test('a wrong checksum is refused, shown, and leaves nothing', async ({ page }, testInfo) => {
  const file = generated('e2e-badsum.iso', 3 * MiB);
  await login(page, testInfo);
  await page.goto('/isos');
  await page.getByTestId('iso-file-input').setInputFiles(file.path);
  const item = page.locator('[data-testid="iso-upload-item"][data-name="e2e-badsum.iso"]');
  await item.getByTestId('iso-upload-sha256').fill('f'.repeat(64));
  await item.getByTestId('iso-upload-start').click();
  const error = item.getByTestId('iso-upload-error');
  await expect(error).toContainText('CHECKSUM_MISMATCH');
  await expect(error).toContainText(file.sha256);
  expect(leftovers('e2e-badsum.iso')).toEqual([]);
  await expect(page.getByTestId('iso-row-e2e-badsum.iso')).toHaveCount(0);
});
