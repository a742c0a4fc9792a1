import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { BootFromDiskResult, CdromStatus, IsoChoices } from '@xendeck/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { domain } from '@/test/fixtures';
import {
  createTestQueryClient,
  jsonResponse,
  mockFetch,
  type RecordedRequest,
  renderWithProviders,
} from '@/test/render';
import { CdromMenu, cdLabel } from './cdrom-menu';

const ISO_DIR = '/var/lib/xendeck/iso';
const inst = domain({ domid: 7, name: 'inst', type: 'hvm', state: 'running' });

const BEFORE = `name = "inst"\nboot = "dc"  # CD first\ndisk = [ 'phy:/dev/vg0/inst,xvda,w', 'file:${ISO_DIR}/debian-12.iso,hdc:cdrom,r' ]\n`;
const AFTER = `name = "inst"\nboot = 'c'  # CD first\ndisk = [ 'phy:/dev/vg0/inst,xvda,w', 'format=empty, vdev=hdc, access=ro, devtype=cdrom' ]\n`;

/** `GET /domains/inst/cdrom/isos`: what the Insert dialog lists, for every role. */
const isos: IsoChoices = {
  isos: [
    { name: 'debian-12.iso', sizeBytes: 658_505_728 },
    { name: 'rescue.iso', sizeBytes: 48 * 1024 ** 2 },
  ],
};

