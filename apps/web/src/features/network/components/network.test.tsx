import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DomainVif, NetworkBridges, VifAttachResult } from '@xendeck/api';
import { describe, expect, it } from 'vitest';
import { domain } from '@/test/fixtures';
import {
  createTestQueryClient,
  jsonResponse,
  mockFetch,
  type RecordedRequest,
  renderWithProviders,
} from '@/test/render';
import { DomainNetworkPanel } from './domain-network-panel';
import { NetworkPage } from './network-page';

const web = domain({ domid: 7, name: 'web', type: 'pv', state: 'blocked' });
const win = domain({ domid: 8, name: 'win', type: 'hvm', state: 'running' });

const port = (
  p: Partial<NetworkBridges['bridges'][number]['ports'][number]> & { name: string },
) => ({
  kind: 'vif' as const,
  domain: null,
  devid: null,
  mac: null,
  ips: [],
  ipSource: null,
  rateBytesPerSec: null,
  model: null,
  state: 'forwarding',
  operstate: 'up',
  ...p,
});

const bridges: NetworkBridges = {
  simulated: false,
  bridges: [
    {
      name: 'xenbr0',
      mac: 'ca:37:5e:e1:8b:7d',
      operstate: 'up',
      mtu: 1500,
      ports: [
        port({ name: 'eth0', kind: 'uplink', mac: '52:54:00:12:34:56' }),
        port({
          name: 'vif7.0',
          domain: { name: 'web', domid: 7 },
          devid: 0,
          mac: '00:16:3e:00:00:07',
          ips: ['10.0.2.15'],
          ipSource: 'neighbour',
          rateBytesPerSec: 1_250_000,
        }),
      ],
    },
    { name: 'xenbr1', mac: null, operstate: 'up', mtu: 1500, ports: [] },
  ],
};

const vif0: DomainVif = {
  devid: 0,
  mac: '00:16:3e:00:00:07',
  bridge: 'xenbr0',
  vifName: 'vif7.0',
  ip: null,
  model: null,
  rateBytesPerSec: null,
  backendDomid: 0,
  type: 'vif',
};

