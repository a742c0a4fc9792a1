#!/usr/bin/env node
// Screenshots of the Tasks page: starts a domain as a task (POST /api/v1/domains/<name>/start?async=1)
// through the logged-in page, then captures the task list and the task's log, light and dark.
// Usage: node apps/web/scripts/tasks-screenshots.mjs <base-url> <admin-password> <out-dir> [domain]
// The domain must not be running (it is started, then left running).
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base, password, out, domain = 'xdtest-pv'] = process.argv.slice(2);
if (!base || !password || !out) {
  console.error('usage: tasks-screenshots.mjs <base-url> <admin-password> <out-dir> [domain]');
  process.exit(2);
}

let started = false;
await forEachScheme(
  { base, password, out, prefix: 'tasks', defaultWaitMs: 800 },
  async ({ page, shot }) => {
    if (!started) {
      started = true;
      const res = await page.request.post(`${base}/api/v1/domains/${domain}/start?async=1`, {
        headers: { 'Content-Type': 'application/json', Origin: base },
      });
      if (res.status() !== 202)
        throw new Error(`start ${domain}: ${res.status()} ${await res.text()}`);
    }
    await page.goto(`${base}/tasks`);
    await page.getByRole('table').waitFor();
    // The start takes a while on the lab: show it running, then finished.
    await shot('list');
    await page
      .getByRole('link', { name: /domain\.start|xdtest|start/i })
      .first()
      .click();
    await page
      .getByText(/succeeded|failed/)
      .first()
      .waitFor({ timeout: 120_000 });
    await shot('detail');
  },
);