/** A small server: one HVM domain with hdc, the library, boot-from-disk with an ETag check. */
function serve(opts: { running?: boolean; failEject?: boolean } = {}) {
  let target: string | null = `${ISO_DIR}/debian-12.iso`;
  let file = BEFORE;
  const etag = () => (file === BEFORE ? '"e-before"' : '"e-after"');
  const status = (): CdromStatus => ({
    name: 'inst',
    domid: 7,
    hvm: true,
    drives: [{ vdev: 'hdc', target, iso: target ? (target.split('/').pop() ?? null) : null }],
  });
  const preview = (dryRun: boolean): BootFromDiskResult => ({
    name: 'inst',
    path: '/etc/xen/inst.cfg',
    dryRun,
    running: opts.running !== false,
    before: file,
    after: AFTER,
    etag: etag(),
    changes:
      file === BEFORE
        ? [
            { kind: 'boot', before: 'dc', after: 'c' },
            {
              kind: 'cdrom',
              vdev: 'hdc',
              before: `file:${ISO_DIR}/debian-12.iso,hdc:cdrom,r`,
              after: 'format=empty, vdev=hdc, access=ro, devtype=cdrom',
            },
          ]
        : [],
    eject: target && opts.running !== false ? ['hdc'] : [],
    written: false,
  });
  return mockFetch((req: RecordedRequest) => {
    const path = req.url.replace('/api/v1', '');
    if (path === '/domains/inst/cdrom') return jsonResponse(200, status());
    if (path === '/domains/inst/cdrom/isos') return jsonResponse(200, isos);
    if (path === '/domains/inst/cdrom/hdc/eject') {
      if (opts.failEject) {
        return jsonResponse(500, {
          error: { code: 'LIBXL_ERROR', message: 'libxl_cdrom_insert failed' },
        });
      }
      target = null;
      return jsonResponse(200, status());
    }
    if (path === '/domains/inst/cdrom/hdc/insert') {
      target = `${ISO_DIR}/${(req.body as { iso: string }).iso}`;
      return jsonResponse(200, status());
    }
    if (path === '/domains/inst/boot-from-disk') {
      const body = req.body as { dryRun: boolean };
      if (body.dryRun) return jsonResponse(200, preview(true));
      if (req.headers['if-match'] !== etag()) {
        return jsonResponse(409, {
          error: {
            code: 'CONFIG_CHANGED',
            message: '/etc/xen/inst.cfg changed since you loaded it',
          },
        });
      }
      const answer = { ...preview(false), written: true, newEtag: '"e-after"', versionId: 12 };
      file = AFTER;
      target = null;
      return jsonResponse(200, answer);
    }
    if (path === '/domains/inst/shutdown' || path === '/domains/inst/start') {
      return path.endsWith('start')
        ? jsonResponse(201, { domid: 8, name: 'inst', output: '' })
        : new Response(null, { status: 204 });
    }
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
}

beforeEach(() => {
  localStorage.clear();
});

describe('cdLabel', () => {
  it('names the library ISO, else the path, else Empty', () => {
    expect(cdLabel({ iso: 'a.iso', target: '/x/a.iso' })).toBe('a.iso');
    expect(cdLabel({ iso: null, target: '/srv/b.iso' })).toBe('/srv/b.iso');
    expect(cdLabel({ iso: null, target: null })).toBe('Empty');
  });
});

describe('<CdromMenu>', () => {
  it('shows the CD in the button, ejects, then inserts another ISO from the library', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<CdromMenu name="inst" domain={inst} />);
    const button = await screen.findByTestId('cdrom-menu-button');
    await waitFor(() => expect(button).toHaveTextContent('CD: debian-12.iso'));

    await user.click(button);
    const menu = screen.getByRole('menu', { name: 'CD-ROM' });
    expect(within(menu).getByTestId('cdrom-drive-hdc')).toHaveTextContent('hdc: debian-12.iso');
    await user.click(within(menu).getByRole('menuitem', { name: 'Eject' }));
    await waitFor(() => expect(button).toHaveTextContent('CD: Empty'));
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      '/api/v1/domains/inst/cdrom/hdc/eject',
    ]);

    await user.click(button);
    expect(screen.getByTestId('cdrom-eject-hdc')).toBeDisabled();
    await user.click(screen.getByRole('menuitem', { name: 'Insert…' }));
    const dialog = await screen.findByTestId('insert-iso-dialog');
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Insert a CD in hdc');
    expect(within(dialog).getByTestId('insert-iso-option-rescue.iso')).toHaveTextContent(
      'rescue.iso48.0 MiB',
    );
    expect(within(dialog).getByRole('link', { name: /Upload an ISO/ })).toHaveAttribute(
      'href',
      '/isos',
    );
    expect(within(dialog).getByTestId('insert-iso-submit')).toBeDisabled();
    await user.click(within(dialog).getByRole('radio', { name: /rescue\.iso/ }));
    await user.click(within(dialog).getByTestId('insert-iso-submit'));
    await waitFor(() => expect(screen.queryByTestId('insert-iso-dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(button).toHaveTextContent('CD: rescue.iso'));
    const insert = requests.find((r) => r.url.endsWith('/insert'));
    expect(insert?.body).toEqual({ iso: 'rescue.iso' });
  });

  it("a customer with reinstall lists the ISOs from the domain's choice list and inserts one; no upload link", async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(
      <CdromMenu name="inst" domain={inst} />,
      createTestQueryClient({
        username: 'alice',
        role: 'customer',
        totpEnabled: false,
        backend: 'simulated',
        grants: [{ domain: 'inst', permissions: ['view', 'reinstall'] }],
      }),
    );
    const button = await screen.findByTestId('cdrom-menu-button');
    await waitFor(() => expect(button).toHaveTextContent('CD: debian-12.iso'));
    await user.click(button);
    await user.click(screen.getByRole('menuitem', { name: /^(Insert|Change)/ }));
    const dialog = await screen.findByTestId('insert-iso-dialog');
    expect(await within(dialog).findByTestId('insert-iso-option-rescue.iso')).toHaveTextContent(
      'rescue.iso48.0 MiB',
    );
    expect(within(dialog).getByTestId('insert-iso-option-debian-12.iso')).toHaveTextContent(
      'in the drive',
    );
    expect(within(dialog).queryByRole('link', { name: /Upload an ISO/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('radio', { name: /rescue\.iso/ }));
    await user.click(within(dialog).getByTestId('insert-iso-submit'));
    await waitFor(() => expect(button).toHaveTextContent('CD: rescue.iso'));
    // One code path: the domain's choice list, never the operators' library listing.
    const gets = requests.filter((r) => r.method === 'GET').map((r) => r.url);
    expect(gets).toContain('/api/v1/domains/inst/cdrom/isos');
    expect(gets).not.toContain('/api/v1/isos');
  });

  it('reports a failed eject in the notices, with the server code', async () => {
    serve({ failEject: true });
    const user = userEvent.setup();
    renderWithProviders(<CdromMenu name="inst" domain={inst} />);
    const button = await screen.findByTestId('cdrom-menu-button');
    await waitFor(() => expect(button).toHaveTextContent('CD: debian-12.iso'));
    await user.click(button);
    await user.click(screen.getByTestId('cdrom-eject-hdc'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Eject the CD in hdc of inst');
    expect(alert).toHaveTextContent('LIBXL_ERROR');
  });

  it('Eject and boot from disk: previews the diff, applies with the ETag, offers Shut down', async () => {
    const { requests } = serve();
    const user = userEvent.setup();
    renderWithProviders(<CdromMenu name="inst" domain={inst} />);
    await user.click(await screen.findByTestId('cdrom-menu-button'));
    await user.click(screen.getByTestId('cdrom-boot-from-disk'));
    const dialog = await screen.findByTestId('boot-from-disk-dialog');
    const changes = await within(dialog).findByTestId('boot-from-disk-changes');
    expect(changes).toHaveTextContent('Boot order "dc" → "c"');
    expect(changes).toHaveTextContent('hdc: the image is taken out of the config');
    expect(changes).toHaveTextContent('Eject now from the running domain: hdc');
    expect(await within(dialog).findByTestId('config-diff')).toBeInTheDocument();

    await user.click(within(dialog).getByTestId('boot-from-disk-apply'));
    const done = await within(dialog).findByTestId('boot-from-disk-done');
    expect(done).toHaveTextContent('/etc/xen/inst.cfg now boots from the disk');
    expect(done).toHaveTextContent('History version 12. CD ejected from hdc.');
    expect(done).toHaveTextContent(/next time the domain is started/);
    const apply = requests.find(
      (r) => r.method === 'POST' && !(r.body as { dryRun: boolean }).dryRun,
    );
    expect(apply?.headers['if-match']).toBe('"e-before"');

    await user.click(within(done).getByTestId('boot-from-disk-shutdown'));
    await waitFor(() =>
      expect(requests.map((r) => r.url)).toContain('/api/v1/domains/inst/shutdown'),
    );
    expect(within(done).getByTestId('boot-from-disk-shutdown')).toHaveTextContent('Shutdown sent');
  });

  it('a domain that is not running: no drives, the config is still switched, then Start now', async () => {
    const { requests } = serve({ running: false });
    const user = userEvent.setup();
    renderWithProviders(<CdromMenu name="inst" domain={undefined} />);
    const button = await screen.findByTestId('cdrom-menu-button');
    expect(button).toHaveTextContent(/^CD$/);
    await user.click(button);
    expect(screen.getByRole('menu')).toHaveTextContent('The domain is not running');
    expect(screen.queryByTestId('cdrom-eject-hdc')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('cdrom-boot-from-disk'));
    const dialog = await screen.findByTestId('boot-from-disk-dialog');
    expect(await within(dialog).findByTestId('boot-from-disk-changes')).toHaveTextContent(
      'The domain is not running: nothing to eject.',
    );
    await user.click(within(dialog).getByTestId('boot-from-disk-apply'));
    await user.click(await within(dialog).findByTestId('boot-from-disk-start'));
    await waitFor(() =>
      expect(within(dialog).getByTestId('boot-from-disk-start')).toHaveTextContent(
        'Started (domid 8)',
      ),
    );
    expect(requests.some((r) => r.url.endsWith('/cdrom'))).toBe(false);
  });

  it('a file changed since the preview: nothing written, Preview again shows the new state', async () => {
    serve();
    const user = userEvent.setup();
    renderWithProviders(<CdromMenu name="inst" domain={inst} />);
    await user.click(await screen.findByTestId('cdrom-menu-button'));
    await user.click(screen.getByTestId('cdrom-boot-from-disk'));
    const dialog = await screen.findByTestId('boot-from-disk-dialog');
    await within(dialog).findByTestId('boot-from-disk-changes');
    // Someone else applies it meanwhile (another browser): the preview's ETag is stale now.
    await fetch('/api/v1/domains/inst/boot-from-disk', {
      method: 'POST',
      headers: { 'If-Match': '"e-before"' },
      body: JSON.stringify({ dryRun: false }),
    });
    await user.click(within(dialog).getByTestId('boot-from-disk-apply'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The file changed since this preview: nothing was written',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Preview again' }));
    expect(await within(dialog).findByText(/Nothing to change/)).toBeInTheDocument();
    expect(within(dialog).getByTestId('boot-from-disk-apply')).toBeDisabled();
  });
});
