import { expect, type Page, type TestInfo } from '@playwright/test';

/** Logs in as admin through the login form, with the password the project's metadata carries. */
export async function login(page: Page, testInfo: TestInfo): Promise<void> {
  const password = String(testInfo.project.metadata.adminPassword ?? '');
  if (!password) throw new Error(`no admin password for project ${testInfo.project.name}`);
  await loginAs(page, 'admin', password);
}

/** Logs in as `username` through the login form and waits for the logged-in frame. */
export async function loginAs(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

/** Saves a full-page screenshot into the test's artifacts (and attaches it to the report). */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** The domains page (one click from anywhere). */
export async function openDomains(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Domains' }).first().click();
  await expect(page.getByTestId('domain-row-Domain-0')).toBeVisible();
}

/** The config files page. */
export async function openConfigs(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Config files' }).first().click();
}
