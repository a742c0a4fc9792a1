import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { GuestHost, ImageFileList, IsoList, VolumeGroupList, VolumeList } from '@xendeck/api';
import { GUEST_PROFILES, guestPreview } from '@xendeck/xl-config';
import { Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dom0, domain, host, task } from '@/test/fixtures';
import { jsonResponse, mockFetch, type RecordedRequest, renderWithProviders } from '@/test/render';
import NewGuestPage from './new-guest-page';

const GIB = 1024 ** 3;
const NOW = new Date('2026-11-30T12:00:00.000Z');

const guestHost: GuestHost = {
  bridges: ['xenbr0', 'xenbr1'],
  configDir: '/etc/xen',
  isoDir: '/var/lib/xendeck/iso',
  imageDir: '/var/lib/xen/images',
};
const vgs: VolumeGroupList = {
  volumeGroups: [
    {
      name: 'vg0',
      sizeBytes: 20 * GIB,
      freeBytes: 12 * GIB,
      extentSizeBytes: 4 * 1024 * 1024,
      physicalVolumes: [],
    },
  ],
};
const volumes: VolumeList = {
  volumeGroup: vgs.volumeGroups[0] as VolumeList['volumeGroup'],
  volumes: [
    {
      name: 'web-01',
      vg: 'vg0',
      path: '/dev/vg0/web-01',
      sizeBytes: 4 * GIB,
      attr: '-wi-ao----',
      origin: null,
      open: true,
      active: true,
      tags: [],
      usedBy: [{ kind: 'config', name: 'web-01', path: '/etc/xen/web-01.cfg' }],
    },
    {
      name: 'spare',
      vg: 'vg0',
      path: '/dev/vg0/spare',
      sizeBytes: 2 * GIB,
      attr: '-wi-a-----',
      origin: null,
      open: false,
      active: true,
      tags: [],
      usedBy: [],
    },
  ],
  usedByGaps: { configs: [], domains: [] },
};
const images: ImageFileList = {
  directory: '/var/lib/xen/images',
  images: [],
  usedByGaps: { configs: [], domains: [] },
};
const isos: IsoList = {
  directory: '/var/lib/xendeck/iso',
  freeBytes: 50 * GIB,
  isos: [
    {
      name: 'debian-12.iso',
      sizeBytes: 658_505_728,
      modified: '2026-11-01T00:00:00.000Z',
      sha256: null,
      usedBy: [],
    },
  ],
  usedByGaps: { configs: [], domains: [] },
};

/** The server as the wizard sees it; `onPost` answers POST /guests, `tasks` GET /tasks/:id. */
function serve(
  opts: {
    onPost?: (req: RecordedRequest) => Response;
    tasks?: () => unknown;
    /** Holds GET /storage/volume-groups until it resolves (a slow host). */
    volumeGroupsGate?: Promise<void>;
  } = {},
) {
  return mockFetch(async (req) => {
    const path = req.url.replace(/^\/api\/v1/, '');
    if (path === '/storage/volume-groups' && opts.volumeGroupsGate) await opts.volumeGroupsGate;
    if (req.method === 'POST' && path === '/guests') {
      return opts.onPost?.(req) ?? jsonResponse(500, {});
    }
    if (path.startsWith('/tasks/')) return jsonResponse(200, opts.tasks?.());
    const answers: Record<string, unknown> = {
      '/session': { username: 'admin', role: 'admin', totpEnabled: false, backend: 'simulated' },
      '/host': host(),
      '/domains': [dom0, domain({ domid: 3, name: 'web-01' })],
      '/configs': [
        {
          name: 'db1',
          path: '/etc/xen/db1.cfg',
          running: false,
          sizeBytes: 100,
          modifiedAt: '2026-11-01T00:00:00.000Z',
        },
      ],
      '/guests/host': guestHost,
      '/storage/volume-groups': vgs,
      '/storage/volume-groups/vg0/volumes': volumes,
      '/storage/images': images,
      '/isos': isos,
    };
    return path in answers ? jsonResponse(200, answers[path]) : jsonResponse(404, {});
  });
}

function renderWizard() {
  return renderWithProviders(
    <Routes>
      <Route path="*" element={<NewGuestPage />} />
      <Route path="/domains/:name" element={<p>console page</p>} />
      <Route path="/configs/:name" element={<p>config page</p>} />
    </Routes>,
  );
}

