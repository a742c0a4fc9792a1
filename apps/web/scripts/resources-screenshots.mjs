// Screenshots of the domain page's Resources tab against a running server on the simulated
// backend, light and dark: a PV guest's memory, vCPUs (xl vcpu-list table), pinning and credit2
// before any change; after setting memory and vCPUs with "Also write to <name>.cfg" and pinning
// vCPU 1 (what was written shown under each form); and an HVM guest with its CD-ROM menu.
// It writes `lc-web.cfg` (PV) and `lc-win.cfg` (HVM, the library's demo ISO in hdc) into the
// simulated config dir under the server's XENDECK_STATE_DIR and starts both for each scheme.
// Usage: node apps/web/scripts/resources-screenshots.mjs <baseUrl> <password> <outDir> <stateDir>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base = 'http://127.0.0.1:18311', password = 'admin-pass-123', out = '/tmp/shots', stateDir] =
  process.argv.slice(2);
if (!stateDir)
  throw new Error('usage: resources-screenshots.mjs <baseUrl> <password> <outDir> <stateDir>');

const configs = {
  'lc-web': `# lc-web: PHP shop of customer 4711
name = "lc-web"
type = "pv"
kernel = "/var/lib/xendeck-lab/run/vmlinuz"
memory = 512       # MiB at boot
maxmem = 1024
vcpus = 2
maxvcpus = 4
disk = [ 'phy:/dev/vg0/lc-web,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
`,
  'lc-win': `# lc-win: Windows desktop of customer 815
name = "lc-win"
type = "hvm"
memory = 2048
vcpus = 2
disk = [
    'phy:/dev/vg0/lc-win,xvda,w',
    'file:${join(stateDir, 'sim-iso')}/xendeck-demo-installer.iso,hdc:cdrom,r',
]
vnc = 1
vnclisten = "127.0.0.1"
`,
};

await forEachScheme(
  { base, password, out, prefix: 'resources', defaultWaitMs: 700 },
  async ({ page, shot }) => {
    for (const [name, text] of Object.entries(configs)) {
      await page.request.post(`${base}/api/v1/domains/${name}/destroy`, { data: {} });
      writeFileSync(join(stateDir, 'sim-etc-xen', `${name}.cfg`), text);
      const started = await page.request.post(`${base}/api/v1/domains/${name}/start`, { data: {} });
      if (started.status() !== 201)
        throw new Error(`start ${name}: ${started.status()} ${await started.text()}`);
    }

    await page.goto(`${base}/domains/lc-web?view=resources`);
    await page.getByTestId('vcpu-row-3').waitFor();
    await shot('pv');

    await page.getByTestId('resources-memory-input').fill('768');
    await page.getByTestId('resources-memory-persist').check();
    await page.getByTestId('resources-memory-apply').click();
    await page.getByTestId('resources-memory-outcome').waitFor();
    await page.getByTestId('resources-vcpus-input').fill('3');
    await page.getByTestId('resources-vcpus-persist').check();
    await page.getByTestId('resources-vcpus-apply').click();
    await page.getByTestId('resources-vcpus-outcome').waitFor();
    await page.getByTestId('resources-pin-vcpu').selectOption('1');
    await page.getByTestId('resources-pin-hard').fill('2-3');
    await page.getByTestId('resources-pin-apply').click();
    await page.getByTestId('resources-pin-outcome').waitFor();
    await page.getByTestId('resources-weight').fill('512');
    await page.getByTestId('resources-sched-apply').click();
    await page.getByTestId('resources-sched-outcome').waitFor();
    await shot('pv-changed', 1500);

    await page.goto(`${base}/domains/lc-win?view=resources`);
    await page.getByTestId('resources-cdrom').waitFor();
    await page.getByTestId('cdrom-menu-button').filter({ hasText: 'xendeck-demo' }).waitFor();
    await page.getByTestId('cdrom-menu-button').click();
    await shot('hvm-cdrom');
  },
);
