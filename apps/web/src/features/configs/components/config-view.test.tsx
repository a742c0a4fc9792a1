import { EditorView } from '@codemirror/view';
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ConfigDocument, ConfigHistoryEntry } from '@xendeck/api';
import { parseXlConfig, toDomainConfig } from '@xendeck/xl-config';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { NoticesProvider, NoticesRegion } from '@/components/notices';
import { createQueryClient } from '@/lib/query-client';
import { jsonResponse, mockFetch, type RecordedRequest } from '@/test/render';
import { ConfigView } from './config-view';

const TEXT = `# web1: customer 4711
name = "web1"
type = "pvh"
kernel = "/boot/vmlinuz"
memory = 512   # MiB
vcpus = 1
`;
const ETAG = `"${'a'.repeat(32)}"`;
const NEW_ETAG = `"${'b'.repeat(32)}"`;

function configDoc(text = TEXT, etag = ETAG): ConfigDocument {
  return {
    name: 'web1',
    path: '/etc/xen/web1.cfg',
    text,
    model: toDomainConfig(parseXlConfig(text)).config as Record<string, unknown>,
    errors: [],
    warnings: [],
    etag,
    modifiedAt: '2026-01-02T03:04:05.000Z',
    running: true,
    domid: 7,
  };
}

const history: ConfigHistoryEntry[] = [
  {
    id: 2,
    savedAt: '2026-01-02T03:04:05.000Z',
    savedBy: 'admin',
    reason: 'edit',
    sizeBytes: 120,
    etag: ETAG,
  },
  {
    id: 1,
    savedAt: '2026-01-01T03:04:05.000Z',
    savedBy: 'admin',
    reason: 'before-edit',
    sizeBytes: 118,
    etag: `"${'c'.repeat(32)}"`,
  },
];

function renderConfig(
  handler: (req: RecordedRequest) => Response | undefined,
  initial = '/configs/web1',
) {
  const fetch = mockFetch((req) => {
    const answer = handler(req);
    if (answer) return answer;
    if (req.method === 'GET' && req.url.endsWith('/configs/web1'))
      return jsonResponse(200, configDoc());
    if (req.method === 'GET' && req.url.endsWith('/configs/web1/history'))
      return jsonResponse(200, history);
    if (req.method === 'GET' && req.url.endsWith('/configs')) return jsonResponse(200, []);
    return jsonResponse(404, {
      error: { code: 'NOT_FOUND', message: `no ${req.method} ${req.url}` },
    });
  });
  const router = createMemoryRouter(
    [{ path: '/configs/:name', element: <ConfigView name="web1" /> }],
    { initialEntries: [initial] },
  );
  render(
    <QueryClientProvider client={createQueryClient()}>
      <NoticesProvider>
        <RouterProvider router={router} />
        <NoticesRegion />
      </NoticesProvider>
    </QueryClientProvider>,
  );
  return fetch;
}

const puts = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'PUT');

