/**
 * Snapshots and clones of a guest on LVM (issue 10 §4, §7) on real Xen, through the browser,
 * checked in dom0:
 * - a small PV guest (the lab's kernel + busybox ramdisk, 96 MiB) on a new 64 MiB volume in vg0,
 *   with a marker written at the start of the volume from dom0 (the lab's initramfs has no
 *   xen-blkfront, so the guest itself cannot write its disk: dom0 writes for it, as blkback would);
 * - the Snapshots tab takes a set while the guest runs (paused for the moment, running again after:
 *   `xl list`), `lvs` shows the snapshot with its tags; the marker is changed; Revert is refused
 *   while the guest runs; after `xl destroy` Revert behind the typed label merges the snapshot
 *   (`lvconvert --merge`) and the marker is the old one again; the guest starts again;
 * - Clone… (full copy, followed as a task) makes a new volume with the same bytes and a config
 *   with a new name, MAC and UUID; the clone boots beside the original (both in `xl list`, with
 *   different MACs in `xl network-list` and different UUIDs in `xl list -v`).
 * Everything it made (domains, configs, snapshots, volumes) is removed whatever happens.
 */
import { expect, test } from '@playwright/test';
import { labExecRetry, xlDomid } from '../../lib/lab.js';
import { PV_KERNEL, PV_RAMDISK } from '../../lib/pv-guest.js';
import { login, snap } from '../../lib/ui.js';
import { taskEnd } from '../../lib/wizard.js';

test.describe.configure({ mode: 'serial' });

const VG = 'vg0';
const GUEST = 'sn-e2e';
const CLONE = 'sn-e2e-clone';
const MAC = '00:16:3e:5e:00:01';
/** lvcreate/lvconvert/dd under QEMU TCG on a shared lab: seconds when quiet, minutes when busy. */
const TASK_TIMEOUT_MS = 420_000;

const CONFIG = `# ${GUEST}: Xendeck's lab e2e guest for snapshots and clones
name = "${GUEST}"
type = "pv"
kernel = "${PV_KERNEL}"
ramdisk = "${PV_RAMDISK}"
extra = "console=hvc0"
memory = 96
vcpus = 1
disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/${VG}/${GUEST}' ]
vif = [ 'mac=${MAC},bridge=xenbr0' ]
`;

async function dom0(args: string[]) {
  const r = await labExecRetry(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The LVs of vg0 with their origin and tags (`lvs`). */
async function lvs(): Promise<{ name: string; origin: string; tags: string }[]> {
  const out = await dom0([
    'lvs',
    '--noheadings',
    '--separator',
    '|',
    '-o',
    'lv_name,origin,lv_tags',
    VG,
  ]);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name = '', origin = '', tags = ''] = l.split('|');
      return { name, origin, tags };
    });
}

/** Writes `text` at the start of `/dev/vg0/<lv>` (O_DIRECT + fsync, so a reader sees it). */
async function writeMarker(lv: string, text: string): Promise<void> {
  await dom0([
    'sh',
    '-c',
    'printf "%-16s" "$1" | dd of="$2" bs=512 count=1 conv=sync,fsync oflag=direct status=none',
    'sh',
    text,
    `/dev/${VG}/${lv}`,
  ]);
}

/** The first 16 bytes of `/dev/vg0/<lv>`, trimmed (read with O_DIRECT, past dom0's page cache). */
async function readMarker(lv: string): Promise<string> {
  const out = await dom0([
    'sh',
    '-c',
    'dd if="$1" bs=512 count=1 iflag=direct status=none | head -c 16',
    'sh',
    `/dev/${VG}/${lv}`,
  ]);
  return out.trim();
}

/** Removes domains, configs, snapshots and volumes of this suite (the `sn-e2e` names only). */
async function cleanUp(): Promise<void> {
  for (const n of [CLONE, GUEST]) {
    if ((await xlDomid(n)) !== null) await labExecRetry(['xl', 'destroy', n]);
    await labExecRetry(['rm', '-f', `/etc/xen/${n}.cfg`]);
  }
  const mine = (await lvs()).filter((l) => l.name === GUEST || l.name.startsWith(`${GUEST}-`));
  // Snapshots first (an origin with snapshots cannot go).
  for (const l of [...mine].sort((a, b) => Number(b.origin !== '') - Number(a.origin !== ''))) {
    await labExecRetry(['lvremove', '-f', `${VG}/${l.name}`]);
  }
}

