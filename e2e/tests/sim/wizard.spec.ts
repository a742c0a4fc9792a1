/**
 * The create-guest wizard on the simulated host (fast suite): an HVM guest on a new logical volume
 * with an ISO from the library, created and started as a task followed live, landing on its VNC
 * console; and a creation the volume group cannot hold, which shows the error and leaves no
 * volume. What real LVM, xl and QEMU make of it is the lab suite's job.
 */
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { expectScreenPainted } from '../../lib/consoles.js';
import { login, openDomains, snap } from '../../lib/ui.js';

const GIB = 1024 ** 3;

interface Volume {
  name: string;
  sizeBytes: number;
}

async function volumes(request: APIRequestContext, vg: string): Promise<Volume[]> {
  const res = await request.get(`/api/v1/storage/volume-groups/${vg}/volumes`);
  expect(res.status()).toBe(200);
  return (await res.json()).volumes;
}

async function firstVolumeGroup(
  request: APIRequestContext,
): Promise<{ name: string; freeBytes: number }> {
  const res = await request.get('/api/v1/storage/volume-groups');
  expect(res.status()).toBe(200);
  const vg = (await res.json()).volumeGroups[0];
  expect(vg, 'the simulated host has a volume group').toBeDefined();
  return vg;
}

/** Mutations need the page's Origin (the server refuses cross-site writes). */
function originHeaders(page: Page): Record<string, string> {
  return { 'Content-Type': 'application/json', Origin: new URL(page.url()).origin };
}

/** Waits for a task (GET /tasks/:id) to end; returns its final state. */
async function taskEnd(request: APIRequestContext, id: string): Promise<string> {
  let state = '';
  await expect(async () => {
    state = (await (await request.get(`/api/v1/tasks/${id}`)).json()).state;
    expect(['succeeded', 'failed']).toContain(state);
  }).toPass({ timeout: 20_000 });
  return state;
}

const next = (page: Page) => page.getByRole('button', { name: 'Next' }).click();
const atStep = (page: Page, title: string) =>
  expect(page.getByRole('heading', { name: new RegExp(`Step \\d of 7: ${title}`) })).toBeVisible();

test('an HVM guest on a new logical volume with an ISO: task followed live, then its VNC console', async ({
  page,
}, testInfo) => {
  const name = `wiz-hvm-${Date.now().toString(36)}`;
  await login(page, testInfo);
  const vg = await firstVolumeGroup(page.request);
  const isos = (await (await page.request.get('/api/v1/isos')).json()).isos as { name: string }[];
  expect(isos.length, 'the simulated ISO library has an image').toBeGreaterThan(0);
  const iso = isos[0]?.name ?? '';

  await openDomains(page);
  await page.getByRole('link', { name: 'Create guest' }).click();
  await expect(page).toHaveURL(/\/guests\/new$/);

  // 1. Name & type: a name already used is refused at the field.
  await atStep(page, 'Name & type');
  await page.getByRole('textbox', { name: 'Name' }).fill('web-01');
  await next(page);
  await expect(page.getByText('“web-01” is taken')).toBeVisible();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByTestId('guest-type-hvm').click();
  await page.getByTestId('guest-profile-linux').click();
  await next(page);

  // 2. Boot from the ISO.
  await atStep(page, 'Boot');
  await page.getByRole('combobox', { name: 'CD-ROM' }).selectOption(iso);
  await next(page);

  // 3. Resources.
  await atStep(page, 'Resources');
  await expect(page.getByTestId('host-free-memory')).toContainText('free');
  await page.getByRole('spinbutton', { name: 'Memory (MiB)' }).fill('512');
  await page.getByRole('spinbutton', { name: 'Maxmem (MiB)' }).fill('512');
  await next(page);

  // 4. A new 1 GiB logical volume in the first volume group.
  await atStep(page, 'Disks');
  await page.getByRole('combobox', { name: 'Disk 1 volume group' }).selectOption(vg.name);
  await page.getByRole('spinbutton', { name: 'Disk 1 size (GiB)' }).fill('1');
  await expect(page.getByTestId('disk-new-lv-name-0')).toHaveText(`/dev/${vg.name}/${name}-disk0`);
  await next(page);

  // 5. Network: a bridge of the host, a generated MAC in Xen's range.
  await atStep(page, 'Network');
  await expect(page.getByRole('combobox', { name: 'Bridge' })).not.toHaveValue('');
  const mac = await page.getByTestId('mac-address').inputValue();
  expect(mac).toMatch(/^00:16:3e:/);
  await next(page);

  // 6. Console & actions: start after creation (the default).
  await atStep(page, 'Console & actions');
  await expect(page.getByTestId('start-after-create')).toBeChecked();
  await next(page);

  // 7. Review: the file and the commands.
  await atStep(page, 'Review');
  const preview = page.getByTestId('guest-config-preview');
  await expect(preview).toContainText(`name = '${name}'`);
  await expect(preview).toContainText(`target=/dev/${vg.name}/${name}-disk0`);
  await expect(preview).toContainText(`devtype=cdrom, target=`);
  await expect(preview).toContainText(iso);
  await expect(preview).toContainText(`mac=${mac}`);
  await expect(page.getByTestId('guest-commands')).toContainText(
    `lvcreate --yes --wipesignatures y -L ${GIB}b -n ${name}-disk0 ${vg.name}`,
  );
  await expect(page.getByTestId('guest-commands')).toContainText('xl create ');
  await snap(page, testInfo, 'wizard-review');

  await page.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.getByTestId('creation-progress')).toBeVisible();
  await expect(page.getByTestId('task-step').first()).toContainText(`${name}-disk0`);
  await snap(page, testInfo, 'wizard-progress');

  // Lands on the console, VNC for HVM, with the guest's screen.
  await expect(page).toHaveURL(new RegExp(`/domains/${name}\\?view=console&console=vnc$`), {
    timeout: 20_000,
  });
  await expect(page.getByTestId('vnc-screen')).toBeVisible();
  await expectScreenPainted(page, { minColours: 4, timeoutMs: 15_000 });
  await snap(page, testInfo, 'wizard-console');

  // The host agrees: the volume, the config file, the running domain.
  const lv = (await volumes(page.request, vg.name)).find((v) => v.name === `${name}-disk0`);
  expect(lv?.sizeBytes).toBeGreaterThanOrEqual(GIB);
  const config = await page.request.get(`/api/v1/configs/${name}`);
  expect(config.status()).toBe(200);
  expect((await config.json()).text).toContain(`mac=${mac}`);
  const domains = (await (await page.request.get('/api/v1/domains')).json()) as {
    name: string;
    type: string;
  }[];
  expect(domains.find((d) => d.name === name)?.type).toBe('hvm');
});

