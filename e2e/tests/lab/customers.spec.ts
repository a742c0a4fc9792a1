/**
 * A customer on real Xen (issue 11 §5): the admin makes two small PV guests and a customer who
 * is granted view, console and power on one of them. In their own browser the customer
 * - sees only their guest (not the other, not dom0) in the domains list;
 * - reboots it from the list (dom0's `xl domid` changes: a PV reboot is a new domain);
 * - uses its text console (the busybox shell answers);
 * - cannot reach the other guest by URL: its page says not found, its REST answer and both
 *   console websocket upgrades are 404 (as for a domain that does not exist), and the customer
 *   cannot read a config file or the storage list (404 / 403);
 * and the audit log shows both users' actions: the admin's user and grant changes, the
 * customer's reboot (with its `xl reboot` command); the customer's own audit view holds only
 * rows of their guest. Guests, their configs and the user are removed whatever happens.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { consoleSocketUrl, cookieHeader, upgradeRequest } from '../../lib/consoles.js';
import { labUrl, xlDomid } from '../../lib/lab.js';
import { createPvGuest, removePvGuest, waitForShell } from '../../lib/pv-guest.js';
import { login, loginAs, snap } from '../../lib/ui.js';

test.describe.configure({ mode: 'serial' });

const MINE = 'cu-mine';
const OTHER = 'cu-other';
const CUSTOMER = 'cu-alice';
const CUSTOMER_PASSWORD = 'cu-alice-password-1';

async function removeUser(page: Page): Promise<void> {
  const r = await page.request.delete(`/api/v1/users/${CUSTOMER}`, { data: {} });
  expect([204, 404]).toContain(r.status());
}

/** A fresh browser context logged in as the customer. */
async function customerPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: labUrl() });
  const page = await context.newPage();
  await loginAs(page, CUSTOMER, CUSTOMER_PASSWORD);
  return page;
}

test.afterAll(async ({ browser }, testInfo) => {
  await removePvGuest(MINE);
  await removePvGuest(OTHER);
  const context = await browser.newContext({ baseURL: labUrl() });
  const page = await context.newPage();
  await login(page, testInfo);
  await removeUser(page);
  await context.close();
});

test('a customer sees and runs only their guest; the audit log shows both users', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(1_200_000);
  await removePvGuest(MINE);
  await removePvGuest(OTHER);
  await login(page, testInfo);
  await removeUser(page);

  await createPvGuest(page.request, MINE, { memoryMiB: 128 });
  await createPvGuest(page.request, OTHER, { memoryMiB: 128 });
  const created = await page.request.post('/api/v1/users', {
    data: { username: CUSTOMER, password: CUSTOMER_PASSWORD, role: 'customer' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const granted = await page.request.put(`/api/v1/users/${CUSTOMER}/grants`, {
    data: { grants: [{ domain: MINE, permissions: ['view', 'console', 'power'] }] },
  });
  expect(granted.status(), await granted.text()).toBeLessThan(300);

  const customer = await customerPage(browser);
  // Only their guest in the list.
  await customer.goto('/domains');
  await expect(customer.getByTestId(`domain-row-${MINE}`)).toBeVisible();
  await expect(customer.getByTestId(`domain-row-${OTHER}`)).toHaveCount(0);
  await expect(customer.getByTestId('domain-row-Domain-0')).toHaveCount(0);
  const list = await customer.request.get('/api/v1/domains');
  expect(list.status()).toBe(200);
  const names = ((await list.json()) as { name: string }[]).map((d) => d.name);
  expect(names).toEqual([MINE]);
  await snap(customer, testInfo, 'customer-domains');

  // The other guest does not exist for them: page, REST, both console websockets.
  await customer.goto(`/domains/${OTHER}?view=console&console=pv`);
  await expect(customer.getByText(/not found|no domain/i).first()).toBeVisible();
  expect((await customer.request.get(`/api/v1/domains/${OTHER}`)).status()).toBe(404);
  expect(
    (await customer.request.post(`/api/v1/domains/${OTHER}/reboot`, { data: {} })).status(),
  ).toBe(404);
  const cookie = await cookieHeader(customer.context(), labUrl());
  const origin = labUrl();
  for (const kind of ['pv', 'vnc'] as const) {
    const refused = await upgradeRequest(consoleSocketUrl(labUrl(), OTHER, kind), {
      Cookie: cookie,
      Origin: origin,
    });
    expect(refused.status, `${kind} console of ${OTHER}`).toBe(404);
  }
  // Nor anything of the host's: a config file, storage.
  expect([403, 404]).toContain((await customer.request.get(`/api/v1/configs/${MINE}`)).status());
  expect([403, 404]).toContain(
    (await customer.request.get('/api/v1/storage/volume-groups')).status(),
  );

  // Their own console works.
  await waitForShell(customer, MINE, 'cu');
  await snap(customer, testInfo, 'customer-console');

  // Reboot from the list: a PV reboot makes a new domain (new domid).
  const before = await xlDomid(MINE);
  expect(before).not.toBeNull();
  await customer.goto('/domains');
  const row = customer.getByTestId(`domain-row-${MINE}`);
  await row.getByRole('button', { name: 'Reboot' }).click();
  await customer.getByRole('dialog').getByRole('button', { name: 'Reboot' }).click();
  await expect
    .poll(
      async () => {
        const now = await xlDomid(MINE);
        return now !== null && now !== before;
      },
      { timeout: 300_000, intervals: [3_000] },
    )
    .toBe(true);
  await waitForShell(customer, MINE, 'cu2');

  // The audit log: the admin sees both users' actions.
  const all = await page.request.get('/api/v1/audit?limit=200');
  expect(all.status()).toBe(200);
  const rows = ((await all.json()) as { entries: AuditRow[] }).entries;
  const reboot = rows.find(
    (r) => r.user === CUSTOMER && r.action === 'domain.reboot' && r.result === 'ok',
  );
  expect(reboot, JSON.stringify(rows.slice(0, 20))).toBeTruthy();
  expect(reboot?.command).toBe(`xl reboot ${MINE}`);
  expect(rows.some((r) => r.user === 'admin' && r.action === 'user.create')).toBe(true);
  await page.goto('/audit');
  await expect(page.getByRole('cell', { name: CUSTOMER }).first()).toBeVisible();
  await snap(page, testInfo, 'admin-audit');

  // The customer's own audit view: only rows of their guest.
  const own = await customer.request.get('/api/v1/audit?limit=200');
  expect(own.status()).toBe(200);
  const ownRows = ((await own.json()) as { entries: AuditRow[] }).entries;
  expect(ownRows.length).toBeGreaterThan(0);
  for (const r of ownRows) expect(r.domain).toBe(MINE);
  await customer.context().close();
});

/** The fields of an audit row this spec reads (`GET /api/v1/audit`, @xendeck/api audit.ts). */
interface AuditRow {
  user: string | null;
  action: string;
  domain: string | null;
  result: string;
  command: string | null;
}
