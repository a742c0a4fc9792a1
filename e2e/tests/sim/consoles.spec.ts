/**
 * Consoles on the simulated host (fast suite): the Console tab against the simulated host's
 * synthetic VNC server (a test pattern) and its fake shell, so console UI work needs no lab. What
 * real QEMU and xenconsoled do is the lab suite's job (tests/lab/consoles.spec.ts).
 */
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import {
  consoleHasLine,
  consoleSocketUrl,
  consoleStatusJson,
  cookieHeader,
  expectScreenPainted,
  openConsole,
  typeLine,
  upgradeRequest,
} from '../../lib/consoles.js';
import { login, snap } from '../../lib/ui.js';

/** Simulated domains (packages/hypervisor/src/simulated-host.ts): an HVM guest and a PVH one. */
const HVM = 'db-01';
const PVH = 'web-01';

async function secondViewer(
  browser: Browser,
  baseURL: string | undefined,
  testInfo: Parameters<typeof login>[1],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await login(page, testInfo);
  return { context, page };
}

test('the simulated HVM domain shows a painted screen, to two viewers', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  await login(page, testInfo);
  await openConsole(page, HVM, 'vnc');
  await expect(page.getByTestId('simulated-banner')).toContainText('Simulated host');
  const painted = await expectScreenPainted(page, { minColours: 4, timeoutMs: 15_000 });
  testInfo.annotations.push({
    type: 'screen',
    description: `${painted.width}x${painted.height}, ${painted.colours} colours sampled`,
  });
  await snap(page, testInfo, 'sim-vnc-screen');

  const second = await secondViewer(browser, baseURL, testInfo);
  try {
    await openConsole(second.page, HVM, 'vnc');
    await expectScreenPainted(second.page, { minColours: 4, timeoutMs: 15_000 });
    await expect(page.getByTestId('console-viewers')).toHaveText('2 viewers');
    await expect(second.page.getByTestId('console-viewers')).toHaveText('2 viewers');
    expect((await consoleStatusJson(page.request, HVM)).vnc.viewers).toBe(2);
  } finally {
    await second.context.close();
  }
  // The second viewer left: the first one's count follows.
  await expect(page.getByTestId('console-viewers')).toHaveText('1 viewer');
});

test('the simulated text console answers, to two viewers, and keeps its scrollback over a reload', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  await login(page, testInfo);
  await openConsole(page, PVH, 'pv');
  await typeLine(page, 'echo hi');
  await expect.poll(() => consoleHasLine(page, 'hi')).toBe(true);

  const second = await secondViewer(browser, baseURL, testInfo);
  try {
    await openConsole(second.page, PVH, 'pv');
    await expect.poll(() => consoleHasLine(second.page, 'hi')).toBe(true);
    await expect(page.getByTestId('console-viewers')).toHaveText('2 viewers');
    await expect(second.page.getByTestId('console-viewers')).toHaveText('2 viewers');
    await typeLine(second.page, 'echo from-the-second-viewer');
    for (const p of [page, second.page]) {
      await expect.poll(() => consoleHasLine(p, 'from-the-second-viewer')).toBe(true);
    }
  } finally {
    await second.context.close();
  }
  await snap(page, testInfo, 'sim-text-console');

  await page.reload();
  await expect(page.getByTestId('console-status')).toHaveText('Connected');
  await expect.poll(() => consoleHasLine(page, 'hi')).toBe(true);
  await expect.poll(() => consoleHasLine(page, 'from-the-second-viewer')).toBe(true);
});

test('console upgrades without a session or from another Origin are refused', async ({
  page,
  baseURL,
}, testInfo) => {
  await login(page, testInfo);
  const base = String(baseURL);
  const cookie = await cookieHeader(page.context(), base);
  for (const [name, kind] of [
    [HVM, 'vnc'],
    [PVH, 'pv'],
    [HVM, 'serial'],
  ] as const) {
    const url = consoleSocketUrl(base, name, kind);
    expect((await upgradeRequest(url, { Origin: base })).status, `${kind}: no session`).toBe(401);
    expect(
      (await upgradeRequest(url, { Origin: 'http://evil.example', Cookie: cookie })).status,
      `${kind}: another Origin`,
    ).toBe(403);
  }
  // The control: the same request with the session and the right Origin is upgraded.
  const accepted = await upgradeRequest(
    consoleSocketUrl(base, HVM, 'vnc'),
    { Origin: base, Cookie: cookie },
    5_000,
  );
  expect(accepted.status).toBe(101);
  expect(accepted.firstBytes?.toString('latin1') ?? '').toMatch(/^RFB 003\.008\n/);
});
