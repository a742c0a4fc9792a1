import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { labAdminPassword, labUrl } from './lib/lab.js';

/**
 * Two projects:
 * - `simulated`: starts Xendeck's built server on the simulated host (a temp state dir, port 18090)
 *   and runs tests/sim/*.spec.ts. Fast; runs everywhere.
 * - `lab`: runs tests/lab/*.spec.ts against the Xen lab's Xendeck (`pnpm lab start` first), which
 *   drives real libxl in dom0; tests check what the UI shows against `xl` run in dom0.
 * Browser: Debian's /usr/bin/chromium (Playwright's own browsers are never downloaded).
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const simPort = Number(process.env.XENDECK_E2E_SIM_PORT ?? 18090);
export const SIM_ADMIN_PASSWORD = 'e2e-admin-password-sim';
const isLab = process.argv.some((a) => a === '--project=lab' || a === '--project=lab-reboot');
// Created once in the runner process; workers inherit the variable, so they see the same dir.
process.env.XENDECK_E2E_SIM_STATE_DIR ??= mkdtempSync(join(tmpdir(), 'xendeck-e2e-'));
/** The simulated host's state dir; its config files are in `sim-etc-xen/` below it. */
export const SIM_STATE_DIR = process.env.XENDECK_E2E_SIM_STATE_DIR;

const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.XENDECK_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
  screenshot: 'only-on-failure' as const,
  trace: 'retain-on-failure' as const,
};

/** What both lab projects share. */
const labSettings = {
  // Real Xen under QEMU TCG: creating a PV guest takes ~11 s, ballooning several seconds.
  timeout: 240_000,
  expect: { timeout: 60_000 },
  use: { ...chromium, baseURL: labUrl(), actionTimeout: 60_000, navigationTimeout: 90_000 },
  metadata: { adminPassword: labAdminPassword() },
};

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/results',
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  workers: 1,
  fullyParallel: false,
  retries: 0,
  projects: [
    {
      name: 'simulated',
      testMatch: /sim\/.*\.spec\.ts/,
      timeout: 30_000,
      use: { ...chromium, baseURL: `http://127.0.0.1:${simPort}` },
      metadata: { adminPassword: SIM_ADMIN_PASSWORD },
    },
    {
      name: 'lab',
      testMatch: /lab\/.*\.spec\.ts/,
      testIgnore: /lab\/autostart\.spec\.ts/,
      // autostart.spec.ts reboots dom0, so it runs LAST: as this project's teardown, which
      // Playwright runs after every lab spec, whether they passed or not, and includes in
      // `--project=lab`. Alone: `--project=lab-reboot`.
      teardown: 'lab-reboot',
      ...labSettings,
    },
    { name: 'lab-reboot', testMatch: /lab\/autostart\.spec\.ts/, ...labSettings },
  ],
  webServer: isLab
    ? undefined
    : {
        command: `node ${join(repo, 'apps/server/dist/main.js')}`,
        url: `http://127.0.0.1:${simPort}/`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'ignore',
        env: {
          XENDECK_BACKEND: 'simulated',
          XENDECK_STATE_DIR: SIM_STATE_DIR,
          XENDECK_ADMIN_PASSWORD: SIM_ADMIN_PASSWORD,
          XENDECK_PORT: String(simPort),
          XENDECK_HOST: '127.0.0.1',
          // Plain HTTP on purpose: loopback only, and the specs' raw websocket/upgrade helpers
          // and extra browser contexts speak http. HTTPS is proven by apps/server/test/main.test.ts.
          XENDECK_HTTP: '1',
          XENDECK_RECONCILE_MS: '1000',
        },
      },
});
