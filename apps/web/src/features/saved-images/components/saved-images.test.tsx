/**
 * The saved-images feature against a mocked API: the list (state, size, saved config), Restore
 * offered only when it can work (with the `xl restore` twin; refused while running, after a
 * restore, for a non-image), the restore request and its followed task, typed Delete with
 * `?confirm=`; the Save… dialog (checkpoint toggles the `xl save -c` twin, the file in the save
 * dir, blocked by a waiting image, the request body, the task followed to succeeded).
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Domain, SavedImage, SavedImageList, Task } from '@xendeck/api';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { SaveDomainDialog } from './save-domain-dialog';
import SavedImagesPage from './saved-images-page';

const DIR = '/var/lib/xen/save';

function image(over: Partial<SavedImage>): SavedImage {
  return {
    name: 'web1',
    path: `${DIR}/web1`,
    domainName: 'web1',
    state: 'saved',
    savedAt: '2026-11-30T10:00:00.000Z',
    restoredAt: null,
    sizeBytes: 134_493_485,
    running: false,
    busy: false,
    summary: { type: 'pv', uuid: null, memoryMiB: 128, maxMemoryMiB: 128, vcpus: 1, maxVcpus: 1 },
    config: { c_info: { type: 'pv', name: 'web1' }, b_info: { max_memkb: 131072 } },
    configText: null,
    error: null,
    ...over,
  };
}

function list(images: SavedImage[]): SavedImageList {
  return { dir: DIR, dirExists: true, images };
}

function task(over: Partial<Task>): Task {
  return {
    id: 't-1',
    kind: 'domain.restore',
    user: 'admin',
    target: 'domain:web1',
    state: 'running',
    progress: null,
    steps: [],
    error: null,
    createdAt: '2026-11-30T10:00:00.000Z',
    startedAt: '2026-11-30T10:00:00.000Z',
    endedAt: null,
    ...over,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('saved images page', () => {
  it('lists images and offers Restore only where it can work', async () => {
    mockFetch(() =>
      jsonResponse(
        200,
        list([
          image({}),
          image({ name: 'db1', path: `${DIR}/db1`, domainName: 'db1', running: true, domid: 7 }),
          image({
            name: '.old.restored-20261130T090000Z',
            path: `${DIR}/.old.restored-20261130T090000Z`,
            domainName: 'old',
            state: 'restored',
            restoredAt: '2026-11-30T09:00:00.000Z',
          }),
          image({ name: 'junk', path: `${DIR}/junk`, domainName: null, error: 'no xl magic' }),
        ]),
      ),
    );
    renderWithProviders(<SavedImagesPage />);
    const row = await screen.findByTestId('saved-image-row-web1');
    expect(within(row).getByText('128.3 MiB')).toBeTruthy();
    expect(within(row).getByText('PV · 128 MiB · 1 vCPU')).toBeTruthy();
    expect(within(row).getByTestId('saved-image-restore')).toHaveProperty('disabled', false);
    const running = screen.getByTestId('saved-image-row-db1');
    expect(within(running).getByTestId('saved-image-restore')).toHaveProperty('disabled', true);
    expect(within(running).getByTestId('saved-image-restore').title).toBe(
      'db1 is running (domid 7)',
    );
    const restored = screen.getByTestId('saved-image-row-.old.restored-20261130T090000Z');
    expect(restored.dataset.state).toBe('restored');
    expect(within(restored).getByTestId('saved-image-restore').title).toMatch(/Restored already/);
    const junk = screen.getByTestId('saved-image-row-junk');
    expect(within(junk).getByText('no xl magic')).toBeTruthy();
    expect(within(junk).getByTestId('saved-image-restore')).toHaveProperty('disabled', true);
  });

  it('restores after a confirmation showing xl restore, then follows the task', async () => {
    let restored = false;
    const { requests } = mockFetch((req) => {
      const path = req.url.replace(/^.*\/api\/v1/, '');
      if (path === '/saved-images') return jsonResponse(200, list(restored ? [] : [image({})]));
      if (path === '/saved-images/web1/restore' && req.method === 'POST') {
        restored = true;
        return jsonResponse(202, { task: task({}) });
      }
      if (path === '/tasks/t-1') {
        return jsonResponse(
          200,
          task({ state: 'succeeded', progress: 1, endedAt: '2026-11-30T10:00:05.000Z' }),
        );
      }
      return jsonResponse(404, { error: { code: 'NOT_FOUND', message: path } });
    });
    const user = userEvent.setup();
    renderWithProviders(<SavedImagesPage />);
    await user.click(await screen.findByTestId('saved-image-restore'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(`xl restore ${DIR}/web1`)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Restore' }));
    await waitFor(
      () => expect(screen.getByTestId('saved-image-task').dataset.state).toBe('succeeded'),
      { timeout: 4_000 },
    );
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      '/api/v1/saved-images/web1/restore',
    ]);
    await screen.findByTestId('saved-images-empty');
  });

  it('deletes only after the name is typed, with ?confirm=', async () => {
    const { requests } = mockFetch((req) => {
      if (req.method === 'DELETE') return new Response(null, { status: 204 });
      return jsonResponse(200, list([image({})]));
    });
    const user = userEvent.setup();
    renderWithProviders(<SavedImagesPage />);
    await user.click(await screen.findByTestId('saved-image-delete-button'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/its memory state exists only in this file/)).toBeTruthy();
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toHaveProperty('disabled', true);
    await user.type(screen.getByTestId('saved-image-delete-confirm-input'), 'web1');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(requests.find((r) => r.method === 'DELETE')?.url).toBe(
        '/api/v1/saved-images/web1?confirm=web1',
      ),
    );
  });
});

describe('Save… dialog', () => {
  const domain: Domain = {
    domid: 3,
    name: 'web1',
    uuid: 'u',
    type: 'pv',
    state: 'blocked',
    memoryKiB: 131072,
    maxMemoryKiB: 131072,
    vcpus: 1,
    maxVcpus: 1,
    cpuTimeNs: 1,
  };

  it('shows the file and the xl save twin (with -c for a checkpoint), saves, and the Saved images page follows the task', async () => {
    const { requests } = mockFetch((req) => {
      const path = req.url.replace(/^.*\/api\/v1/, '');
      if (path === '/saved-images') return jsonResponse(200, list([]));
      if (path === '/domains/web1/save') {
        return jsonResponse(202, { task: task({ kind: 'domain.save', progress: 0.4 }) });
      }
      if (path === '/tasks/t-1') {
        return jsonResponse(200, task({ kind: 'domain.save', state: 'succeeded', progress: 1 }));
      }
      return jsonResponse(404, { error: { code: 'NOT_FOUND', message: path } });
    });
    const user = userEvent.setup();
    renderWithProviders(
      <Routes>
        <Route path="/" element={<SaveDomainDialog domain={domain} />} />
        <Route path="/saved" element={<SavedImagesPage />} />
      </Routes>,
    );
    await user.click(screen.getByTestId('save-domain-button'));
    const dialog = await screen.findByTestId('save-domain-dialog');
    await within(dialog).findByText(`xl save web1 ${DIR}/web1`);
    expect(within(dialog).getByTestId('save-file').textContent).toBe(`${DIR}/web1`);
    await user.click(within(dialog).getByTestId('save-checkpoint'));
    expect(within(dialog).getByText(`xl save -c web1 ${DIR}/web1`)).toBeTruthy();
    await user.click(within(dialog).getByTestId('save-submit'));
    // The dialog closes; the Saved images page follows the task (the domain may go away).
    // The cached task (running) is polled once a second until it ends.
    await waitFor(
      () => expect(screen.getByTestId('saved-image-task').dataset.state).toBe('succeeded'),
      { timeout: 4_000 },
    );
    expect(screen.queryByTestId('save-domain-dialog')).toBeNull();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ checkpoint: true });
  });

  it('is blocked while an image of that name waits, and disabled for a domain xl cannot save', async () => {
    mockFetch(() => jsonResponse(200, list([image({})])));
    const user = userEvent.setup();
    const { unmount } = renderWithProviders(<SaveDomainDialog domain={domain} />);
    await user.click(screen.getByTestId('save-domain-button'));
    expect((await screen.findByTestId('save-blocked')).textContent).toMatch(
      /\/var\/lib\/xen\/save\/web1 exists/,
    );
    expect(screen.getByTestId('save-submit')).toHaveProperty('disabled', true);
    unmount();
    renderWithProviders(<SaveDomainDialog domain={{ ...domain, state: 'shutdown' }} />);
    expect(screen.getByTestId('save-domain-button')).toHaveProperty('disabled', true);
  });
});