/** A small server: web (PV, one vif) and win (HVM, no vif); attach and detach change `vifs`. */
function serve() {
  const vifs: Record<string, DomainVif[]> = { web: [{ ...vif0 }], win: [] };
  return mockFetch((req: RecordedRequest) => {
    const path = req.url.replace('/api/v1', '');
    const body = req.body as Record<string, unknown>;
    if (path === '/domains') return jsonResponse(200, [web, win]);
    if (path === '/network/bridges') return jsonResponse(200, bridges);
    const m = /^\/domains\/(\w+)\/vifs(?:\/(\d+))?(\?persist=1)?$/.exec(path);
    const name = m?.[1] ?? '';
    if (m && req.method === 'GET') {
      return jsonResponse(200, {
        name,
        domid: name === 'web' ? 7 : 8,
        hvm: name === 'win',
        vifs: vifs[name],
      });
    }
    if (m && req.method === 'POST') {
      const added: DomainVif = {
        ...vif0,
        devid: 1,
        vifName: 'vif7.1',
        mac: (body.mac as string | undefined) ?? '00:16:3e:11:22:33',
        bridge: body.bridge as string,
      };
      vifs[name]?.push(added);
      const r: VifAttachResult = {
        name,
        domid: 7,
        command: `xl network-attach ${name} mac=${added.mac} bridge=${added.bridge}`,
        persisted: null,
        vif: added,
      };
      return jsonResponse(200, r);
    }
    if (m && req.method === 'DELETE') {
      vifs[name] = (vifs[name] ?? []).filter((v) => v.devid !== Number(m[2]));
      return jsonResponse(200, {
        name,
        domid: 7,
        command: `xl network-detach ${name} ${m[2]}`,
        persisted: m[3]
          ? {
              path: `/etc/xen/${name}.cfg`,
              changes: [{ key: 'vif', before: "['x']", after: '[]' }],
              written: true,
              etag: `"${'b'.repeat(32)}"`,
              versionId: 3,
            }
          : null,
      });
    }
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
}

describe('<NetworkPage>', () => {
  it('shows each bridge with its uplink and vifs: domain link, MAC, IP and its source, rate', async () => {
    serve();
    renderWithProviders(<NetworkPage />);
    const br0 = await screen.findByTestId('bridge-xenbr0');
    expect(br0).toHaveTextContent('uplink eth0');
    const row = within(br0).getByTestId('port-vif7.0');
    expect(within(row).getByRole('link', { name: 'web' })).toHaveAttribute(
      'href',
      '/domains/web?view=network',
    );
    expect(row).toHaveTextContent('00:16:3e:00:00:07');
    expect(row).toHaveTextContent('10.0.2.15');
    expect(row).toHaveTextContent('ARP table');
    expect(row).toHaveTextContent('1.3 MB/s');
    expect(within(br0).getByTestId('port-eth0')).toHaveTextContent('uplink');
    expect(screen.getByTestId('bridge-xenbr1')).toHaveTextContent('no uplink (host-only)');
    expect(screen.queryByTestId('network-simulated')).toBeNull();
  });
});

describe('<DomainNetworkPanel>', () => {
  it('an operator sees the vifs but neither Add vif nor Remove (hotplug scripts: admins only)', async () => {
    serve();
    renderWithProviders(
      <DomainNetworkPanel name="web" />,
      createTestQueryClient({
        username: 'op',
        role: 'operator',
        totpEnabled: false,
        backend: 'simulated',
      }),
    );
    expect(await screen.findByTestId('vif-row-0')).toHaveTextContent('vif7.0');
    expect(screen.queryByTestId('vif-remove-0')).not.toBeInTheDocument();
    expect(screen.queryByTestId('vif-add-form')).not.toBeInTheDocument();
  });

  it('lists the vifs; Add vif sends the form, shows the xl twin before and the result after', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<DomainNetworkPanel name="web" />);
    expect(await screen.findByTestId('vif-row-0')).toHaveTextContent('vif7.0');
    const form = screen.getByTestId('vif-add-form');
    await waitFor(() =>
      expect(within(form).getByRole('combobox', { name: /Bridge/ })).toHaveValue('xenbr0'),
    );
    // PV: no NIC model field.
    expect(within(form).queryByRole('combobox', { name: /NIC model/ })).toBeNull();
    await user.selectOptions(within(form).getByRole('combobox', { name: /Bridge/ }), 'xenbr1');
    await user.type(within(form).getByRole('textbox', { name: /MAC/ }), 'zz');
    expect(form).toHaveTextContent('six hex octets');
    expect(within(form).getByRole('button', { name: 'Add vif' })).toBeDisabled();
    await user.clear(within(form).getByRole('textbox', { name: /MAC/ }));
    await user.type(within(form).getByRole('textbox', { name: /MAC/ }), '00:16:3e:aa:bb:cc');
    await user.type(within(form).getByRole('textbox', { name: /Rate/ }), '10Mb/s');
    expect(
      within(form).getByText(
        'xl network-attach web mac=00:16:3e:aa:bb:cc bridge=xenbr1 rate=10Mb/s',
      ),
    ).toBeInTheDocument();
    await user.click(within(form).getByRole('checkbox'));
    await user.click(within(form).getByRole('button', { name: 'Add vif' }));
    expect(await screen.findByTestId('vif-row-1')).toHaveTextContent('00:16:3e:aa:bb:cc');
    expect(screen.getByTestId('vif-outcome')).toHaveTextContent(
      'xl network-attach web mac=00:16:3e:aa:bb:cc bridge=xenbr1',
    );
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.body).toEqual({
      bridge: 'xenbr1',
      mac: '00:16:3e:aa:bb:cc',
      rate: '10Mb/s',
      persist: true,
    });
  });

  it('Remove asks first, shows the xl twin, and can also write the config', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<DomainNetworkPanel name="web" />);
    await user.click(await screen.findByTestId('vif-remove-0'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('xl network-detach web 0');
    await user.click(within(dialog).getByRole('checkbox'));
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByTestId('vif-row-0')).toBeNull());
    expect(screen.getByTestId('vif-outcome')).toHaveTextContent('Written to /etc/xen/web.cfg');
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual([
      '/api/v1/domains/web/vifs/0?persist=1',
    ]);
  });

  it('an HVM guest gets the NIC model select; a stopped domain says so', async () => {
    serve();
    const { unmount } = renderWithProviders(<DomainNetworkPanel name="win" />);
    expect(await screen.findByRole('combobox', { name: /NIC model/ })).toBeInTheDocument();
    unmount();
    renderWithProviders(<DomainNetworkPanel name="gone" />);
    expect(await screen.findByTestId('network-not-running')).toBeInTheDocument();
  });
});
