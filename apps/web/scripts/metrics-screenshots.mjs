// Screenshots of the metrics pages against a running server (simulated backend), light and dark:
// domains table (CPU % + sparklines), xl top, a domain's Metrics tab (10 min live and 1 h),
// its Overview (live numbers), the host overview charts.
// Usage: node apps/web/scripts/metrics-screenshots.mjs <baseUrl> <password> <outDir> [domain]
// Uses playwright-core from the e2e package and the system Chromium.
import { forEachScheme } from './lib/screenshot-session.mjs';

const [
  base = 'http://127.0.0.1:18182',
  password = 'admin-pass-123',
  out = '/tmp/shots',
  domain = 'web-01',
] = process.argv.slice(2);

await forEachScheme(
  { base, password, out, prefix: 'metrics', defaultWaitMs: 800 },
  async ({ page, shot }) => {
    // The metrics socket is app-wide: navigate inside the app so the buffer keeps filling.
    const nav = async (path) => {
      await page.evaluate((p) => {
        window.history.pushState({}, '', p);
        window.dispatchEvent(new PopStateEvent('popstate'));
      }, path);
    };

    await page.goto(`${base}/domains`);
    await page.getByTestId('domain-cpu-percent').first().waitFor();
    // Sparklines show 2 minutes: METRICS_SHOT_WAIT_MS=125000 fills them.
    await shot('domains', Number(process.env.METRICS_SHOT_WAIT_MS ?? 20_000));

    await nav('/top');
    await page.getByTestId('top-cpu-percent').first().waitFor();
    await shot('xl-top');

    await nav(`/domains/${domain}?view=metrics`);
    await page.getByTestId('chart-cpu').waitFor();
    await shot('domain-live', 1500);
    await page.getByRole('button', { name: '1 h' }).click();
    await shot('domain-1h', 1500);

    await nav(`/domains/${domain}`);
    await page.getByTestId('domain-live').waitFor();
    await shot('domain-overview');

    await nav('/');
    await page.getByTestId('chart-host-cpu').waitFor();
    await shot('host', 1500);
  },
);
