#!/usr/bin/env node
// Screenshots of guest snapshots and clones, light and dark, against the simulated host: the
// Snapshots tab of demo-pv (two sets, a label typed with the previewed lvcreate line), the Revert
// confirmation behind the typed label with its lvconvert/lvcreate lines, the Clone… dialog (mode
// snapshot, the trade-off, the commands and the new config) and the clone task followed to the end.
// Usage: node apps/web/scripts/snapshots-screenshots.mjs <base-url> <admin-password> <out-dir>
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: snapshots-screenshots.mjs <base-url> <admin-password> <out-dir>');
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
  { base, password, out, prefix: 'snapshots', defaultWaitMs: 400 },
  async ({ page, scheme, shot }) => {
    const headers = { 'Content-Type': 'application/json', Origin: base };
    if (!prepared) {
      prepared = true;
      for (const label of ['installed', 'before-upgrade']) {
        const r = await page.request.post(`${base}/api/v1/domains/demo-pv/snapshots`, {
          headers,
          data: { label, sizePercent: label === 'installed' ? 10 : 20 },
        });
        if (r.status() !== 202)
          throw new Error(`snapshot ${label}: ${r.status()} ${await r.text()}`);
        await settle(page, 'domain.snapshot', 'domain:demo-pv');
        await page.waitForTimeout(1100);
      }
    }
    await page.goto(`${base}/domains/demo-pv?view=snapshots`);
    await page.getByTestId('snapshot-label').fill('v2-rollout');
    await page.getByTestId('snapshot-take-commands').waitFor();
    await shot('tab');

    await page.getByTestId('snapshot-revert-before-upgrade-button').click();
    await page.getByTestId('snapshot-revert-before-upgrade-confirm-input').fill('before-upgrade');
    await shot('revert-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    const clone = scheme === 'light' ? 'demo-pv2' : 'demo-pv3';
    await page.getByTestId('clone-open').click();
    await page.getByTestId('clone-name').fill(clone);
    await page.getByTestId('clone-mode-snapshot').check();
    await page.getByTestId('clone-commands').waitFor();
    await shot('clone-dialog');
    await page.getByTestId('clone-mode-copy').check();
    await page.getByTestId('clone-commands').getByText('dd if=').waitFor();
    await page.getByTestId('clone-submit').click();
    await page.locator('[data-testid="snapshot-task"][data-state="succeeded"]').waitFor();
    await shot('cloned');
  },
);
