import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ClonePlan, SnapshotList } from '@xendeck/api';
import { describe, expect, it } from 'vitest';
import { task } from '@/test/fixtures';
import { jsonResponse, mockFetch, type RecordedRequest, renderWithProviders } from '@/test/render';
import { SnapshotsPanel } from './snapshots-panel';

const GiB = 1024 ** 3;

function listFor(running: boolean): SnapshotList {
  return {
    domain: 'web',
    configPath: '/etc/xen/web.cfg',
    running,
    volumes: [
      {
        vg: 'vg0',
        lv: 'web',
        path: '/dev/vg0/web',
        sizeBytes: 8 * GiB,
        open: running,
        vdev: 'xvda',
      },
    ],
    notCovered: [],
    snapshots: [
      {
        label: 'before-upgrade',
        createdAt: '2026-11-30T10:00:00Z',
        volumes: [
          {
            vg: 'vg0',
            origin: 'web',
            name: 'web-snap-before-upgrade',
            sizeBytes: GiB,
            attr: 'swi-a-s---',
          },
        ],
        complete: true,
        commands: {
          revert: [
            'lvconvert --merge vg0/web-snap-before-upgrade',
            'lvcreate --yes -s -L 1073741824b -n web-snap-before-upgrade vg0/web',
          ],
          remove: ['lvremove -f vg0/web-snap-before-upgrade'],
        },
      },
    ],
  };
}

const plan: ClonePlan = {
  source: 'web',
  newName: 'web2',
  mode: 'copy',
  configPath: '/etc/xen/web2.cfg',
  configText: 'name = "web2"\nvif = [ "mac=00:16:3e:12:34:56,bridge=xenbr0" ]\n',
  volumes: [{ vg: 'vg0', from: 'web', to: 'web2', sizeBytes: 8 * GiB }],
  macs: [{ from: null, to: '00:16:3e:12:34:56' }],
  commands: [
    'lvcreate --yes --wipesignatures y -L 8589934592b -n web2 vg0',
    'dd if=/dev/vg0/web of=/dev/vg0/web2 bs=4M oflag=direct conv=fsync status=progress',
  ],
  warnings: [],
};

function serve(running: boolean) {
  return mockFetch((req: RecordedRequest) => {
    const path = req.url.replace('/api/v1', '');
    if (path === '/domains/web/snapshots' && req.method === 'GET')
      return jsonResponse(200, listFor(running));
    if (path === '/domains/web/snapshots/preview') {
      const label = (req.body as { label: string }).label;
      return jsonResponse(200, {
        pauses: running,
        commands: [
          ...(running ? ['xl pause web'] : []),
          `lvcreate --yes -s -L 1719664640b -n web-snap-${label} vg0/web`,
          ...(running ? ['xl unpause web'] : []),
        ],
      });
    }
    if (path === '/domains/web/clone/preview') return jsonResponse(200, plan);
    if (req.method !== 'GET') {
      return jsonResponse(202, {
        task: task({ id: 't1', kind: 'domain.snapshot', target: 'domain:web', state: 'running' }),
      });
    }
    if (path.startsWith('/tasks/')) {
      return jsonResponse(
        200,
        task({ id: 't1', kind: 'domain.snapshot', target: 'domain:web', state: 'succeeded' }),
      );
    }
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
}

describe('<SnapshotsPanel>', () => {
  it('lists the volumes and sets; takes a snapshot with the previewed commands (pause for a running guest)', async () => {
    const { requests } = serve(true);
    renderWithProviders(<SnapshotsPanel name="web" />);
    expect(await screen.findByTestId('snapshot-volumes')).toHaveTextContent(
      '/dev/vg0/web as xvda, 8.0 GiB',
    );
    const row = screen.getByTestId('snapshot-set');
    expect(row).toHaveAttribute('data-label', 'before-upgrade');
    expect(row).toHaveTextContent('vg0/web-snap-before-upgrade (1.0 GiB)');

    const user = userEvent.setup();
    await user.type(screen.getByTestId('snapshot-label'), 'bad label');
    expect(await screen.findByRole('alert')).toHaveTextContent(/a label is 1–32/);
    expect(screen.getByTestId('snapshot-take')).toBeDisabled();
    await user.clear(screen.getByTestId('snapshot-label'));
    await user.type(screen.getByTestId('snapshot-label'), 'v2');
    const cmds = await screen.findByTestId('snapshot-take-commands');
    expect(cmds).toHaveTextContent('xl pause web');
    expect(cmds).toHaveTextContent('lvcreate --yes -s -L 1719664640b -n web-snap-v2 vg0/web');
    expect(cmds).toHaveTextContent('xl unpause web');
    expect(screen.getByText(/paused for the moment of the snapshots/)).toBeInTheDocument();
    await user.click(screen.getByTestId('snapshot-take'));
    await waitFor(() =>
      expect(
        requests.find((r) => r.method === 'POST' && r.url.endsWith('/domains/web/snapshots'))?.body,
      ).toEqual({
        label: 'v2',
        sizePercent: 20,
      }),
    );
    expect(await screen.findByTestId('snapshot-task')).toBeInTheDocument();
    // The list is read again once the task ended (the new set shows without a reload).
    const lists = () =>
      requests.filter((r) => r.method === 'GET' && r.url.endsWith('/domains/web/snapshots')).length;
    const before = lists();
    await waitFor(() => expect(lists()).toBeGreaterThan(before), { timeout: 5_000 });
  });

  it('keeps Revert disabled while the guest runs, saying why; Clone too', async () => {
    serve(true);
    renderWithProviders(<SnapshotsPanel name="web" />);
    const button = await screen.findByTestId('snapshot-revert-before-upgrade-button');
    expect(button).toBeDisabled();
    expect(screen.getByTestId('snapshot-revert-before-upgrade-blocked')).toHaveTextContent(
      /Shut the guest down first/,
    );
    expect(screen.getByTestId('clone-open')).toBeDisabled();
  });

  it('reverts a shut-down guest after the label is typed, sending ?confirm=<label>', async () => {
    const { requests } = serve(false);
    renderWithProviders(<SnapshotsPanel name="web" />);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('snapshot-revert-before-upgrade-button'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('lvconvert --merge vg0/web-snap-before-upgrade');
    const confirm = within(dialog).getByRole('button', { name: 'Revert' });
    expect(confirm).toBeDisabled();
    await user.type(
      within(dialog).getByTestId('snapshot-revert-before-upgrade-confirm-input'),
      'before-upgrade',
    );
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() =>
      expect(
        requests.some(
          (r) =>
            r.method === 'POST' &&
            r.url.endsWith('/snapshots/before-upgrade/revert?confirm=before-upgrade'),
        ),
      ).toBe(true),
    );
  });

  it('clones: name, mode with its trade-off, the commands and the new config from the preview', async () => {
    const { requests } = serve(false);
    renderWithProviders(<SnapshotsPanel name="web" />);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('clone-open'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(/cannot be removed while the clone exists/);
    expect(within(dialog).getByTestId('clone-submit')).toBeDisabled();
    await user.type(within(dialog).getByTestId('clone-name'), 'web2');
    const cmds = await within(dialog).findByTestId('clone-commands');
    expect(cmds).toHaveTextContent('dd if=/dev/vg0/web of=/dev/vg0/web2 bs=4M');
    expect(within(dialog).getByTestId('clone-config')).toHaveTextContent('name = "web2"');
    await user.click(within(dialog).getByTestId('clone-submit'));
    await waitFor(() =>
      expect(requests.find((r) => r.url.endsWith('/domains/web/clone'))?.body).toEqual({
        newName: 'web2',
        mode: 'copy',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
