import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ImageFileList, LogicalVolume, VolumeGroup, VolumeList } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { task } from '@/test/fixtures';
import { jsonResponse, mockFetch, type RecordedRequest, renderWithProviders } from '@/test/render';
import { describeLvAttr } from '../lib/lv-attr';
import { sizeToBytes } from '../lib/size-input';
import StoragePage from './storage-page';

afterEach(() => {
  vi.unstubAllGlobals();
});

const GiB = 1024 ** 3;
const vg0: VolumeGroup = {
  name: 'vg0',
  sizeBytes: 100 * GiB,
  freeBytes: 60 * GiB,
  extentSizeBytes: 4 * 1024 ** 2,
  physicalVolumes: [{ name: '/dev/sdb', sizeBytes: 100 * GiB, freeBytes: 60 * GiB }],
};

function lv(o: Partial<LogicalVolume> & Pick<LogicalVolume, 'name'>): LogicalVolume {
  return {
    vg: 'vg0',
    path: `/dev/vg0/${o.name}`,
    sizeBytes: 10 * GiB,
    attr: '-wi-a-----',
    origin: null,
    open: false,
    active: true,
    tags: [],
    usedBy: [],
    ...o,
  };
}

const volumes: VolumeList = {
  volumeGroup: vg0,
  volumes: [
    lv({ name: 'free-disk' }),
    lv({
      name: 'shop',
      usedBy: [
        { kind: 'config', name: 'shop', path: '/etc/xen/shop.cfg' },
        { kind: 'domain', name: 'shop', domid: 7 },
      ],
      attr: '-wi-ao----',
      open: true,
    }),
  ],
  usedByGaps: { configs: [{ path: '/etc/xen/bad.cfg', reason: 'line 3: bad' }], domains: [] },
};

const images: ImageFileList = {
  directory: '/var/lib/xen/images',
  images: [
    {
      name: 'data.img',
      path: '/var/lib/xen/images/data.img',
      sizeBytes: 2 * GiB,
      allocatedBytes: 4096,
      modifiedAt: '2026-11-30T10:00:00.000Z',
      usedBy: [],
    },
  ],
  usedByGaps: { configs: [], domains: [] },
};

function server(extra?: (req: RecordedRequest) => Response | undefined) {
  return mockFetch((req) => {
    const handled = extra?.(req);
    if (handled) return handled;
    const path = req.url.replace(/^.*\/api\/v1/, '');
    if (path === '/storage/volume-groups') return jsonResponse(200, { volumeGroups: [vg0] });
    if (path === '/storage/volume-groups/vg0/volumes' && req.method === 'GET') {
      return jsonResponse(200, volumes);
    }
    if (path === '/storage/images' && req.method === 'GET') return jsonResponse(200, images);
    if (path.startsWith('/tasks/')) {
      return jsonResponse(
        200,
        task({ id: path.slice(7), kind: 'volume.create', target: 'volume:vg0/new1' }),
      );
    }
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: `no ${req.method} ${path}` } });
  });
}

describe('describeLvAttr and sizeToBytes', () => {
  it('decodes lv_attr positions into words', () => {
    expect(describeLvAttr('-wi-ao----')).toEqual(['plain', 'writable', 'active', 'open']);
    expect(describeLvAttr('swi-a-s---')).toEqual(['snapshot', 'writable', 'active']);
    expect(describeLvAttr('owi---s--k')).toEqual([
      'snapshot origin',
      'writable',
      'inactive',
      'skips activation',
    ]);
    expect(describeLvAttr('Qwi-a---p-')).toEqual(['type "Q"', 'writable', 'active', 'partial']);
  });
  it('turns amount and unit into whole bytes', () => {
    expect(sizeToBytes(1.5, 'GiB')).toBe(1.5 * GiB);
    expect(sizeToBytes(1, 'MiB')).toBe(1024 ** 2);
    expect(sizeToBytes(0, 'GiB')).toBeNaN();
  });
});