/** The ids of the tasks the server lists now (`GET /api/v1/tasks`). */
async function taskIds(page: import('@playwright/test').Page): Promise<Set<string>> {
  const tasks = (await (await page.request.get('/api/v1/tasks')).json()) as { id: string }[];
  return new Set(tasks.map((t) => t.id));
}

/**
 * The task of `kind` on `target` that is not in `before` (ids listed before the click), waited
 * for: the click's POST may still be on its way, and an earlier run's task must not count.
 */
async function newestTask(
  page: import('@playwright/test').Page,
  kind: string,
  target: string,
  before: Set<string>,
) {
  let found: { id: string } | undefined;
  await expect(async () => {
    const tasks = (await (await page.request.get('/api/v1/tasks')).json()) as {
      id: string;
      kind: string;
      target: string;
    }[];
    found = tasks.find((x) => x.kind === kind && x.target === target && !before.has(x.id));
    expect(found, `a ${kind} task on ${target}`).toBeDefined();
  }).toPass({ timeout: 60_000, intervals: [1_000] });
  return found as { id: string };
}

/** `xl list -v`'s UUID of domain `name`. */
async function uuidOf(name: string): Promise<string> {
  const out = await dom0(['xl', 'list', '-v', name]);
  const m = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(out);
  expect(m, out).not.toBeNull();
  return (m as RegExpExecArray)[0];
}

/** The MACs of `name`'s vifs (`xl network-list`). */
async function macsOf(name: string): Promise<string[]> {
  const out = await dom0(['xl', 'network-list', name]);
  return [...out.matchAll(/([0-9a-f]{2}(?::[0-9a-f]{2}){5})/g)].map((m) => m[1] as string);
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await cleanUp();
  await dom0(['lvcreate', '--yes', '--wipesignatures', 'y', '-L', '64m', '-n', GUEST, VG]);
  await dom0(['sh', '-c', 'printf "%s" "$1" > "$2"', 'sh', CONFIG, `/etc/xen/${GUEST}.cfg`]);
  await writeMarker(GUEST, 'marker-one');
  await dom0(['xl', 'create', `/etc/xen/${GUEST}.cfg`]);
});
test.afterAll(async () => {
  test.setTimeout(300_000);
  await cleanUp();
});

test('snapshot a running guest, change its disk, revert after shutting it down: the change is gone', async ({
  page,
}, testInfo) => {
  test.setTimeout(1_200_000);
  await login(page, testInfo);
  await page.goto(`/domains/${GUEST}?view=snapshots`);
  await expect(page.getByTestId('snapshot-volumes')).toContainText(`/dev/${VG}/${GUEST} as xvda`);

  await page.getByTestId('snapshot-label').fill('one');
  // The running guest is paused for the moment: the preview says so and shows the xl twins.
  const cmds = page.getByTestId('snapshot-take-commands');
  await expect(cmds).toContainText(`xl pause ${GUEST}`, { timeout: 60_000 });
  await expect(cmds).toContainText(`lvcreate --yes -s -L 16777216b -n ${GUEST}-snap-one`);
  await expect(cmds).toContainText(`xl unpause ${GUEST}`);
  const takeBefore = await taskIds(page);
  await page.getByTestId('snapshot-take').click();
  const take = await taskEnd(
    page.request,
    (await newestTask(page, 'domain.snapshot', `domain:${GUEST}`, takeBefore)).id,
    TASK_TIMEOUT_MS,
  );
  expect(take.state, JSON.stringify(take.error)).toBe('succeeded');
  // The tab refetches its list when the task ends; a reload makes the check independent of that
  // (the list request alone took 8 s on a busy lab).
  await page.reload();
  await expect(page.locator('[data-testid="snapshot-set"][data-label="one"]')).toBeVisible({
    timeout: 90_000,
  });
  await snap(page, testInfo, 'lab-snapshots-taken');
  const snapLv = (await lvs()).find((l) => l.name === `${GUEST}-snap-one`);
  expect(snapLv?.origin).toBe(GUEST);
  expect(snapLv?.tags).toContain(`xendeck-snapshot=${GUEST}:one`);
  // Unpaused after: xl list's state has no 'p'.
  const state = (await dom0(['xl', 'list', GUEST])).split('\n')[1] ?? '';
  expect(state.split(/\s+/)[4], state).not.toContain('p');

  // The guest "writes": the marker changes on its running volume.
  await writeMarker(GUEST, 'marker-two');
  expect(await readMarker(GUEST)).toBe('marker-two');

  // Revert is refused while the guest runs, saying why.
  await page.reload();
  await expect(page.getByTestId('snapshot-revert-one-button')).toBeDisabled();
  await expect(page.getByTestId('snapshot-revert-one-blocked')).toContainText(
    /Shut the guest down/,
  );

  await dom0(['xl', 'destroy', GUEST]);
  await expect.poll(() => xlDomid(GUEST), { timeout: 60_000 }).toBeNull();
  await page.reload();
  await page.getByTestId('snapshot-revert-one-button').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`lvconvert --merge ${VG}/${GUEST}-snap-one`);
  await page.getByTestId('snapshot-revert-one-confirm-input').fill('one');
  await snap(page, testInfo, 'lab-snapshots-revert-confirm');
  const revertBefore = await taskIds(page);
  await dialog.getByRole('button', { name: 'Revert', exact: true }).click();
  const revert = await taskEnd(
    page.request,
    (await newestTask(page, 'domain.revert', `domain:${GUEST}`, revertBefore)).id,
    TASK_TIMEOUT_MS,
  );
  expect(revert.state, JSON.stringify(revert.error)).toBe('succeeded');
  // The change is gone; the set is still there (taken again after the merge).
  expect(await readMarker(GUEST)).toBe('marker-one');
  expect((await lvs()).find((l) => l.name === `${GUEST}-snap-one`)?.origin).toBe(GUEST);

  await dom0(['xl', 'create', `/etc/xen/${GUEST}.cfg`]);
  expect(await xlDomid(GUEST)).not.toBeNull();
  expect(await readMarker(GUEST)).toBe('marker-one');
});

