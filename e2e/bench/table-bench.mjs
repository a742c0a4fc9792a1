#!/usr/bin/env node
/**
 * The browser with 500 domains (issue 12 §3): time to first render and main-thread time per
 * second of live updates of the domains table (`/domains`) and `xl top` (`/top`), each beside
 * its baseline measured in the same run. Prints figures and a verdict; asserts nothing.
 *
 * Setup: Xendeck's built server (`apps/server/dist/main.js`, serving `apps/web/dist`) on the
 * simulated host with XENDECK_SIM_SYNTHETIC_DOMAINS=500 (plus the host's own few: ~504 domains),
 * plain HTTP on loopback, a temp state dir; Debian's chromium through Playwright, 1280×900,
 * logged in as admin once. Each variant is a fresh page load (same browser context, warm cache:
 * one unmeasured load first).
 *
 * Variants, per page (debug switches read from the page URL, see the web's
 * `components/virtual-table.tsx` and `features/metrics/api/metrics-stream.ts`):
 *   - `now`:        virtualized rows, subscription by view (compact frames, only the fields shown);
 *   - `all rows`:   `?rows=all`: every row mounted (overscan = row count), subscription by view;
 *   - `before`:     `?rows=all&metrics=full`: every row mounted and the old full-snapshot
 *                   subscription (`{type:'subscribe',domains:'*'}`: every field of every domain as
 *                   JSON each second) — what the page did before issue 12.
 *
 * Figures:
 *   - first render: from navigation start (the page's `performance.timeOrigin`) to the first
 *     animation frame after the first table row entered the DOM (a MutationObserver installed
 *     before the page's scripts, `requestAnimationFrame` for the paint that follows), ms. The
 *     domains table's rows come from `GET /domains`; xl top's from the stream's first sample or
 *     keyframe, so its figure includes the wait for it (the server sends the latest tick on
 *     subscribe);
 *   - main thread: Chrome's `Performance.getMetrics` (CDP) `TaskDuration` — the time the renderer's
 *     main thread spent running tasks (script, style, layout, paint, GC) — as a delta over the
 *     measurement window, divided by its length: ms per second; `ScriptDuration` likewise (script
 *     only), and layout + style recalculation (`LayoutDuration` + `RecalcStyleDuration`);
 *   - received: websocket payload bytes received by the page in the window, KiB/s.
 * The window starts 3 s after the first row (the stream's first keyframe and the first history
 * fetches are done) and lasts XENDECK_BENCH_TABLE_SECONDS (default 12).
 *
 * Target (issue 12): < 50 ms of main-thread time per second of updates with 500 domains.
 * Usage: `pnpm --filter @xendeck/e2e bench:table` (after `pnpm build`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PORT = Number(process.env.XENDECK_BENCH_TABLE_PORT ?? 18097);
const BASE = `http://127.0.0.1:${PORT}`;
const DOMAINS = 500;
const WINDOW_S = Number(process.env.XENDECK_BENCH_TABLE_SECONDS ?? 12);
const SETTLE_MS = 3000;
const TARGET_MS_PER_S = 50;
const PASSWORD = 'table-bench-admin-pw';

const PAGES = [
  { page: 'domains table', path: '/domains', row: '[data-testid^="domain-row-"]' },
  { page: 'xl top', path: '/top', row: '[data-testid^="top-row-"]' },
];
const VARIANTS = [
  { variant: 'now', query: '' },
  { variant: 'all rows', query: '?rows=all' },
  { variant: 'before', query: '?rows=all&metrics=full' },
];

/** Starts the simulated server; resolves when it answers. */
async function startServer(stateDir) {
  const child = spawn(process.execPath, [join(repo, 'apps/server/dist/main.js')], {
    env: {
      ...process.env,
      XENDECK_BACKEND: 'simulated',
      XENDECK_STATE_DIR: stateDir,
      XENDECK_ADMIN_PASSWORD: PASSWORD,
      XENDECK_PORT: String(PORT),
      XENDECK_HOST: '127.0.0.1',
      XENDECK_HTTP: '1',
      XENDECK_SIM_SYNTHETIC_DOMAINS: String(DOMAINS),
      XENDECK_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the simulated server did not answer within 30 s');
}

/** Before any page script: note when the first table row enters the DOM, then the next frame. */
function firstRowProbe(selector) {
  const w = /** @type {any} */ (window);
  w.__firstRowMs = null;
  const seen = () => {
    if (w.__firstRowSeen || !document.querySelector(selector)) return;
    w.__firstRowSeen = true;
    requestAnimationFrame(() => {
      w.__firstRowMs = performance.now();
    });
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

const metric = (m, name) => m.metrics.find((x) => x.name === name)?.value ?? 0;

async function measure(context, { path, row }, query) {
  const page = await context.newPage();
  await page.addInitScript(firstRowProbe, row);
  let wsBytes = 0;
  let counting = false;
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/metrics')) return;
    ws.on('framereceived', (f) => {
      if (counting)
        wsBytes += typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length;
    });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(`${BASE}${path}${query}`);
  await page.waitForFunction(() => window.__firstRowMs !== null, null, { timeout: 60_000 });
  const firstRowMs = await page.evaluate(() => window.__firstRowMs);
  const mounted = await page.locator(row).count();
  await page.waitForTimeout(SETTLE_MS);
  const before = await cdp.send('Performance.getMetrics');
  counting = true;
  const t0 = Date.now();
  await page.waitForTimeout(WINDOW_S * 1000);
  const after = await cdp.send('Performance.getMetrics');
  counting = false;
  const seconds = (Date.now() - t0) / 1000;
  const perS = (name) => ((metric(after, name) - metric(before, name)) * 1000) / seconds;
  await page.close();
  return {
    firstRowMs,
    mounted,
    taskMsPerS: perS('TaskDuration'),
    scriptMsPerS: perS('ScriptDuration'),
    layoutMsPerS: perS('LayoutDuration') + perS('RecalcStyleDuration'),
    kibPerS: wsBytes / 1024 / seconds,
  };
}

const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-table-bench-'));
const server = await startServer(stateDir);
const browser = await chromium.launch({
  executablePath: process.env.XENDECK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
let failedToRun = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  // Warm-up (not measured): the bundles into the cache, the server's lists warm.
  await page.goto(`${BASE}/domains`);
  await page.locator(PAGES[0].row).first().waitFor();
  await page.close();

  console.log(
    `table benchmark: ${DOMAINS} simulated domains (+ the host's own), 1280×900 chromium, window ${WINDOW_S} s after ${SETTLE_MS / 1000} s settle`,
  );
  console.log(
    'main thread = CDP Performance.getMetrics TaskDuration delta / window (script, style, layout, paint, GC)',
  );
  const header = `${'page'.padEnd(14)} ${'variant'.padEnd(9)} ${'rows in DOM'.padStart(11)} ${'first render ms'.padStart(15)} ${'main ms/s'.padStart(9)} ${'script ms/s'.padStart(11)} ${'layout+style ms/s'.padStart(17)} ${'ws KiB/s'.padStart(8)}`;
  console.log(header);
  const results = [];
  for (const p of PAGES) {
    for (const v of VARIANTS) {
      const r = await measure(context, p, v.query);
      results.push({ ...p, ...v, ...r });
      console.log(
        `${p.page.padEnd(14)} ${v.variant.padEnd(9)} ${String(r.mounted).padStart(11)} ${r.firstRowMs.toFixed(0).padStart(15)} ${r.taskMsPerS.toFixed(1).padStart(9)} ${r.scriptMsPerS.toFixed(1).padStart(11)} ${r.layoutMsPerS.toFixed(1).padStart(17)} ${r.kibPerS.toFixed(1).padStart(8)}`,
      );
    }
  }
  for (const p of PAGES) {
    const now = results.find((r) => r.page === p.page && r.variant === 'now');
    const before = results.find((r) => r.page === p.page && r.variant === 'before');
    if (!now || !before) continue;
    const ok = now.taskMsPerS < TARGET_MS_PER_S;
    console.log(
      `verdict ${p.page}: ${now.taskMsPerS.toFixed(1)} ms/s main thread (before: ${before.taskMsPerS.toFixed(1)}, ${(before.taskMsPerS / Math.max(now.taskMsPerS, 0.1)).toFixed(1)}× less); first render ${now.firstRowMs.toFixed(0)} ms (before: ${before.firstRowMs.toFixed(0)}); target < ${TARGET_MS_PER_S} ms/s: ${ok ? 'MET' : 'NOT MET'}`,
    );
  }
} catch (error) {
  failedToRun = true;
  console.error('table benchmark failed to run:', error);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(failedToRun ? 1 : 0);
