#!/usr/bin/env node
// Screenshots of save and restore, light and dark, against the simulated host: the Save… dialog
// of web-01 (checkpoint ticked, the xl save -c twin), the save task followed to the end on the
// Saved images page (one image waiting, one kept after a restore, the saved config opened) and
// the Restore confirmation with the xl restore twin.
// Usage: node apps/web/scripts/saved-screenshots.mjs <base-url> <admin-password> <out-dir>
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: saved-screenshots.mjs <base-url> <admin-password> <out-dir>');
  process.exit(2);
}

/** Waits for the newest task of `kind` on `target` to end (GET /api/v1/tasks). */
async function settle(page, kind, target) {
  for (let i = 0; i < 100; i++) {
    const tasks = await (await page.request.get(`${base}/api/v1/tasks`)).json();
    const t = tasks.find((x) => x.kind === kind && x.target === target);
    if (t && (t.state === 'succeeded' || t.state === 'failed')) return t;
    await page.waitForTimeout(100);
  }
  throw new Error(`${kind} ${target} did not end`);
}

let prepared = false;
await forEachScheme(
  { base, password, out, prefix: 'saved', defaultWaitMs: 400 },
  async ({ page, shot }) => {
    const headers = { 'Content-Type': 'application/json', Origin: base };
    if (!prepared) {
      prepared = true;
      // build-pv: saved, then restored (its image is kept as .build-pv.restored-<stamp>).
      await page.request.post(`${base}/api/v1/domains/build-pv/save`, { headers, data: {} });
      await settle(page, 'domain.save', 'domain:build-pv');
      await page.request.post(`${base}/api/v1/saved-images/build-pv/restore`, {
        headers,
        data: {},
      });
      await settle(page, 'domain.restore', 'domain:build-pv');
    }
    await page.goto(`${base}/domains/web-01`);
    await page.getByTestId('save-domain-button').click();
    await page.getByTestId('save-checkpoint').check();
    await shot('dialog');
    await page.getByTestId('save-submit').click();
    await page.locator('[data-testid="saved-image-task"][data-state="succeeded"]').waitFor();
    await page.getByTestId('saved-image-row-web-01').waitFor();
    await page.getByTestId('saved-image-row-web-01').getByText('config').click();
    await shot('list');
    // Restore is refused while web-01 runs (a checkpoint): show the dialog on a stopped copy.
    await page.request.post(`${base}/api/v1/domains/web-01/destroy`, { headers, data: {} });
    await page.reload();
    await page.getByTestId('saved-image-row-web-01').getByTestId('saved-image-restore').click();
    await shot('restore-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Restore', exact: true }).click();
    await page
      .locator('[data-testid="saved-image-task"][data-state="succeeded"]')
      .first()
      .waitFor();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="saved-image-task"][data-state="succeeded"]')
          .length === 2,
    );
    await shot('restored');
    // Leave the host as it was for the next scheme: delete web-01's kept image.
    const list = await (await page.request.get(`${base}/api/v1/saved-images`)).json();
    for (const img of list.images.filter((i) => i.domainName === 'web-01')) {
      await page.request.delete(
        `${base}/api/v1/saved-images/${encodeURIComponent(img.name)}?confirm=${encodeURIComponent(img.name)}`,
        { headers, data: {} },
      );
    }
  },
);