beforeEach(() => {
  // Only Date is faked (the preview's first line carries the time); user-event's timers run.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const next = (user: ReturnType<typeof userEvent.setup>) =>
  user.click(screen.getByRole('button', { name: 'Next' }));

async function heading(text: RegExp) {
  expect(await screen.findByRole('heading', { name: text })).toBeInTheDocument();
}

// Whole-wizard walks: several seconds each on a loaded machine.
describe('the create-guest wizard', { timeout: 20_000 }, () => {
  it('checks the name at its field before leaving step 1: empty, bad, taken by a domain or a config', async () => {
    const user = userEvent.setup();
    serve();
    renderWizard();
    const name = screen.getByRole('textbox', { name: 'Name' });

    await next(user);
    expect(await screen.findByText(/a domain name is 1–64 letters/)).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    await heading(/Step 1 of 7/);

    await user.type(name, '-bad');
    await next(user);
    expect(await screen.findByText(/a domain name is 1–64 letters/)).toBeInTheDocument();

    await user.clear(name);
    await user.type(name, 'web-01');
    await waitFor(() => expect(screen.getByText(/“web-01” is taken/)).toBeInTheDocument());
    await user.clear(name);
    await user.type(name, 'db1');
    await next(user);
    expect(await screen.findByText(/“db1” is taken/)).toBeInTheDocument();
    await heading(/Step 1 of 7/);

    await user.clear(name);
    await user.type(name, 'web2');
    await next(user);
    await heading(/Step 2 of 7: Boot/);
  });

  it('shows what the Windows profile sets and warns under its minimums from xl-config', async () => {
    const user = userEvent.setup();
    serve();
    renderWizard();
    await user.click(within(screen.getByTestId('guest-profile-windows')).getByRole('radio'));
    const settings = screen.getByTestId('profile-settings');
    for (const s of GUEST_PROFILES.windows.settings) expect(settings).toHaveTextContent(s);
    expect(settings).toHaveTextContent(/Hyper-V enlightenments/);
    expect(settings).toHaveTextContent(/USB tablet/);
    expect(settings).toHaveTextContent(/AHCI/);
    expect(settings).toHaveTextContent(/local time/);
    const warning = screen.getByTestId('profile-warning');
    expect(warning).toHaveTextContent('Windows wants at least 2.0 GiB of memory; 1024 MiB is set.');
    expect(warning).toHaveTextContent('Windows wants at least 2 vCPUs; 1 is set.');

    // At the minimums the warning goes.
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'win1');
    await next(user);
    await next(user);
    await heading(/Resources/);
    const memory = screen.getByRole('spinbutton', { name: 'Memory (MiB)' });
    await user.clear(memory);
    await user.type(memory, String(GUEST_PROFILES.windows.minMemoryMiB));
    expect(screen.getByTestId('profile-warning')).not.toHaveTextContent(/memory/);
    const vcpus = screen.getByRole('spinbutton', { name: 'vCPUs' });
    await user.clear(vcpus);
    await user.type(vcpus, '2');
    expect(screen.queryByTestId('profile-warning')).toBeNull();
  });

  it('asks a PVH guest for its kernel with xl-config’s message, at the field', async () => {
    const user = userEvent.setup();
    serve();
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'pvh1');
    await user.click(within(screen.getByTestId('guest-type-pvh')).getByRole('radio'));
    await next(user);
    await heading(/Boot/);
    await next(user);
    expect(await screen.findByText('a PVH guest needs a kernel (dom0 path)')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Kernel' }), 'boot/vmlinuz');
    await next(user);
    expect(await screen.findByText(/kernel is an absolute dom0 path/)).toBeInTheDocument();
    await heading(/Boot/);
  });

  it('refuses a new volume larger than its volume group’s free space, and an existing volume in use', async () => {
    const user = userEvent.setup();
    serve();
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'big1');
    await next(user);
    await next(user);
    await next(user);
    await heading(/Disks/);
    expect(await screen.findByTestId('disk-new-lv-name-0')).toHaveTextContent(
      '/dev/vg0/big1-disk0',
    );
    const size = screen.getByRole('spinbutton', { name: 'Disk 1 size (GiB)' });
    await user.clear(size);
    await user.type(size, '13');
    await next(user);
    expect(await screen.findByText('vg0 has 12.0 GiB free')).toBeInTheDocument();
    await heading(/Disks/);

    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Disk 1 source' }),
      'existing-lv',
    );
    const lv = screen.getByRole('combobox', { name: 'Disk 1 logical volume' });
    const used = within(lv).getByRole('option', { name: /web-01/ }) as HTMLOptionElement;
    expect(used.disabled).toBe(true);
    expect(used).toHaveTextContent('used by config web-01');
    await user.selectOptions(lv, 'spare');
    await next(user);
    await heading(/Network/);
  });

  it('previews exactly what xl-config’s guestPreview makes of the request, and posts that request', async () => {
    const user = userEvent.setup();
    const running = task({
      id: 't-1',
      kind: 'guest.create',
      target: 'domain:web2',
      state: 'running',
      endedAt: null,
    });
    const { requests } = serve({
      onPost: () => jsonResponse(202, { task: running }),
      tasks: () => running,
    });
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web2');
    await next(user);
    await heading(/Boot/);
    await user.selectOptions(
      await screen.findByRole('combobox', { name: 'CD-ROM' }),
      'debian-12.iso',
    );
    await next(user);
    const vcpus = screen.getByRole('spinbutton', { name: 'vCPUs' });
    await user.clear(vcpus);
    await user.type(vcpus, '2');
    await next(user);
    await heading(/Disks/);
    await user.click(screen.getByRole('button', { name: 'Add disk' }));
    const size2 = screen.getByRole('spinbutton', { name: 'Disk 2 size (GiB)' });
    await user.clear(size2);
    await user.type(size2, '0.5');
    await next(user);
    await heading(/Network/);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Bridge' }), 'xenbr1');
    const mac = (screen.getByTestId('mac-address') as HTMLInputElement).value;
    expect(mac).toMatch(/^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$/);
    await next(user);
    await heading(/Console/);
    await user.selectOptions(screen.getByRole('combobox', { name: /When it crashes/ }), 'preserve');
    await next(user);
    await heading(/Review/);

    const expected = {
      name: 'web2',
      type: 'hvm' as const,
      memoryMiB: 1024,
      vcpus: 2,
      disks: [
        { volumeGroup: 'vg0', sizeBytes: 10 * GIB },
        { volumeGroup: 'vg0', sizeBytes: GIB / 2 },
      ],
      onPoweroff: 'destroy' as const,
      onReboot: 'restart' as const,
      onCrash: 'preserve' as const,
      start: true,
      profile: 'linux' as const,
      cdrom: 'debian-12.iso',
      vnc: { enabled: true },
      network: { bridge: 'xenbr1', mac },
    };
    const want = guestPreview(expected, guestHost, { user: 'admin', createdAt: NOW });
    expect(screen.getByTestId('guest-config-preview').textContent).toBe(want.configText);
    // Not vacuous: the request's choices are in it.
    expect(want.configText).toContain(
      "'format=raw, vdev=xvda, access=rw, target=/dev/vg0/web2-disk0'",
    );
    expect(want.configText).toContain('devtype=cdrom, target=/var/lib/xendeck/iso/debian-12.iso');
    expect(want.configText).toContain(`vif = [ 'mac=${mac}, bridge=xenbr1' ]`);
    expect(want.configText).toContain("on_crash = 'preserve'");
    const commands = within(screen.getByTestId('guest-commands')).getAllByRole('listitem');
    expect(commands.map((li) => li.querySelector('code')?.textContent)).toEqual(want.commands);
    expect(want.commands).toEqual([
      `lvcreate --yes --wipesignatures y -L ${10 * GIB}b -n web2-disk0 vg0`,
      `lvcreate --yes --wipesignatures y -L ${GIB / 2}b -n web2-disk1 vg0`,
      'xl create /etc/xen/web2.cfg',
    ]);

    await user.click(screen.getByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual(expected);
    expect(await screen.findByTestId('creation-progress')).toHaveTextContent('Creating the guest');
  });

  it('follows the task; on failure shows its error and the undo, and Back keeps every answer', async () => {
    const user = userEvent.setup();
    let state: 'running' | 'failed' = 'running';
    const steps = [
      {
        name: 'create volume web3-disk0 (10 GiB) in vg0',
        state: 'succeeded' as const,
        output: '',
        startedAt: null,
        endedAt: null,
        error: null,
        undo: { state: 'succeeded' as const, error: null },
      },
      {
        name: 'xl create /etc/xen/web3.cfg',
        state: 'failed' as const,
        output: 'libxl: error: device model did not start',
        startedAt: null,
        endedAt: null,
        error: { code: 'CREATE_FAILED', message: 'device model did not start: -26' },
        undo: null,
      },
    ];
    const current = () =>
      task({
        id: 't-2',
        kind: 'guest.create',
        target: 'domain:web3',
        state,
        ...(state === 'failed'
          ? { error: { code: 'CREATE_FAILED', message: 'device model did not start: -26' }, steps }
          : { endedAt: null }),
      });
    serve({ onPost: () => jsonResponse(202, { task: current() }), tasks: current });
    const { queryClient } = renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web3');
    for (let i = 0; i < 6; i++) await next(user);
    await heading(/Review/);
    await user.click(screen.getByRole('button', { name: 'Create and start' }));
    expect(await screen.findByText('Creating the guest…')).toBeInTheDocument();

    state = 'failed';
    await queryClient.invalidateQueries({ queryKey: ['tasks', 'detail', 't-2'] });
    expect(await screen.findByRole('heading', { name: 'Creation failed' })).toBeInTheDocument();
    expect(screen.getAllByText(/device model did not start: -26/).length).toBeGreaterThan(0);
    expect(screen.getByTestId('task-step-undo')).toHaveTextContent('undone');

    await user.click(screen.getByRole('button', { name: 'Back to the form' }));
    await heading(/Review/);
    expect(screen.getByTestId('guest-config-preview')).toHaveTextContent("name = 'web3'");
    await user.click(screen.getByTestId('wizard-step-name'));
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('web3');
  });

  it('opens the console once the task succeeds (VNC for HVM)', async () => {
    const user = userEvent.setup();
    const done = task({ id: 't-3', kind: 'guest.create', target: 'domain:web4' });
    serve({ onPost: () => jsonResponse(202, { task: done }), tasks: () => done });
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web4');
    for (let i = 0; i < 6; i++) await next(user);
    await user.click(await screen.findByRole('button', { name: 'Create and start' }));
    expect(await screen.findByText('console page', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('puts a server-side 422 issue on its field and returns to its step', async () => {
    const user = userEvent.setup();
    serve({
      onPost: () =>
        jsonResponse(422, {
          error: {
            code: 'INVALID_INPUT',
            message: 'Invalid body: disks.0.sizeBytes: too large',
            details: { issues: [{ path: 'disks.0.sizeBytes', message: 'too large for vg0' }] },
          },
        }),
    });
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'web5');
    for (let i = 0; i < 6; i++) await next(user);
    await user.click(await screen.findByRole('button', { name: 'Create and start' }));
    await heading(/Disks/);
    expect(await screen.findByText('too large for vg0')).toBeInTheDocument();
    expect(screen.getByText('The server did not start the creation')).toBeInTheDocument();
  });

  it('a PV guest with pygrub and no disk, written only: the request says so and the config page opens', async () => {
    const user = userEvent.setup();
    const done = task({ id: 't-6', kind: 'guest.create', target: 'domain:pv1' });
    const { requests } = serve({
      onPost: () => jsonResponse(202, { task: done }),
      tasks: () => done,
    });
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'pv1');
    await user.click(within(screen.getByTestId('guest-type-pv')).getByRole('radio'));
    await next(user);
    await user.click(screen.getByRole('radio', { name: /pygrub/ }));
    await next(user);
    await next(user);
    await heading(/Disks/);
    await user.click(screen.getByRole('button', { name: 'Remove disk 1' }));
    await next(user);
    await user.click(screen.getByRole('radio', { name: 'No network' }));
    await next(user);
    await heading(/Console/);
    expect(screen.queryByText(/VNC password/)).toBeNull();
    await user.click(screen.getByTestId('start-after-create'));
    await next(user);
    expect(screen.getByTestId('guest-commands')).toHaveTextContent(
      'Only the config file is written.',
    );
    expect(screen.getByTestId('guest-config-preview')).toHaveTextContent("bootloader = 'pygrub'");
    await user.click(screen.getByRole('button', { name: 'Create (write the config only)' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: 'pv1',
      type: 'pv',
      memoryMiB: 1024,
      vcpus: 1,
      disks: [],
      bootloader: 'pygrub',
      onPoweroff: 'destroy',
      onReboot: 'restart',
      onCrash: 'destroy',
      start: false,
    });
    expect(await screen.findByText('config page', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('on a slow host, says the volume groups are loading, then picks the first when they come', async () => {
    const user = userEvent.setup();
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    serve({ volumeGroupsGate: gate });
    renderWizard();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'slow1');
    for (let i = 0; i < 3; i++) await next(user);
    await heading(/Disks/);
    await next(user);
    expect(await screen.findByText('waiting for the volume groups…')).toBeInTheDocument();
    release();
    await waitFor(() =>
      expect(screen.getByRole('combobox', { name: 'Disk 1 volume group' })).toHaveValue('vg0'),
    );
    await next(user);
    await heading(/Network/);
  });
});