describe('ConfigView', () => {
  it('quick edit → Review changes → Save sends PUT with If-Match and only the memory line changed', async () => {
    const user = userEvent.setup();
    const { requests } = renderConfig((req) =>
      req.method === 'PUT'
        ? jsonResponse(200, { etag: NEW_ETAG, warnings: [], versionId: 3, written: true })
        : undefined,
    );
    const memory = await screen.findByTestId('quick-memory-input');
    expect(memory).toHaveValue('512');
    await user.clear(memory);
    await user.type(memory, '2048');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));

    expect(await screen.findByTestId('config-diff')).toBeInTheDocument();
    expect(puts(requests)).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const saved = await screen.findByTestId('config-saved');
    expect(saved).toHaveTextContent('Saved /etc/xen/web1.cfg');
    expect(saved).toHaveTextContent(/running domain web1 .* is unchanged/);
    const [put] = puts(requests);
    if (!put) throw new Error('no PUT was sent');
    expect(put.url).toBe('/api/v1/configs/web1');
    expect(put.headers['if-match']).toBe(ETAG);
    const sent = (put.body as { text: string }).text;
    expect(sent).toBe(TEXT.replace('memory = 512   # MiB', 'memory = 2048   # MiB'));
    const diffLines = sent.split('\n').filter((l, i) => l !== TEXT.split('\n')[i]);
    expect(diffLines).toEqual(['memory = 2048   # MiB']);
  });

  it('sends what was typed in the editor', async () => {
    const user = userEvent.setup();
    const { requests } = renderConfig((req) =>
      req.method === 'PUT'
        ? jsonResponse(200, { etag: NEW_ETAG, warnings: [], versionId: 3, written: true })
        : undefined,
    );
    await user.click(await screen.findByRole('tab', { name: 'Edit' }));
    const editorRoot = await screen.findByTestId('config-editor');
    const content = editorRoot.querySelector('.cm-content');
    expect(content).not.toBeNull();
    const view = EditorView.findFromDOM(editorRoot.querySelector('.cm-editor') as HTMLElement);
    expect(view?.state.doc.toString()).toBe(TEXT);
    view?.dispatch({ changes: { from: TEXT.length, insert: 'on_crash = "preserve"\n' } });

    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    await user.click(await screen.findByRole('button', { name: 'Save' }));
    await screen.findByTestId('config-saved');
    expect(puts(requests)[0]?.body).toEqual({ text: `${TEXT}on_crash = "preserve"\n` });
  });

  it('on 409 says the file changed on disk and offers Reload and a diff against the new text', async () => {
    const user = userEvent.setup();
    const onDisk = TEXT.replace('vcpus = 1', 'vcpus = 2 # changed by hand');
    let getCount = 0;
    renderConfig((req) => {
      if (req.method === 'PUT') {
        return jsonResponse(409, {
          error: {
            code: 'CONFIG_CHANGED',
            message: 'the file changed',
            details: { currentEtag: NEW_ETAG },
          },
        });
      }
      if (req.method === 'GET' && req.url.endsWith('/configs/web1')) {
        getCount++;
        return jsonResponse(200, getCount === 1 ? configDoc() : configDoc(onDisk, NEW_ETAG));
      }
      return undefined;
    });
    const memory = await screen.findByTestId('quick-memory-input');
    await user.clear(memory);
    await user.type(memory, '1024');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    await user.click(await screen.findByRole('button', { name: 'Save' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/the file changed on disk since you opened it/i);
    expect(within(alert).getByRole('button', { name: 'Reload' })).toBeInTheDocument();
    expect(screen.queryByTestId('config-saved')).toBeNull();

    await user.click(within(alert).getByRole('button', { name: 'Compare with the file on disk' }));
    expect(await within(alert).findByText(/The file on disk now → your edits/)).toBeInTheDocument();
    expect(within(alert).getByTestId('config-diff')).toBeInTheDocument();
  });

  it('on 422 shows the server’s errors with their positions and keeps the edits', async () => {
    const user = userEvent.setup();
    renderConfig((req) =>
      req.method === 'PUT'
        ? jsonResponse(422, {
            error: {
              code: 'CONFIG_INVALID',
              message: 'xl would refuse this file',
              details: {
                errors: [
                  {
                    code: 'CONFLICTING_SETTINGS',
                    message: 'maxmem is below memory',
                    line: 5,
                    column: 1,
                  },
                ],
              },
            },
          })
        : undefined,
    );
    const memory = await screen.findByTestId('quick-memory-input');
    await user.clear(memory);
    await user.type(memory, '4096');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    await user.click(await screen.findByRole('button', { name: 'Save' }));

    expect(await screen.findByText('maxmem is below memory')).toBeInTheDocument();
    expect(screen.getByText('5:1')).toBeInTheDocument();
    // Still reviewing the same edits: the diff and Save are there.
    expect(screen.getByTestId('config-diff')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  });

  it('restores a version only after confirmation, with If-Match = the current ETag', async () => {
    const user = userEvent.setup();
    const { requests } = renderConfig(
      (req) =>
        req.method === 'POST' && req.url.endsWith('/history/1/restore')
          ? jsonResponse(200, { etag: NEW_ETAG, versionId: 3, written: true })
          : undefined,
      '/configs/web1?tab=history',
    );
    const rows = await screen.findAllByTestId('history-row');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('before edit');
    const posts = () => requests.filter((r) => r.method === 'POST');

    await user.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'Restore' }));
    let dialog = await screen.findByRole('dialog');
    expect(posts()).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(posts()).toHaveLength(0);

    await user.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'Restore' }));
    dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0]?.url).toBe('/api/v1/configs/web1/history/1/restore');
    expect(posts()[0]?.headers['if-match']).toBe(ETAG);
    expect(await screen.findByText(/Restored version #1/)).toBeInTheDocument();
  });
});
