// Screenshots of the Console tab against a running server (simulated backend: a synthetic VNC
// server per running HVM domain, a fake shell behind each text console), light and dark:
// the HVM domain's screen (noVNC), its Send keys menu, the Type text dialog and what it typed, 1:1 scaling, the
// status line while the guest reboots, the console opened in its own window, and a PV domain's text
// console after typing commands.
// Usage: node apps/web/scripts/console-screenshots.mjs <baseUrl> <password> <outDir> [hvm] [pv]
// Uses playwright-core from the e2e package and the system Chromium.
import { forEachScheme } from './lib/screenshot-session.mjs';

const [
  base = 'http://127.0.0.1:18190',
  password = 'admin-pass-123',
  out = '/tmp/shots',
  hvm = 'db-01',
  pv = 'web-01',
] = process.argv.slice(2);

await forEachScheme(
  { base, password, out, prefix: 'console', defaultWaitMs: 800 },
  async ({ page, scheme, shot }) => {
    await page.goto(`${base}/domains/${hvm}?view=console&console=vnc`);
    await page.getByTestId('vnc-screen').locator('canvas').waitFor();
    await page.getByTestId('console-status').filter({ hasText: 'Connected' }).waitFor();
    await shot('vnc', 1500);

    await page.getByRole('button', { name: 'Send keys' }).click();
    await shot('vnc-send-keys', 300);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Type text' }).click();
    await page.getByRole('textbox', { name: 'Text to type' }).fill('Hello, Xen! ~ 42');
    await shot('vnc-type-text', 300);
    // Typed into the guest: the synthetic VNC server draws the keys it receives.
    await page.getByRole('button', { name: 'Type', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await shot('vnc-typed', 1000);

    // 1:1 scaling, then a reboot from the toolbar: the viewer says so and reconnects by itself.
    await page.getByRole('button', { name: 'Scale' }).click();
    await shot('vnc-1to1', 500);
    await page.getByRole('button', { name: 'Scale' }).click();
    const domidBefore = await page.getByTestId('console-status').locator('..').textContent();
    await page.getByRole('button', { name: 'Reboot' }).click();
    // Power actions ask first.
    const confirm = page.getByRole('dialog');
    await confirm.waitFor();
    await shot('vnc-reboot-confirm', 300);
    await confirm.getByRole('button', { name: 'Reboot', exact: true }).click();
    // The reconnect can be quick (the new domid triggers it at once): the shot is best-effort.
    const rebooting = await page
      .getByTestId('console-status')
      .filter({ hasText: 'Reconnecting…' })
      .waitFor({ timeout: 5000 })
      .then(
        () => true,
        () => false,
      );
    if (rebooting) await shot('vnc-rebooting', 0);
    else console.error('[console] missed the Reconnecting… state (reconnected within a poll)');
    await page.waitForFunction(
      (before) => {
        const line = document.querySelector('[data-testid="console-status"]')?.parentElement;
        return line?.textContent?.includes('Connected') && line.textContent !== before;
      },
      domidBefore,
      { timeout: 60_000 },
    );

    // Open in new window: the bare /console/:name route, authorized by the same cookie.
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Open in new window' }).click(),
    ]);
    await popup.setViewportSize({ width: 1100, height: 820 });
    await popup.getByTestId('console-status').filter({ hasText: 'Connected' }).waitFor();
    await popup.waitForTimeout(1000);
    await popup.screenshot({ path: `${out}/console-window-${scheme}.png` });
    await popup.close();

    await page.goto(`${base}/domains/${pv}?view=console&console=pv`);
    const term = page.getByTestId('text-console');
    await term.locator('.xterm-rows').waitFor();
    await page.getByTestId('console-status').filter({ hasText: 'Connected' }).waitFor();
    await term.click();
    await page.keyboard.type('uname -a\n', { delay: 20 });
    await page.keyboard.type('help\n', { delay: 20 });
    await shot('text', 1200);
  },
);
