/**
 * Consoles on real Xen (issue 8, section 6), through the browser against Xendeck in the lab's
 * dom0: the HVM test guest's screen (QEMU's VNC server behind Xendeck's proxy, noVNC in the page),
 * the PV test guest's text console (xenconsoled's pty behind Xendeck's console hub, xterm.js),
 * and refused websocket upgrades that must reach neither QEMU nor the console. dom0 facts are
 * checked with `xl`, `nft` and the console status API; the lab's README lists what they rest on.
 *
 * Budget: about 4–5 minutes under TCG (HVM boot ~20 s, PV reboot ~50 s, QEMU paints slowly).
 */
import { randomBytes } from 'node:crypto';
import {
  type Browser,
  type BrowserContext,
  expect,
  type Page,
  type TestInfo,
  test,
} from '@playwright/test';
import {
  consoleHasLine,
  consoleSocketUrl,
  consoleStatusJson,
  consoleText,
  cookieHeader,
  expectScreenPainted,
  openConsole,
  typeLine,
  upgradeRequest,
} from '../../lib/consoles.js';
import { labExec, labUrl, vncSynCounter, xlDomid } from '../../lib/lab.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const HVM = 'xdtest-hvm';
const PV = 'xdtest-pv';

/** Starts `name` from /etc/xen/<name>.cfg in dom0 unless it runs. */
async function ensureRunning(name: string): Promise<void> {
  if ((await xlDomid(name)) !== null) return;
  const created = await labExec(['xl', 'create', `/etc/xen/${name}.cfg`]);
  expect(created.code, `xl create ${name}: ${created.stderr}`).toBe(0);
}

/** A second browser (its own context, so its own session), logged in. */
async function secondViewer(
  browser: Browser,
  testInfo: TestInfo,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: labUrl() });
  const page = await context.newPage();
  await login(page, testInfo);
  return { context, page };
}

/** Polls `xl domid name` until it is a domid other than `old` (the domain was re-created). */
async function newDomid(name: string, old: number | null, timeoutMs: number): Promise<number> {
  let domid: number | null = null;
  await expect
    .poll(
      async () => {
        domid = await xlDomid(name);
        return domid !== null && domid !== old;
      },
      { timeout: timeoutMs, intervals: [1_000], message: `${name} re-created (was domid ${old})` },
    )
    .toBe(true);
  return domid as unknown as number;
}

/** Records how long each phase took, as annotations on the test (the lab's time budget is tight). */
function phases(testInfo: TestInfo): (label: string) => void {
  let last = Date.now();
  return (label) => {
    const now = Date.now();
    testInfo.annotations.push({ type: 'phase', description: `${label}: ${now - last} ms` });
    last = now;
  };
}

test.beforeAll(async () => {
  await ensureRunning(HVM);
  await ensureRunning(PV);
});

test.afterAll(async () => {
  await vncSynCounter.remove();
  await labExec(['xl', 'destroy', HVM]);
  await labExec(['xl', 'destroy', PV]);
});

