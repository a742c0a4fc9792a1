/**
 * Autostart across a dom0 reboot on real Xen (issue 10 §3 and §7), through the browser:
 * a small PV guest's config (the lab's kernel + busybox initramfs, 128 MiB, no disk, no vif),
 * autostart turned on with its toggle on the Config files page (dom0: `/etc/xen/auto/au-boot.cfg`
 * → `/etc/xen/au-boot.cfg`), the guest NOT running, dom0 rebooted with `pnpm lab reboot` — so
 * only xendomains' `XENDOMAINS_AUTO` pass can bring it up (its save/restore pass handles guests
 * that were running) — then `xl list` has it, xendomains' log says it started it from the link,
 * and Xendeck's domain list shows it running.
 *
 * THIS SPEC REBOOTS DOM0, so it runs last: it is the `lab-reboot` project, the `lab` project's
 * teardown in playwright.config.ts (run after every other lab spec, pass or fail, by
 * `--project=lab`; alone: `--project=lab-reboot`). It is skipped unless XENDECK_E2E_LAB_REBOOT=1
 * (scripts/test-all.mjs sets it for the lab it starts). It removes its link, config and guest.
 */
import { expect, test } from '@playwright/test';
import { labExecRetry, labReboot, xlDomid, xlList } from '../../lib/lab.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });
// A reboot of a lab others use would cut them off: only on request (`pnpm test` sets it for the
// lab it starts for itself; set it yourself for a lab that is yours alone).
test.skip(
  process.env.XENDECK_E2E_LAB_REBOOT !== '1',
  'reboots dom0: set XENDECK_E2E_LAB_REBOOT=1 on a lab that is yours alone (pnpm test does)',
);

const NAME = 'au-boot';
const CFG = `/etc/xen/${NAME}.cfg`;
const LINK = `/etc/xen/auto/${NAME}.cfg`;
/** The lab's PV test kernel and busybox initramfs in dom0 (lab/recipe, see xdtest-pv.cfg). */
const CONFIG_TEXT = `# ${NAME}: e2e autostart test guest (e2e/tests/lab/autostart.spec.ts)
name = "${NAME}"
type = "pv"
memory = 128
vcpus = 1
kernel = "/var/lib/xendeck-lab/guests/vmlinuz"
ramdisk = "/var/lib/xendeck-lab/guests/busybox-initrd.gz"
extra = "console=hvc0"
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
`;

/** Destroys the guest and removes its link and config, whatever is there. */
async function cleanUp(): Promise<void> {
  if ((await xlDomid(NAME)) !== null) await labExecRetry(['xl', 'destroy', NAME]);
  await labExecRetry(['rm', '-f', LINK, CFG, `/var/lib/xen/save/${NAME}`]);
}

test.beforeAll(cleanUp);
test.afterAll(cleanUp);

test('a config with autostart on is running after dom0 reboots, and Xendeck shows it', async ({
  page,
}, testInfo) => {
  // The reboot alone took 3 min down + 6–10+ min up on the loaded 2-core machine.
  test.setTimeout(60 * 60_000);
  // xendomains runs in the lab's dom0 as Debian installs it (enabled; XENDOMAINS_AUTO=/etc/xen/auto).
  const enabled = await labExecRetry(['systemctl', 'is-enabled', 'xendomains']);
  expect(enabled.stdout.trim(), 'xendomains must be enabled in the lab image').toBe('enabled');
  const write = await labExecRetry([
    'sh',
    '-c',
    'umask 022 && printf %s "$1" > "$2"',
    'sh',
    CONFIG_TEXT,
    CFG,
  ]);
  expect(write.code, write.stderr).toBe(0);
  const dry = await labExecRetry(['xl', 'create', '-n', CFG]);
  expect(dry.code, dry.stderr).toBe(0);

  await login(page, testInfo);
  // The host overview: xendomains enabled, saves guests at dom0 shutdown, starts /etc/xen/auto at boot.
  await expect(page.getByTestId('xendomains-state')).toContainText('enabled');
  await expect(page.getByTestId('xendomains-shutdown')).toContainText(
    'saves every running guest to /var/lib/xen/save',
  );
  await expect(page.getByTestId('xendomains-boot')).toContainText('/etc/xen/auto');

  // Turn autostart on in the config list; the toggle's twin is the ln -s a hoster would type.
  await page.goto('/configs');
  const toggle = page.getByTestId(`autostart-toggle-${NAME}`);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(toggle).toHaveAttribute('title', new RegExp(`ln -s ${CFG} ${LINK}$`));
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  const link = await labExecRetry(['readlink', LINK]);
  expect(link.stdout.trim()).toBe(CFG);
  await page.goto('/');
  await expect(page.getByTestId('autostart-list')).toContainText(NAME);
  await snap(page, testInfo, 'lab-autostart-before-reboot');

  // Not running now: after the reboot only the autostart link can have started it.
  expect(await xlDomid(NAME)).toBeNull();

  const reboot = await labReboot();
  testInfo.annotations.push({
    type: 'reboot',
    description: `pnpm lab reboot: ${(reboot.ms / 1000).toFixed(0)} s`,
  });
  console.log(`pnpm lab reboot took ${(reboot.ms / 1000).toFixed(1)} s\n${reboot.stdout}`);
  expect(reboot.code, `${reboot.stdout}\n${reboot.stderr}`).toBe(0);

  // dom0 booted again: xendomains started the guest from the link.
  const rows = await xlList();
  expect(rows.map((r) => r.name)).toContain(NAME);
  const journal = await labExecRetry(['journalctl', '-b', '-u', 'xendomains', '--no-pager']);
  expect(journal.stdout).toContain(`Starting Xen domain ${NAME} (from ${LINK})`);
  const uptime = await labExecRetry(['cat', '/proc/uptime']);
  testInfo.annotations.push({
    type: 'dom0 uptime after reboot',
    description: uptime.stdout.trim(),
  });

  // Xendeck (a new process after the reboot; the session survived in its database) shows it.
  await page.goto('/domains');
  if (
    await page
      .getByLabel('Username')
      .isVisible()
      .catch(() => false)
  )
    await login(page, testInfo);
  const row = page.getByTestId(`domain-row-${NAME}`);
  await expect(row).toBeVisible({ timeout: 120_000 });
  await expect(row.getByTestId('domain-state')).toHaveText(/running|blocked/);
  await snap(page, testInfo, 'lab-autostart-after-reboot');

  // Turn it off again in the browser: the link goes, the config stays.
  await page.goto(`/configs/${NAME}`);
  const onPage = page.getByTestId(`autostart-toggle-${NAME}`);
  await expect(onPage).toHaveAttribute('aria-checked', 'true');
  await onPage.click();
  await expect(onPage).toHaveAttribute('aria-checked', 'false');
  const gone = await labExecRetry(['test', '-e', LINK]);
  expect(gone.code).toBe(1);
  const kept = await labExecRetry(['test', '-f', CFG]);
  expect(kept.code).toBe(0);
});
