// Screenshots of the console toolbar's CD menu against a running server on the simulated backend,
// light and dark: the menu with the CD in hdc, the Insert/Change dialog listing the ISO library,
// the "Eject and boot from disk" dialog with the config diff, and what it says after Apply.
// It writes an HVM config `xg-installing.cfg` (the library's demo ISO in hdc, boot "dc") into the
// simulated config dir and a sparse `debian-12.8.0-amd64-netinst.iso` into the simulated ISO
// library, both under the server's XENDECK_STATE_DIR, and starts the domain for each scheme.
// Usage: node apps/web/scripts/cdrom-screenshots.mjs <baseUrl> <password> <outDir> <stateDir>
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base = 'http://127.0.0.1:18190', password = 'admin-pass-123', out = '/tmp/shots', stateDir] =
  process.argv.slice(2);
if (!stateDir)
  throw new Error('usage: cdrom-screenshots.mjs <baseUrl> <password> <outDir> <stateDir>');

const name = 'xg-installing';
const isoDir = join(stateDir, 'sim-iso');
const config = `# ${name}: Debian 12 web server for customer 4711 (installing)
name = "${name}"
type = "hvm"
memory = 1024      # MiB
vcpus = 2
boot = "dc"        # the CD first while installing
disk = [
    'phy:/dev/vg0/${name},xvda,w',                          # root
    'file:${isoDir}/xendeck-demo-installer.iso,hdc:cdrom,r',  # the installer
]
vif = [ 'bridge=xenbr0' ]
vnc = 1
vnclisten = "127.0.0.1"
serial = "pty"
`;
const netinst = join(isoDir, 'debian-12.8.0-amd64-netinst.iso');
writeFileSync(netinst, '');
truncateSync(netinst, 658_505_728);

await forEachScheme(
  { base, password, out, prefix: 'console-cdrom', defaultWaitMs: 600 },
  async ({ page, shot }) => {
    await page.request.post(`${base}/api/v1/domains/${name}/destroy`, { data: {} });
    writeFileSync(join(stateDir, 'sim-etc-xen', `${name}.cfg`), config);
    const started = await page.request.post(`${base}/api/v1/domains/${name}/start`, { data: {} });
    if (started.status() !== 201)
      throw new Error(`start: ${started.status()} ${await started.text()}`);

    await page.goto(`${base}/domains/${name}?view=console&console=vnc`);
    await page.getByTestId('console-status').filter({ hasText: 'Connected' }).waitFor();
    const cd = page.getByTestId('cdrom-menu-button');
    await cd.filter({ hasText: 'xendeck-demo-installer.iso' }).waitFor();
    await cd.click();
    await shot('menu', 1200);

    await page.getByTestId('cdrom-insert-hdc').click();
    const insert = page.getByTestId('insert-iso-dialog');
    await insert.getByTestId('insert-iso-option-debian-12.8.0-amd64-netinst.iso').click();
    await shot('insert');
    await insert.getByRole('button', { name: 'Cancel' }).click();

    await cd.click();
    await page.getByTestId('cdrom-boot-from-disk').click();
    const dialog = page.getByTestId('boot-from-disk-dialog');
    await dialog.getByTestId('config-diff').locator('.cm-editor').waitFor();
    await shot('boot-from-disk', 800);
    await dialog.getByTestId('boot-from-disk-apply').click();
    await dialog.getByTestId('boot-from-disk-done').waitFor();
    await shot('boot-from-disk-done');
    await dialog.getByRole('button', { name: 'Close' }).click();
  },
);