test('a creation the volume group cannot hold shows the error at the disk and leaves no volume', async ({
  page,
}, testInfo) => {
  const name = `wiz-fail-${Date.now().toString(36)}`;
  const filler = `wiz-filler-${Date.now().toString(36)}`;
  await login(page, testInfo);
  const vg = await firstVolumeGroup(page.request);

  await page.goto('/guests/new');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByTestId('guest-type-hvm').click();
  await next(page);
  await atStep(page, 'Boot');
  await next(page);
  await page.getByRole('spinbutton', { name: 'Memory (MiB)' }).fill('256');
  await page.getByRole('spinbutton', { name: 'Maxmem (MiB)' }).fill('256');
  await next(page);
  await atStep(page, 'Disks');
  // All but a quarter GiB of the free space: the wizard accepts it...
  const sizeGiB = Math.floor(((vg.freeBytes - GIB / 4) / GIB) * 100) / 100;
  await page.getByRole('spinbutton', { name: 'Disk 1 size (GiB)' }).fill(String(sizeGiB));
  for (let i = 0; i < 3; i++) await next(page);
  await atStep(page, 'Review');

  // ...then someone else takes half a GiB of the volume group before Create is pressed.
  const made = await page.request.post(`/api/v1/storage/volume-groups/${vg.name}/volumes`, {
    headers: originHeaders(page),
    data: { name: filler, sizeBytes: GIB / 2 },
  });
  expect(made.status()).toBe(202);
  expect(await taskEnd(page.request, (await made.json()).task.id)).toBe('succeeded');

  try {
    await page.getByRole('button', { name: 'Create and start' }).click();
    // The error is shown, at the disk that does not fit, with the server's words.
    await expect(page.getByRole('alert').filter({ hasText: 'NO_SPACE' })).toBeVisible();
    await atStep(page, 'Disks');
    await expect(
      page.getByTestId('disk-row-0').getByRole('alert').filter({ hasText: /free/ }),
    ).toBeVisible();
    await snap(page, testInfo, 'wizard-no-space');

    // No volume, no config file, no domain of that name.
    const names = (await volumes(page.request, vg.name)).map((v) => v.name);
    expect(names.filter((n) => n.startsWith(name))).toEqual([]);
    expect((await page.request.get(`/api/v1/configs/${name}`)).status()).toBe(404);

    // The answers are kept: a smaller disk goes through.
    await page.getByRole('spinbutton', { name: 'Disk 1 size (GiB)' }).fill('1');
    for (let i = 0; i < 3; i++) await next(page);
    await atStep(page, 'Review');
    await expect(page.getByTestId('guest-config-preview')).toContainText(`name = '${name}'`);
  } finally {
    const removed = await page.request.delete(
      `/api/v1/storage/volume-groups/${vg.name}/volumes/${filler}?confirm=${filler}`,
      { headers: originHeaders(page) },
    );
    expect(removed.status()).toBe(202);
    await taskEnd(page.request, (await removed.json()).task.id);
  }
});
