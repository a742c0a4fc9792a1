/**
 * Save and restore against the simulated host (which writes real image files with xl's header):
 * Save… on web-01's page (the xl save twin shown), the task to the end, web-01 gone from the
 * domain list and listed on /saved with the config it was saved with; Restore (the xl restore
 * twin) brings it back under a new domid, its text console connects; the image is kept as
 * `.web-01.restored-<stamp>`, Restore is refused on it, and it is deleted with its name typed.
 */
import { type APIRequestContext, expect, test } from '@playwright/test';
import { consolePath } from '../../lib/consoles.js';
import { login, snap } from '../../lib/ui.js';

const NAME = 'web-01';

async function domid(request: APIRequestContext): Promise<number | undefined> {
  const list = (await (await request.get('/api/v1/domains')).json()) as {
    name: string;
    domid: number;
  }[];
  return list.find((d) => d.name === NAME)?.domid;
}

test('save web-01, see it gone and listed, restore it under a new domid, delete the kept image', async ({
  page,
}, testInfo) => {
  await login(page, testInfo);
  const before = await domid(page.request);
  expect(before).toBeDefined();
  await page.goto(`/domains/${NAME}`);
  await page.getByTestId('save-domain-button').click();
  const dialog = page.getByTestId('save-domain-dialog');
  await expect(
    dialog.getByText(new RegExp(`^xl save ${NAME} /.+/sim-save/${NAME}$`)),
  ).toBeVisible();
  await dialog.getByTestId('save-submit').click();
  // The Saved images page follows the task (without a checkpoint the domain goes away).
  await expect(page).toHaveURL(/\/saved\?task=t-/);
  await expect(page.getByTestId('saved-image-task')).toHaveAttribute('data-state', 'succeeded');
  await expect.poll(() => domid(page.request)).toBeUndefined();

  const row = page.getByTestId(`saved-image-row-${NAME}`);
  await expect(row).toContainText('PVH · 1.0 GiB · 2 vCPUs');
  await expect(row).toContainText('1.0 GiB');
  await row.getByTestId('saved-image-restore').click();
  await expect(page.getByRole('dialog').getByText(/^xl restore \/.+\/web-01$/)).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('saved-image-task').first()).toHaveAttribute(
    'data-state',
    'succeeded',
  );
  await expect.poll(() => domid(page.request)).toBeDefined();
  const after = await domid(page.request);
  expect(after).toBeDefined();
  expect(after).not.toBe(before);

  const kept = page.locator('[data-testid^="saved-image-row-.web-01.restored-"]');
  await expect(kept).toHaveAttribute('data-state', 'restored');
  await expect(kept.getByTestId('saved-image-restore')).toBeDisabled();
  await snap(page, testInfo, 'saved-restored');
  const keptName = ((await kept.getAttribute('data-testid')) ?? '').replace('saved-image-row-', '');
  await kept.getByTestId('saved-image-delete-button').click();
  await page.getByTestId('saved-image-delete-confirm-input').fill(keptName);
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(kept).toHaveCount(0);

  // The restored domain's text console works (it follows the name, not the old domid).
  await page.goto(consolePath(NAME, 'pv'));
  await expect(page.getByTestId('console-status')).toHaveText('Connected');
});