test('unauthenticated and wrong-Origin console upgrades are refused and reach neither QEMU nor the console', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  const base = labUrl();
  const cookie = await cookieHeader(page.context(), base);
  const [session] = await page.context().cookies(base);
  expect(session, 'the login set a session cookie').toBeDefined();
  const forged = `${session?.name}=${randomBytes(24).toString('base64url')}`;
  // QEMU's VNC server must be up, or a refusal that never reached it would prove nothing.
  await expect
    .poll(async () => (await consoleStatusJson(page.request, HVM)).vnc.available, {
      timeout: 60_000,
    })
    .toBe(true);
  expect((await consoleStatusJson(page.request, PV)).pv).toMatchObject({ attached: false });

  await vncSynCounter.install();
  const targets = [
    [HVM, 'vnc'],
    [PV, 'pv'],
    [HVM, 'serial'],
  ] as const;
  for (const [name, kind] of targets) {
    const url = consoleSocketUrl(base, name, kind);
    const noSession = await upgradeRequest(url, { Origin: base });
    expect(noSession.status, `${name} ${kind}: no session`).toBe(401);
    const forgedSession = await upgradeRequest(url, { Origin: base, Cookie: forged });
    expect(forgedSession.status, `${name} ${kind}: forged session cookie`).toBe(401);
    const otherOrigin = await upgradeRequest(url, {
      Origin: 'http://evil.example',
      Cookie: cookie,
    });
    expect(otherOrigin.status, `${name} ${kind}: valid session, another Origin`).toBe(403);
  }
  expect(await vncSynCounter.read(), "SYNs to QEMU's VNC port after refused upgrades").toBe(0);
  const pv = await consoleStatusJson(page.request, PV);
  expect(pv.pv, 'the PV console was not attached by a refused upgrade').toMatchObject({
    attached: false,
    viewers: 0,
  });
  const hvm = await consoleStatusJson(page.request, HVM);
  expect(hvm.serial, 'the serial port was not attached by a refused upgrade').toMatchObject({
    attached: false,
    viewers: 0,
  });
  expect(hvm.vnc.viewers).toBe(0);

  // The control: an accepted upgrade does reach QEMU, and the counter sees it.
  const accepted = await upgradeRequest(
    consoleSocketUrl(base, HVM, 'vnc'),
    { Origin: base, Cookie: cookie },
    30_000,
  );
  expect(accepted.status).toBe(101);
  expect(accepted.firstBytes?.toString('latin1') ?? '').toMatch(/^RFB 003\.00[38]\n/);
  expect(await vncSynCounter.read(), "SYNs to QEMU's VNC port after one accepted upgrade").toBe(1);
});

test('the HVM guest screen: painted, seen by a second viewer, back by itself after destroy + create', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  const phase = phases(testInfo);
  await login(page, testInfo);
  await openConsole(page, HVM, 'vnc', 90_000);
  const painted = await expectScreenPainted(page, { timeoutMs: 90_000 });
  phase('first viewer painted');
  testInfo.annotations.push({
    type: 'screen',
    description: `${painted.width}x${painted.height}, ${painted.colours} colours sampled`,
  });
  await snap(page, testInfo, 'lab-hvm-screen');

  const second = await secondViewer(browser, testInfo);
  try {
    await openConsole(second.page, HVM, 'vnc', 90_000);
    await expectScreenPainted(second.page, { timeoutMs: 90_000 });
    await expect(page.getByTestId('console-viewers')).toHaveText('2 viewers');
    await expect(second.page.getByTestId('console-viewers')).toHaveText('2 viewers');
    expect((await consoleStatusJson(page.request, HVM)).vnc.viewers).toBe(2);
    phase('second viewer painted, 2 viewers');

    const before = await xlDomid(HVM);
    const destroyed = await labExec(['xl', 'destroy', HVM]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    await expect(page.getByTestId('console-status')).not.toHaveText('Connected', {
      timeout: 30_000,
    });
    phase('destroyed, viewers no longer connected');
    const created = await labExec(['xl', 'create', `/etc/xen/${HVM}.cfg`]);
    expect(created.code, created.stderr).toBe(0);
    const after = await newDomid(HVM, before, 60_000);
    phase('xl create');
    // Nobody clicks anything: both viewers reconnect to the new device model by themselves.
    await expect
      .poll(
        async () => {
          const s = await consoleStatusJson(page.request, HVM);
          return s.domid !== undefined && s.domid !== before ? s.vnc.viewers : -1;
        },
        { timeout: 120_000, intervals: [1_000], message: `2 VNC viewers of domid ${after}` },
      )
      .toBe(2);
    phase('2 viewers of the new domid');
    for (const p of [page, second.page]) {
      await expect(p.getByTestId('console-status')).toHaveText('Connected', { timeout: 60_000 });
      await expectScreenPainted(p, { timeoutMs: 120_000 });
    }
    phase('both painted again');
    await snap(page, testInfo, 'lab-hvm-screen-recreated');
  } finally {
    await second.context.close();
  }
});

