#!/usr/bin/env node
// Screenshots of the ISO library page, light and dark: the list (one ISO inserted in a running
// domain so "used by" shows), an upload in flight (Chromium's network emulation slows the upload
// so the progress bar, speed and time left are visible), the checksum refusal, and the typed
// delete confirmation. Against the simulated host (or any Xendeck with db-01 as an HVM guest).
// Usage: node apps/web/scripts/isos-screenshots.mjs <base-url> <admin-password> <out-dir>
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: isos-screenshots.mjs <base-url> <admin-password> <out-dir>');
  process.exit(2);
}

const MiB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'xendeck-iso-shots-'));
const big = join(work, 'ubuntu-24.04.1-live-server-amd64.iso');
writeFileSync(big, randomBytes(64 * MiB));
const small = join(work, 'alpine-virt-3.20.3-x86_64.iso');
writeFileSync(small, randomBytes(2 * MiB));

let prepared = false;
try {
  await forEachScheme(
    { base, password, out, prefix: 'isos', defaultWaitMs: 400 },
    async ({ page, shot }) => {
      if (!prepared) {
        prepared = true;
        const put = await page.request.put(
          `${base}/api/v1/isos/debian-12.8.0-amd64-netinst.iso?replace=1`,
          {
            headers: { 'Content-Type': 'application/octet-stream', Origin: base },
            data: randomBytes(6 * MiB),
          },
        );
        if (put.status() !== 201) throw new Error(`upload: ${put.status()} ${await put.text()}`);
        const ins = await page.request.post(`${base}/api/v1/domains/db-01/cdrom/hdc/insert`, {
          headers: { 'Content-Type': 'application/json', Origin: base },
          data: { iso: 'xendeck-demo-installer.iso' },
        });
        if (ins.status() !== 200) console.error(`cd-insert: ${ins.status()} ${await ins.text()}`);
      }
      await page.goto(`${base}/isos`);
      await page.getByTestId('iso-row-debian-12.8.0-amd64-netinst.iso').waitFor();
      await shot('list');

      // An upload in flight, slowed to ~3 MB/s.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 3 * 1024 * 1024,
      });
      await page.getByTestId('iso-file-input').setInputFiles(big);
      await page.getByTestId('iso-upload-start').click();
      await page.waitForFunction(
        () =>
          Number(
            document
              .querySelector('[data-testid="iso-upload-progress"]')
              ?.getAttribute('aria-valuenow') ?? 0,
          ) >= 35,
        undefined,
        { timeout: 60_000 },
      );
      await shot('uploading', 0);
      await page.getByTestId('iso-upload-cancel').click();
      await page.getByTestId('iso-upload-cancelled').waitFor();
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await page.getByTestId('iso-upload-dismiss').click();

      // A wrong checksum: the server refuses the upload and keeps nothing.
      await page.getByTestId('iso-file-input').setInputFiles(small);
      await page.getByTestId('iso-upload-sha256').fill('0'.repeat(64));
      await page.getByTestId('iso-upload-start').click();
      await page.getByTestId('iso-upload-error').waitFor();
      await shot('checksum-error');
      await page.getByTestId('iso-upload-dismiss').click();

      // The typed delete confirmation.
      await page
        .getByTestId('iso-row-debian-12.8.0-amd64-netinst.iso')
        .getByTestId('iso-delete-button')
        .click();
      await page.getByTestId('iso-delete-confirm-input').fill('debian-12.8.0');
      await shot('delete');
      await page.keyboard.press('Escape');
    },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
