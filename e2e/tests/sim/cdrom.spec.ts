/**
 * The console toolbar's CD menu on the simulated host: an HVM guest started from a config with the
 * library's demo ISO in hdc; eject, insert another ISO from the library, then "Eject and boot from
 * disk": the dialog shows the config diff, Apply writes it (the file's text checked through the
 * config API) and ejects. The lab suite does the same against real QEMU.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openConsole } from '../../lib/consoles.js';
import { login, snap } from '../../lib/ui.js';

const STATE_DIR = process.env.XENDECK_E2E_SIM_STATE_DIR ?? '';
/** The simulated host's config dir and ISO library (apps/server config.ts defaults). */
const CONFIG_DIR = join(STATE_DIR, 'sim-etc-xen');
const ISO_DIR = join(STATE_DIR, 'sim-iso');
/** Seeded into the simulated ISO library at first start (apps/server/src/isos/library.ts). */
const SEED_ISO = 'xendeck-demo-installer.iso';
const RESCUE_ISO = 'xg-rescue.iso';
const NAME = 'xg-installing';

const CONFIG = `# ${NAME}: installing from the library's ISO (e2e)
name = "${NAME}"
type = "hvm"
memory = 256       # MiB
boot = "dc"        # the CD first while installing
disk = [
    'phy:/dev/vg0/${NAME},xvda,w',
    'file:${ISO_DIR}/${SEED_ISO},hdc:cdrom,r',
]
vnc = 1
`;

test('insert, eject, and eject-and-boot-from-disk from the console toolbar', async ({
  page,
}, testInfo) => {
  writeFileSync(join(CONFIG_DIR, `${NAME}.cfg`), CONFIG);
  writeFileSync(join(ISO_DIR, RESCUE_ISO), Buffer.alloc(64 * 1024, 0x43));
  await login(page, testInfo);
  const started = await page.request.post(`/api/v1/domains/${NAME}/start`, { data: {} });
  expect(started.status(), await started.text()).toBe(201);

  await openConsole(page, NAME, 'vnc');
  const cd = page.getByTestId('cdrom-menu-button');
  await expect(cd).toHaveText(`CD: ${SEED_ISO}`);

  // Eject.
  await cd.click();
  await expect(page.getByTestId('cdrom-drive-hdc')).toHaveText(`hdc: ${SEED_ISO}`);
  await snap(page, testInfo, 'sim-cdrom-menu');
  await page.getByTestId('cdrom-eject-hdc').click();
  await expect(cd).toHaveText('CD: Empty');

  // Insert another ISO of the library.
  await cd.click();
  await page.getByTestId('cdrom-insert-hdc').click();
  const insert = page.getByTestId('insert-iso-dialog');
  await expect(insert.getByTestId(`insert-iso-option-${SEED_ISO}`)).toBeVisible();
  await insert.getByTestId(`insert-iso-option-${RESCUE_ISO}`).click();
  await snap(page, testInfo, 'sim-cdrom-insert');
  await insert.getByTestId('insert-iso-submit').click();
  await expect(insert).toBeHidden();
  await expect(cd).toHaveText(`CD: ${RESCUE_ISO}`);
  const drives = await (await page.request.get(`/api/v1/domains/${NAME}/cdrom`)).json();
  expect(drives.drives).toEqual([
    { vdev: 'hdc', target: join(ISO_DIR, RESCUE_ISO), iso: RESCUE_ISO },
  ]);

  // Eject and boot from disk: the diff, then Apply.
  await cd.click();
  await page.getByTestId('cdrom-boot-from-disk').click();
  const dialog = page.getByTestId('boot-from-disk-dialog');
  await expect(dialog.getByTestId('boot-from-disk-changes')).toContainText('Boot order "dc" → "c"');
  await expect(dialog.getByTestId('boot-from-disk-changes')).toContainText(
    'Eject now from the running domain: hdc',
  );
  await expect(dialog.getByTestId('config-diff')).toContainText("boot = 'c'");
  await snap(page, testInfo, 'sim-boot-from-disk-preview');
  await dialog.getByTestId('boot-from-disk-apply').click();
  await expect(dialog.getByTestId('boot-from-disk-done')).toContainText('now boots from the disk');
  await expect(dialog.getByTestId('boot-from-disk-done')).toContainText('CD ejected from hdc');
  await snap(page, testInfo, 'sim-boot-from-disk-done');

  const config = await (await page.request.get(`/api/v1/configs/${NAME}`)).json();
  expect(config.text).toBe(
    CONFIG.replace('boot = "dc"', "boot = 'c'").replace(
      `'file:${ISO_DIR}/${SEED_ISO},hdc:cdrom,r'`,
      "'format=empty, vdev=hdc, access=ro, devtype=cdrom'",
    ),
  );
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(cd).toHaveText('CD: Empty');

  await page.request.post(`/api/v1/domains/${NAME}/destroy`, { data: {} });
});
