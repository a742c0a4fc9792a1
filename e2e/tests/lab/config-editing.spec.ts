/**
 * The hosters' config files in the Xen lab: a hand-written, commented file in dom0's /etc/xen is
 * edited through the UI; the file on disk changes only on the edited line, real `xl create -n`
 * (dry run) reads the new value, and restoring from history gives back the original bytes.
 */
import { expect, test } from '@playwright/test';
import { labExec } from '../../lib/lab.js';
import { login, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const NAME = 'xdtest-commented';
const PATH = `/etc/xen/${NAME}.cfg`;

/** A config as a hoster writes it over the years: comments, commented-out settings, odd spacing. */
const ORIGINAL = `# ${NAME}: customer 4711, small PV box.
# Moved to this dom0 in 2019; see ticket #88 before touching the disks.

name   = "${NAME}"
type="pv"

# memory was 96 until the customer upgraded
memory = 128   # MiB
#maxmem = 512
vcpus = 1

kernel  = "/var/lib/xendeck-lab/guests/vmlinuz"
ramdisk = "/var/lib/xendeck-lab/guests/busybox-initrd.gz"
extra   = "console=hvc0"

vif = [
    'bridge=xenbr0',   # public
]
on_crash = "destroy"
`;

async function catFile(): Promise<string> {
  const r = await labExec(['cat', PATH]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

test.beforeAll(async () => {
  // Write the file byte for byte (printf '%s' keeps every character; no shell expansion of it).
  const r = await labExec(['sh', '-c', `printf '%s' "$1" > ${PATH}`, 'sh', ORIGINAL]);
  expect(r.code, r.stderr).toBe(0);
  expect(await catFile()).toBe(ORIGINAL);
});

test('editing memory through the UI changes only that line, and xl reads it', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await page.goto(`/configs/${NAME}`);
  await page
    .getByRole('tab', { name: 'Settings' })
    .or(page.getByRole('link', { name: 'Settings' }))
    .first()
    .click();
  await page.getByTestId('quick-memory-input').fill('192');
  await page.getByRole('button', { name: 'Review changes' }).click();
  await expect(page.getByTestId('config-diff')).toBeVisible();
  await snap(page, testInfo, 'lab-config-review');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('config-saved')).toBeVisible();

  const after = await catFile();
  const before = ORIGINAL.split('\n');
  const now = after.split('\n');
  expect(now.length).toBe(before.length);
  const changed = now.map((line, i) => (line === before[i] ? -1 : i)).filter((i) => i >= 0);
  expect(changed, 'only one line changed').toHaveLength(1);
  const line = now[changed[0] as number] ?? '';
  // Only the value changed: the spacing and the trailing comment of that line stay.
  expect(line).toBe('memory = 192   # MiB');
  expect(before[changed[0] as number]).toMatch(/^memory = 128/);

  // Real xl parses the edited file (dry run: nothing is created) and sees 192 MiB.
  const dry = await labExec(['xl', 'create', '-n', PATH]);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).toMatch(/"max_memkb":\s*196608/);
});

test('restoring the version from before the edit gives back the original bytes', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  await page.goto(`/configs/${NAME}`);
  await page
    .getByRole('tab', { name: 'History' })
    .or(page.getByRole('link', { name: 'History' }))
    .first()
    .click();
  const rows = page.getByTestId('history-row');
  const beforeEdit = rows.filter({ hasText: /before.edit/i }).first();
  await expect(beforeEdit).toBeVisible();
  await snap(page, testInfo, 'lab-config-history');
  await beforeEdit.getByRole('button', { name: 'Restore' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect.poll(catFile, { timeout: 30_000 }).toBe(ORIGINAL);
});