describe('StoragePage', () => {
  it('shows the volume group usage, volumes with decoded attributes and linked users', async () => {
    server();
    renderWithProviders(<StoragePage />);
    expect(await screen.findByText('Volume group vg0')).toBeInTheDocument();
    expect(screen.getByTestId('vg-usage')).toHaveTextContent('40.0 GiB used of 100.0 GiB (40%)');
    const shop = await screen.findByTestId('lv-row-shop');
    expect(within(shop).getByText('plain, writable, active, open')).toBeInTheDocument();
    expect(within(shop).getByRole('link', { name: 'config shop' })).toHaveAttribute(
      'href',
      '/configs/shop',
    );
    expect(within(shop).getByRole('link', { name: 'domain shop (domid 7)' })).toHaveAttribute(
      'href',
      '/domains/shop',
    );
    // In use: Delete is disabled and says by whom.
    expect(within(shop).getByTestId('remove-button')).toBeDisabled();
    expect(within(shop).getByTestId('remove-blocked')).toHaveTextContent(
      'Used by config shop, domain shop (domid 7)',
    );
    expect(screen.getAllByTestId('used-by-gaps')[0]).toHaveTextContent('/etc/xen/bad.cfg');
    expect(await screen.findByTestId('image-row-data.img')).toHaveTextContent('2.0 GiB');
  });

  it('creates a volume: the api name rule refuses a bad name, a good one is sent in bytes', async () => {
    const { requests } = server((req) =>
      req.method === 'POST'
        ? jsonResponse(202, {
            task: task({
              id: 't-1',
              kind: 'volume.create',
              target: 'volume:vg0/new1',
              state: 'running',
              endedAt: null,
            }),
          })
        : undefined,
    );
    const user = userEvent.setup();
    renderWithProviders(<StoragePage />);
    await user.click(await screen.findByTestId('create-volume-vg0'));
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByLabelText('Name');
    await user.type(name, 'snapshot-x');
    await user.click(within(dialog).getByRole('button', { name: 'Create volume' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/reserved by LVM/);
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);

    await user.clear(name);
    await user.type(name, 'new1');
    const amount = within(dialog).getByLabelText('Size');
    await user.clear(amount);
    await user.type(amount, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Create volume' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.url).toBe('/api/v1/storage/volume-groups/vg0/volumes');
    expect(post?.body).toEqual({ name: 'new1', sizeBytes: 2 * GiB });
    // The operation shows its task, with a link to its log.
    const op = await screen.findByTestId('storage-task');
    expect(within(op).getByRole('link', { name: 'Task log' })).toHaveAttribute(
      'href',
      '/tasks/t-1',
    );
    // The task is polled every second (operation-tasks.tsx): give it a few polls, not waitFor's 1 s.
    await waitFor(() => expect(op).toHaveAttribute('data-state', 'succeeded'), { timeout: 5_000 });
  });

  it('keeps the form open with the server refusal', async () => {
    server((req) =>
      req.method === 'POST'
        ? jsonResponse(409, { error: { code: 'SHRINK_REFUSED', message: 'volumes only grow' } })
        : undefined,
    );
    const user = userEvent.setup();
    renderWithProviders(<StoragePage />);
    const row = await screen.findByTestId('lv-row-free-disk');
    await user.click(within(row).getByTestId('grow-button'));
    const dialog = await screen.findByRole('dialog');
    const amount = within(dialog).getByLabelText('New size');
    await user.clear(amount);
    await user.type(amount, '5');
    await user.click(within(dialog).getByRole('button', { name: 'Grow' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/larger than the current/);
    await user.clear(amount);
    await user.type(amount, '20');
    await user.click(within(dialog).getByRole('button', { name: 'Grow' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('volumes only grow');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('SHRINK_REFUSED');
  });

  it('deletes only after the name is typed, sending it as ?confirm=', async () => {
    const { requests } = server((req) =>
      req.method === 'DELETE'
        ? jsonResponse(202, {
            task: task({ id: 't-2', kind: 'volume.remove', target: 'volume:vg0/free-disk' }),
          })
        : undefined,
    );
    const user = userEvent.setup();
    renderWithProviders(<StoragePage />);
    const row = await screen.findByTestId('lv-row-free-disk');
    await user.click(within(row).getByTestId('remove-button'));
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId('remove-confirm-input'), 'free-dis');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId('remove-confirm-input'), 'k');
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() => expect(requests.some((r) => r.method === 'DELETE')).toBe(true));
    expect(requests.find((r) => r.method === 'DELETE')?.url).toBe(
      '/api/v1/storage/volume-groups/vg0/volumes/free-disk?confirm=free-disk',
    );
    expect(await screen.findByTestId('storage-task')).toHaveTextContent('volume.remove');
  });
});
