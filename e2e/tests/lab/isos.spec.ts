/**
 * The ISO library on the real dom0 of the Xen lab: a generated ~20 MiB file uploaded through the
 * browser lands in /var/lib/xendeck/iso byte for byte (`sha256sum` in dom0 equals the page's and
 * ours), an upload with a wrong checksum leaves nothing in the directory (hidden files included,
 * `ls -A`), and Delete with the typed name removes the file from dom0.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { labExec } from '../../lib/lab.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });
// dom0 runs under QEMU TCG beside other guests: an upload of 20 MiB has been seen to crawl at
// 0.6 MB/s and a listing to take minutes while the lab was busy.
test.setTimeout(900_000);

const ISO_DIR = '/var/lib/xendeck/iso';
const GOOD = 'xb-lab-upload.iso';
const BAD = 'xb-lab-badsum.iso';
const MiB = 1024 * 1024;

let work: string;
let good: { path: string; sha256: string; bytes: number };
let bad: { path: string; sha256: string };

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'xendeck-lab-isos-'));
  const data = randomBytes(20 * MiB);
  good = {
    path: join(work, GOOD),
    sha256: createHash('sha256').update(data).digest('hex'),
    bytes: data.length,
  };
  writeFileSync(good.path, data);
  const badData = randomBytes(2 * MiB);
  bad = { path: join(work, BAD), sha256: createHash('sha256').update(badData).digest('hex') };
  writeFileSync(bad.path, badData);
  // Left over from an earlier run: remove ours only.
  await labExec(['rm', '-f', `${ISO_DIR}/${GOOD}`, `${ISO_DIR}/${BAD}`]);
});
test.afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await labExec(['rm', '-f', `${ISO_DIR}/${GOOD}`, `${ISO_DIR}/${BAD}`]);
});

/** `ls -A` of the ISO dir in dom0: every name, hidden ones included. */
async function dom0Names(): Promise<string[]> {
  const r = await labExec(['ls', '-A', '-1', ISO_DIR]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

async function openLibrary(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'ISO library' }).click();
  await expect(page.getByRole('heading', { name: 'ISO library' })).toBeVisible();
  // The list waits for the used-by index (libxl disk lists of every running domain: seconds on
  // the lab's emulated CPU, longer while another xl command holds libxl).
  await expect(page.getByTestId('isos-free')).toContainText(ISO_DIR, { timeout: 180_000 });
}

test('an upload through the browser lands in dom0 byte for byte', async ({ page }, testInfo) => {
  await login(page, testInfo);
  await openLibrary(page);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('iso-choose-files').click();
  await (await chooser).setFiles(good.path);
  const item = page.locator(`[data-testid="iso-upload-item"][data-name="${GOOD}"]`);
  await item.getByTestId('iso-upload-sha256').fill(good.sha256);
  await item.getByTestId('iso-upload-start').click();
  await expect(item.getByTestId('iso-upload-progress')).toBeVisible();
  await expect(item.getByTestId('iso-upload-done')).toBeVisible({ timeout: 600_000 });
  const row = page.getByTestId(`iso-row-${GOOD}`);
  await expect(row.getByTestId('iso-sha256')).toHaveAttribute('data-sha256', good.sha256, {
    timeout: 300_000,
  });
  await snap(page, testInfo, 'lab-isos-uploaded');

  const ls = await labExec(['ls', '-l', ISO_DIR]);
  expect(ls.code, ls.stderr).toBe(0);
  const line = ls.stdout.split('\n').find((l) => l.endsWith(` ${GOOD}`));
  expect(line, ls.stdout).toBeDefined();
  expect(line).toMatch(new RegExp(`^-rw-r--r-- .* ${good.bytes} `));
  const sum = await labExec(['sha256sum', `${ISO_DIR}/${GOOD}`]);
  expect(sum.code, sum.stderr).toBe(0);
  expect(sum.stdout.split(/\s+/)[0]).toBe(good.sha256);
  expect((await dom0Names()).filter((n) => n.startsWith('.'))).toEqual([]);
});

test('a wrong checksum leaves nothing in dom0, hidden files included', async ({
  page,
}, testInfo) => {
  const before = await dom0Names();
  await login(page, testInfo);
  await openLibrary(page);
  await page.getByTestId('iso-file-input').setInputFiles(bad.path);
  const item = page.locator(`[data-testid="iso-upload-item"][data-name="${BAD}"]`);
  await item.getByTestId('iso-upload-sha256').fill('0'.repeat(64));
  await item.getByTestId('iso-upload-start').click();
  const error = item.getByTestId('iso-upload-error');
  await expect(error).toContainText('CHECKSUM_MISMATCH', { timeout: 300_000 });
  await expect(error).toContainText(bad.sha256);
  await snap(page, testInfo, 'lab-isos-checksum-error');
  const after = await dom0Names();
  expect(after).toEqual(before);
  expect(after).not.toContain(BAD);
  expect(after.filter((n) => n.startsWith('.'))).toEqual([]);
});

test('Delete with the typed name removes the file from dom0', async ({ page }, testInfo) => {
  await login(page, testInfo);
  await openLibrary(page);
  const row = page.getByTestId(`iso-row-${GOOD}`);
  await row.getByTestId('iso-delete-button').click();
  const dialog = page.getByRole('dialog');
  const confirm = dialog.getByRole('button', { name: 'Delete' });
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('iso-delete-confirm-input').fill(GOOD);
  await confirm.click();
  await expect(row).toHaveCount(0, { timeout: 300_000 });
  expect(await dom0Names()).not.toContain(GOOD);
});