test('clone the shut-down guest by copy and boot the clone beside the original', async ({
  page,
}, testInfo) => {
  test.setTimeout(1_200_000);
  if ((await xlDomid(GUEST)) !== null) await dom0(['xl', 'destroy', GUEST]);
  await expect.poll(() => xlDomid(GUEST), { timeout: 60_000 }).toBeNull();
  await login(page, testInfo);
  await page.goto(`/domains/${GUEST}?view=snapshots`);
  await page.getByTestId('clone-open').click();
  await page.getByTestId('clone-name').fill(CLONE);
  await page.getByTestId('clone-mode-copy').check();
  const cmds = page.getByTestId('clone-commands');
  await expect(cmds).toContainText(
    `dd if=/dev/${VG}/${GUEST} of=/dev/${VG}/${CLONE} bs=4M oflag=direct conv=fsync status=progress`,
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('clone-config')).toContainText(`name = '${CLONE}'`);
  await snap(page, testInfo, 'lab-snapshots-clone-dialog');
  const cloneBefore = await taskIds(page);
  await page.getByTestId('clone-submit').click();
  const started = Date.now();
  const clone = await taskEnd(
    page.request,
    (await newestTask(page, 'domain.clone', `domain:${CLONE}`, cloneBefore)).id,
    TASK_TIMEOUT_MS,
  );
  expect(clone.state, JSON.stringify(clone.error)).toBe('succeeded');
  const full = (await (await page.request.get(`/api/v1/tasks/${clone.id}`)).json()) as {
    steps: { name: string; output: string }[];
  };
  const copyLog = full.steps[0]?.output ?? '';
  console.log(`clone task: ${Date.now() - started} ms; ${copyLog.trim()}`);
  expect(copyLog).toMatch(/copied 67108864 bytes/);

  expect(await readMarker(CLONE)).toBe('marker-one');
  const cfg = await dom0(['cat', `/etc/xen/${CLONE}.cfg`]);
  expect(cfg).toContain(`target=/dev/${VG}/${CLONE}`);
  expect(cfg).not.toContain(MAC);
  expect(cfg).toContain(`# ${GUEST}: Xendeck's lab e2e guest`);

  await dom0(['xl', 'create', `/etc/xen/${GUEST}.cfg`]);
  await dom0(['xl', 'create', `/etc/xen/${CLONE}.cfg`]);
  const list = await dom0(['xl', 'list']);
  expect(list).toMatch(new RegExp(`^${GUEST}\\s`, 'm'));
  expect(list).toMatch(new RegExp(`^${CLONE}\\s`, 'm'));
  const [macA, macB] = [await macsOf(GUEST), await macsOf(CLONE)];
  expect(macA).toContain(MAC);
  expect(macB).toHaveLength(1);
  expect(macB[0]).toMatch(/^00:16:3e:/);
  expect(macB[0]).not.toBe(MAC);
  expect(await uuidOf(CLONE)).not.toBe(await uuidOf(GUEST));
  await page.goto('/domains');
  await expect(page.getByText(CLONE, { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await snap(page, testInfo, 'lab-snapshots-clone-running');
});
