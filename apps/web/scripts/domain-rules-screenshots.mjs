// Screenshots of what the domain rules (`@xendeck/api` domain-rules.ts) decide in the web, against
// a running server on the simulated backend, light and dark: a paused domain's page (only Resume,
// Destroy and Save enabled), the overview's dom0 balloon control with a target above its maximum,
// and a domU's Resources memory control with a target below 32 MiB (both the shared control,
// refused with the rule's range message).
// Usage: node apps/web/scripts/domain-rules-screenshots.mjs <baseUrl> <password> <outDir>
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base = 'http://127.0.0.1:18342', password = 'admin-pass-123', out = '/tmp/shots'] =
  process.argv.slice(2);

await forEachScheme(
  { base, password, out, prefix: 'domain-rules', defaultWaitMs: 800 },
  async ({ page, shot }) => {
    await page.goto(`${base}/domains/build-pv`);
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await shot('paused-domain');
    await page.goto(`${base}/`);
    const dom0 = page.getByTestId('dom0-target-input');
    await dom0.fill('999999');
    await shot('dom0-out-of-range');
    await page.goto(`${base}/domains/db-01?view=resources`);
    const mem = page.getByTestId('resources-memory-input');
    await mem.fill('8');
    await shot('domu-out-of-range');
  },
);
