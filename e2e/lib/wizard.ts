/**
 * Drives the create-guest wizard (`/guests/new`, apps/web/src/features/guests) the way a hoster
 * does, by its labels and test ids, for the lab suites (guests, install). One place knows the
 * wizard's steps; a spec says only what guest it wants.
 */
import { type APIRequestContext, expect, type Page } from '@playwright/test';

/** What a spec asks of the wizard. Sizes: memory in MiB, disks in GiB (the wizard's units). */
export interface WizardGuest {
  name: string;
  type: 'pv' | 'pvh' | 'hvm';
  /** HVM only; default linux. */
  profile?: 'windows' | 'linux' | 'other';
  /** HVM: an ISO of the library for the CD-ROM; none when absent. */
  iso?: string;
  /** PV/PVH direct boot: dom0 paths and the kernel command line. */
  kernel?: string;
  ramdisk?: string;
  extra?: string;
  memoryMiB: number;
  /** Default: memoryMiB. */
  maxmemMiB?: number;
  /** One new logical volume in `volumeGroup` of `sizeGiB` GiB; no disk when absent. */
  newVolume?: { volumeGroup: string; sizeGiB: number };
  /** Start after creation (the wizard's default); false writes the config only. */
  start?: boolean;
}

/** How long the wizard's host lists (vgs, lvs, ISOs, bridges) may take on a busy lab. */
const LIST_TIMEOUT_MS = 120_000;

const next = (page: Page) => page.getByRole('button', { name: 'Next' }).click();
const atStep = (page: Page, title: string) =>
  expect(page.getByRole('heading', { name: new RegExp(`Step \\d of 7: ${title}`) })).toBeVisible({
    timeout: LIST_TIMEOUT_MS,
  });

/**
 * Opens the wizard from the Domains page and fills every step for `g`, ending on the Review step.
 * Returns the `.cfg` text the review shows (xl-config's guestPreview of the answers).
 */
export async function fillWizard(page: Page, g: WizardGuest): Promise<string> {
  await page.goto('/domains');
  await page.getByRole('link', { name: 'Create guest' }).click();
  await expect(page).toHaveURL(/\/guests\/new$/);

  await atStep(page, 'Name & type');
  await page.getByRole('textbox', { name: 'Name' }).fill(g.name);
  await page.getByTestId(`guest-type-${g.type}`).click();
  if (g.type === 'hvm') await page.getByTestId(`guest-profile-${g.profile ?? 'linux'}`).click();
  await next(page);

  await atStep(page, 'Boot');
  if (g.type === 'hvm') {
    const cdrom = page.getByRole('combobox', { name: 'CD-ROM' });
    if (g.iso) {
      await expect(cdrom.locator(`option[value="${g.iso}"]`)).toHaveCount(1, {
        timeout: LIST_TIMEOUT_MS,
      });
      await cdrom.selectOption(g.iso);
    } else {
      await cdrom.selectOption('');
    }
  } else {
    if (g.type === 'pv') await page.getByRole('radio', { name: /kernel and ramdisk/ }).check();
    await page.getByRole('textbox', { name: 'Kernel', exact: true }).fill(g.kernel ?? '');
    await page.getByRole('textbox', { name: 'Ramdisk (optional)' }).fill(g.ramdisk ?? '');
    await page
      .getByRole('textbox', { name: 'Extra kernel arguments (optional)' })
      .fill(g.extra ?? '');
  }
  await next(page);

  await atStep(page, 'Resources');
  await page.getByRole('spinbutton', { name: 'Memory (MiB)' }).fill(String(g.memoryMiB));
  await page
    .getByRole('spinbutton', { name: 'Maxmem (MiB)' })
    .fill(String(g.maxmemMiB ?? g.memoryMiB));
  await next(page);

  await atStep(page, 'Disks');
  if (g.newVolume) {
    const vg = page.getByRole('combobox', { name: 'Disk 1 volume group' });
    await expect(vg.locator(`option[value="${g.newVolume.volumeGroup}"]`)).toHaveCount(1, {
      timeout: LIST_TIMEOUT_MS,
    });
    await vg.selectOption(g.newVolume.volumeGroup);
    await page
      .getByRole('spinbutton', { name: 'Disk 1 size (GiB)' })
      .fill(String(g.newVolume.sizeGiB));
  } else {
    while ((await page.getByTestId('disk-row-0').count()) > 0) {
      await page.getByRole('button', { name: 'Remove disk 1' }).click();
    }
  }
  await next(page);

  await atStep(page, 'Network');
  await expect(page.getByRole('combobox', { name: 'Bridge' })).not.toHaveValue('', {
    timeout: LIST_TIMEOUT_MS,
  });
  await next(page);

  await atStep(page, 'Console & actions');
  const start = page.getByTestId('start-after-create');
  if (g.start === false) await start.uncheck();
  else await start.check();
  await next(page);

  await atStep(page, 'Review');
  const preview = page.getByTestId('guest-config-preview');
  await expect(preview).toContainText(`name = '${g.name}'`);
  return (await preview.textContent()) ?? '';
}

/** Presses the Review step's create button (its label says whether it starts the guest). */
export async function submitWizard(page: Page, start = true): Promise<void> {
  await page
    .getByRole('button', { name: start ? 'Create and start' : 'Create (write the config only)' })
    .click();
  await expect(page.getByTestId('creation-progress')).toBeVisible();
}

/** A task as `GET /api/v1/tasks/:id` answers (the fields the suites read). */
export interface TaskJson {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  target: string;
  error: { code: string; message: string } | null;
}

/** The newest `guest.create` task of domain `name` (`GET /api/v1/tasks`: newest first). */
export async function guestTask(request: APIRequestContext, name: string): Promise<TaskJson> {
  const res = await request.get('/api/v1/tasks');
  expect(res.status()).toBe(200);
  const tasks = (await res.json()) as TaskJson[];
  const task = tasks.find((t) => t.kind === 'guest.create' && t.target === `domain:${name}`);
  expect(task, `a guest.create task for ${name}`).toBeDefined();
  return task as TaskJson;
}

/** Waits for `GET /api/v1/tasks/:id` to end (succeeded or failed); returns the task. */
export async function taskEnd(
  request: APIRequestContext,
  id: string,
  timeoutMs: number,
): Promise<TaskJson> {
  let task: TaskJson | undefined;
  await expect(async () => {
    task = (await (await request.get(`/api/v1/tasks/${id}`)).json()) as TaskJson;
    expect(['succeeded', 'failed']).toContain(task.state);
  }).toPass({ timeout: timeoutMs, intervals: [2_000] });
  return task as TaskJson;
}
