/**
 * Live metrics from libxenstat in the Xen lab: a busy loop typed into the PV test guest's console
 * shows up as CPU % above 50 in the browser within 5 seconds, and the Prometheus endpoint reports
 * the guest's CPU seconds increasing.
 */
import { expect, test } from '@playwright/test';
import { labExec } from '../../lib/lab.js';
import { login, openDomains, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const GUEST = 'xdtest-pv';

test.beforeAll(async () => {
  const list = await labExec(['xl', 'list']);
  if (!list.stdout.includes(GUEST)) {
    const created = await labExec(['xl', 'create', `/etc/xen/${GUEST}.cfg`]);
    expect(created.code, created.stderr).toBe(0);
  }
});

test.afterAll(async () => {
  await labExec(['xl', 'destroy', GUEST]);
});

/** Types a line into the guest's shell: writes it to the console pty xenconsoled serves. */
async function typeIntoConsole(line: string): Promise<void> {
  const script = [
    'set -e',
    `domid=$(xl domid ${GUEST})`,
    'tty=$(xenstore-read /local/domain/$domid/console/tty)',
    'printf "%s\\n" "$1" > "$tty"',
  ].join('\n');
  const r = await labExec(['sh', '-c', script, 'sh', line]);
  expect(r.code, r.stderr).toBe(0);
}

test('a busy loop in the guest shows as CPU % above 50 within 5 seconds', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await openDomains(page);
  const cell = page.getByTestId(`domain-row-${GUEST}`).getByTestId('domain-cpu-percent');
  await expect(cell).toBeVisible({ timeout: 60_000 });
  const cpuPercent = async () => Number.parseFloat((await cell.textContent()) ?? '');
  // A guest that is still booting is busy by itself: wait until it idles, so that what follows
  // is the busy loop's doing and not the boot's.
  await expect.poll(cpuPercent, { timeout: 90_000, intervals: [1_000] }).toBeLessThan(20);
  // A newline first wakes the shell's prompt.
  await typeIntoConsole('');
  await typeIntoConsole('while :; do :; done &');
  const started = Date.now();
  await expect.poll(cpuPercent, { timeout: 5_000, intervals: [250] }).toBeGreaterThan(50);
  testInfo.annotations.push({ type: 'cpu% > 50 after', description: `${Date.now() - started} ms` });
  await snap(page, testInfo, 'lab-busy-guest');
  await page.getByRole('link', { name: 'xl top' }).click();
  await expect(page.getByTestId(`top-row-${GUEST}`)).toBeVisible();
  await snap(page, testInfo, 'lab-xl-top');
});

test('Prometheus reports the guest CPU seconds increasing', async ({ page }, testInfo) => {
  await login(page, testInfo);
  const tokenRes = await page.request.get('/api/v1/settings/metrics-token');
  expect(tokenRes.status()).toBe(200);
  const { token } = (await tokenRes.json()) as { token: string };
  const unauth = await page.request.get('/metrics');
  expect(unauth.status()).toBe(401);

  const cpuSeconds = async (): Promise<number> => {
    const res = await page.request.get('/metrics', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status()).toBe(200);
    const line = (await res.text())
      .split('\n')
      .find(
        (l) => l.startsWith('xen_domain_cpu_seconds_total{') && l.includes(`domain="${GUEST}"`),
      );
    expect(line, 'a cpu seconds line for the guest').toBeDefined();
    return Number(line?.split(' ').at(-1));
  };
  const first = await cpuSeconds();
  await page.waitForTimeout(3_000);
  const second = await cpuSeconds();
  expect(second).toBeGreaterThan(first);
});