test('the PV guest text console: output, a second viewer, reload, reboot from the actions, then xl console gets it back', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(360_000);
  await login(page, testInfo);
  await openConsole(page, PV, 'pv');
  // The guest may still be booting: type until its shell answers (the line is only printed by
  // the shell's arithmetic, not by the echo of what was typed).
  await expect(async () => {
    await typeLine(page, 'echo xendeck-$((6*7))');
    await expect.poll(() => consoleHasLine(page, 'xendeck-42'), { timeout: 15_000 }).toBe(true);
  }).toPass({ timeout: 120_000, intervals: [1_000] });

  const second = await secondViewer(browser, testInfo);
  try {
    await openConsole(second.page, PV, 'pv');
    // What came before reaches a new viewer (the server's scrollback) ...
    await expect.poll(() => consoleHasLine(second.page, 'xendeck-42')).toBe(true);
    await expect(page.getByTestId('console-viewers')).toHaveText('2 viewers');
    await expect(second.page.getByTestId('console-viewers')).toHaveText('2 viewers');
    // ... and live bytes typed by one reach both, the same on each screen.
    await typeLine(second.page, 'echo both-$((40+2))');
    for (const p of [page, second.page]) {
      await expect.poll(() => consoleHasLine(p, 'both-42')).toBe(true);
    }
    await expect
      .poll(async () => (await consoleText(second.page)) === (await consoleText(page)), {
        message: 'both viewers show the same rows',
      })
      .toBe(true);
    await snap(page, testInfo, 'lab-pv-console');

    await page.reload();
    await expect(page.getByTestId('console-status')).toHaveText('Connected');
    await expect.poll(() => consoleHasLine(page, 'xendeck-42')).toBe(true);
    await expect.poll(() => consoleHasLine(page, 'both-42')).toBe(true);

    // xenconsoled logs the guest in the lab: the log endpoint serves its file.
    expect((await consoleStatusJson(page.request, PV)).log.source).toBe('xenconsoled');
    const log = await page.request.get(`/api/v1/domains/${PV}/console/log`);
    expect(log.status()).toBe(200);
    expect(await log.text()).toContain('xendeck-42');

    // Clear the screen, so the banner seen after the reboot can only be the new boot's.
    await typeLine(page, 'clear');
    await expect.poll(() => consoleText(page)).not.toContain('xendeck-42');
    const before = await xlDomid(PV);
    await second.page.goto(`/domains/${PV}`);
    await second.page.getByRole('button', { name: 'Reboot', exact: true }).click();
    // Power actions may ask first; answer the confirmation when there is one.
    const dialog = second.page.getByRole('dialog');
    if (
      await dialog.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      )
    ) {
      await dialog.getByRole('button', { name: 'Reboot', exact: true }).click();
    }
    const after = await newDomid(PV, before, 150_000);
    await expect
      .poll(() => consoleText(page), { timeout: 150_000, intervals: [1_000] })
      .toContain('xdtest-pv: busybox');
    await expect(page.getByTestId('console-status')).toHaveText('Connected');
    const status = await consoleStatusJson(page.request, PV);
    expect(status.domid).toBe(after);
    expect(status.pv.attached).toBe(true);
    // And the new boot's shell answers.
    await expect(async () => {
      await typeLine(page, 'echo again-$((6*7))');
      await expect.poll(() => consoleHasLine(page, 'again-42'), { timeout: 15_000 }).toBe(true);
    }).toPass({ timeout: 90_000, intervals: [1_000] });
    await snap(page, testInfo, 'lab-pv-console-rebooted');
  } finally {
    await second.context.close();
  }

  // While someone watches, Xendeck holds the lock `xl console` takes, so a hoster's own
  // `xl console` in dom0 is told so; once the last viewer has gone (and the server's grace period
  // passed) it gets the console back. `script` gives xl the tty it wants; `timeout` ends it.
  const domid = await xlDomid(PV);
  const xlConsole = async () =>
    (await labExec(['timeout', '5', 'script', '-qc', `xl console ${PV}`, '/dev/null'])).stdout;
  expect(await xlConsole()).toContain(`Could not lock /var/lock/xenconsole.${domid}`);
  await page.goto('about:blank');
  await expect
    .poll(xlConsole, {
      timeout: 60_000,
      intervals: [2_000],
      message: 'xl console gets the console',
    })
    .not.toContain('Could not lock');
  expect((await consoleStatusJson(page.request, PV)).pv).toMatchObject({
    attached: false,
    viewers: 0,
  });
});
