// Screenshots of the Network page and the domain page's Network tab against a running server on
// the simulated backend, light and dark: the bridges (xenbr0 with its uplink, xenbr1 host-only,
// the simulated guests' vifs); a PV guest's Network tab; its Add vif form filled in (MAC, rate,
// also write to the config: the xl twin shown); after the attach; the Remove confirmation.
// It writes `nw-web.cfg` (PV, one vif) into the simulated config dir under the server's
// XENDECK_STATE_DIR and starts it for each scheme.
// Usage: node apps/web/scripts/network-screenshots.mjs <baseUrl> <password> <outDir> <stateDir>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachScheme } from './lib/screenshot-session.mjs';

const [base = 'http://127.0.0.1:18377', password = 'admin-pass-123', out = '/tmp/shots', stateDir] =
  process.argv.slice(2);
if (!stateDir)
  throw new Error('usage: network-screenshots.mjs <baseUrl> <password> <outDir> <stateDir>');

const config = `# nw-web: shop of customer 4711
name = "nw-web"
type = "pv"
kernel = "/var/lib/xendeck-lab/run/vmlinuz"
memory = 512
vif = [ 'mac=00:16:3e:47:11:01, bridge=xenbr0, ip=198.51.100.17' ]   # public
`;

await forEachScheme(
  { base, password, out, prefix: 'network', defaultWaitMs: 700 },
  async ({ page, shot }) => {
    await page.request.post(`${base}/api/v1/domains/nw-web/destroy`, { data: {} });
    writeFileSync(join(stateDir, 'sim-etc-xen', 'nw-web.cfg'), config);
    const started = await page.request.post(`${base}/api/v1/domains/nw-web/start`, { data: {} });
    if (started.status() !== 201)
      throw new Error(`start nw-web: ${started.status()} ${await started.text()}`);

    await page.goto(`${base}/network`);
    await page.getByTestId('bridge-xenbr1').waitFor();
    await shot('bridges');

    await page.goto(`${base}/domains/nw-web?view=network`);
    await page.getByTestId('vif-row-0').waitFor();
    const form = page.getByTestId('vif-add-form');
    await form.getByRole('combobox', { name: /Bridge/ }).selectOption('xenbr1');
    await form.getByRole('textbox', { name: /MAC/ }).fill('00:16:3e:47:11:02');
    await form.getByRole('textbox', { name: /Rate/ }).fill('10Mb/s');
    await page.getByTestId('vif-add-persist-box').check();
    await shot('domain-add');
    await form.getByRole('button', { name: 'Add vif' }).click();
    await page.getByTestId('vif-row-1').waitFor();
    await page.getByTestId('vif-outcome').waitFor();
    await shot('domain-added');

    await page.getByTestId('vif-remove-1').click();
    await page.getByRole('dialog').waitFor();
    await shot('domain-remove');
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('vif-row-1').waitFor({ state: 'detached' });
  },
);
