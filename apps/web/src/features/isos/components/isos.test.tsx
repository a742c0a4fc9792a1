/**
 * The ISO library page against a mocked API and a fake XMLHttpRequest: the list (sizes, SHA-256,
 * users, delete blocked by users), picking files, name checks, the upload's headers, progress,
 * speed and ETA, cancel, the server's checksum error, replace confirmation, typed delete.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { IsoList } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestQueryClient, jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { resetUploadsForTests } from '../lib/uploads-store';
import IsosPage from './isos-page';

const SHA = 'a1b2c3d4e5f6'.padEnd(64, '0');

function list(): IsoList {
  return {
    directory: '/var/lib/xendeck/iso',
    freeBytes: 50 * 1024 ** 3,
    isos: [
      {
        name: 'debian-12.iso',
        sizeBytes: 3 * 1024 ** 3 + 512 * 1024 ** 2,
        modified: '2026-11-30T10:00:00.000Z',
        sha256: SHA,
        usedBy: [],
      },
      {
        name: 'win.iso',
        sizeBytes: 700 * 1024 ** 2,
        modified: '2026-11-30T11:00:00.000Z',
        sha256: null,
        usedBy: [
          { kind: 'config', name: 'win1', path: '/etc/xen/win1.cfg' },
          { kind: 'domain', name: 'win1', domid: 4 },
        ],
      },
    ],
    usedByGaps: { configs: [], domains: [] },
  };
}

/** The XMLHttpRequest the upload uses, driven by the test. */
class FakeXhr {
  static last: FakeXhr | undefined;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  statusText = '';
  responseText = '';
  aborted = false;
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

let clockMs = 0;
beforeEach(() => {
  FakeXhr.last = undefined;
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  clockMs = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clockMs);
});
afterEach(() => {
  resetUploadsForTests();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function serve() {
  return mockFetch((req) => {
    const path = req.url.replace(/^.*\/api\/v1/, '');
    if (path === '/isos' && req.method === 'GET') return jsonResponse(200, list());
    if (path.startsWith('/isos/debian-12.iso') && req.method === 'DELETE') {
      return new Response(null, { status: 204 });
    }
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: path } });
  });
}

function iso(name: string, bytes: number): File {
  return new File([new Uint8Array(bytes)], name, { type: 'application/x-iso9660-image' });
}

async function pick(...files: File[]) {
  const input = screen.getByTestId('iso-file-input') as HTMLInputElement;
  await userEvent.upload(input, files);
}

describe('ISO library page', () => {
  it('an operator sees the list, without Upload or Delete (admins only)', async () => {
    serve();
    renderWithProviders(
      <IsosPage />,
      createTestQueryClient({
        username: 'op',
        role: 'operator',
        totpEnabled: false,
        backend: 'simulated',
      }),
    );
    const row = await screen.findByTestId('iso-row-debian-12.iso');
    expect(within(row).queryByTestId('iso-delete-button')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Upload' })).not.toBeInTheDocument();
  });

  it('lists ISOs with size, short SHA-256, users, and blocks Delete of a used one', async () => {
    serve();
    renderWithProviders(<IsosPage />);
    const row = await screen.findByTestId('iso-row-debian-12.iso');
    expect(within(row).getByTestId('iso-size')).toHaveTextContent('3.5 GiB');
    expect(within(row).getByTestId('iso-sha256')).toHaveTextContent('a1b2c3d4e5f6…');
    expect(within(row).getByTestId('iso-sha256')).toHaveAttribute('title', SHA);
    const used = screen.getByTestId('iso-row-win.iso');
    expect(within(used).getByTestId('iso-sha256')).toHaveTextContent('computing…');
    expect(within(used).getByRole('link', { name: 'config win1' })).toHaveAttribute(
      'href',
      '/configs/win1',
    );
    expect(within(used).getByTestId('iso-delete-button')).toBeDisabled();
    expect(within(used).getByTestId('iso-delete-blocked')).toHaveTextContent(
      'Used by config win1, domain win1 (domid 4)',
    );
    expect(screen.getByTestId('isos-free')).toHaveTextContent(
      '/var/lib/xendeck/iso · 50.0 GiB free',
    );
  });

  it('uploads a picked file with the checksum header, showing progress, speed and time left', async () => {
    const { requests } = serve();
    renderWithProviders(<IsosPage />);
    await screen.findByTestId('iso-row-debian-12.iso');
    await pick(iso('alpine.iso', 1000));
    const item = screen.getByTestId('iso-upload-item');
    await userEvent.type(within(item).getByTestId('iso-upload-sha256'), SHA.toUpperCase());
    await userEvent.click(within(item).getByTestId('iso-upload-start'));
    const xhr = FakeXhr.last as FakeXhr;
    expect(xhr.method).toBe('PUT');
    expect(xhr.url).toBe('/api/v1/isos/alpine.iso');
    expect(xhr.headers).toMatchObject({
      'Content-Type': 'application/octet-stream',
      Accept: 'application/json',
      'X-Checksum-Sha256': SHA,
    });
    expect(xhr.body).toBeInstanceOf(File);

    const GB = 1e9;
    act(() => {
      clockMs = 1000;
      xhr.progress(0.08 * GB, 2 * GB); // 80 MB in the first second
    });
    act(() => {
      clockMs = 2000;
      xhr.progress(0.18 * GB, 2 * GB); // then 100 MB/s
    });
    const bar = screen.getByTestId('iso-upload-progress');
    expect(bar).toHaveAttribute('aria-valuenow', '9');
    // 0.3 × 100 + 0.7 × 80 = 86 MB/s; (2 GB − 180 MB) / 86 MB/s ≈ 21 s.
    expect(screen.getByTestId('iso-upload-speed')).toHaveTextContent('86.0 MB/s');
    expect(screen.getByTestId('iso-upload-eta')).toHaveTextContent('21 s left');
    expect(screen.getByTestId('iso-upload-bytes')).toHaveTextContent('(9.0 %)');
    expect(screen.getByTestId('iso-upload-cancel')).toBeEnabled();

    const before = requests.filter((r) => r.url.endsWith('/isos')).length;
    act(() => {
      xhr.respond(201, {
        name: 'alpine.iso',
        sizeBytes: 1000,
        modified: '2026-11-30T12:00:00.000Z',
        sha256: SHA,
        usedBy: [],
      });
    });
    await screen.findByTestId('iso-upload-done');
    expect(screen.getByTestId('iso-upload-item')).toHaveAttribute('data-state', 'done');
    // The list is asked again after an upload.
    await waitFor(() =>
      expect(requests.filter((r) => r.url.endsWith('/isos')).length).toBeGreaterThan(before),
    );
  });

  it('cancels a running upload (xhr.abort)', async () => {
    serve();
    renderWithProviders(<IsosPage />);
    await screen.findByTestId('iso-row-debian-12.iso');
    await pick(iso('big.iso', 1000));
    await userEvent.click(screen.getByTestId('iso-upload-start'));
    act(() => (FakeXhr.last as FakeXhr).progress(100, 1000));
    await userEvent.click(screen.getByTestId('iso-upload-cancel'));
    expect((FakeXhr.last as FakeXhr).aborted).toBe(true);
    expect(await screen.findByTestId('iso-upload-cancelled')).toHaveTextContent(
      'nothing was kept on the server',
    );
  });

  it("shows the server's checksum refusal", async () => {
    serve();
    renderWithProviders(<IsosPage />);
    await screen.findByTestId('iso-row-debian-12.iso');
    await pick(iso('bad.iso', 10));
    await userEvent.click(screen.getByTestId('iso-upload-start'));
    act(() =>
      (FakeXhr.last as FakeXhr).respond(422, {
        error: { code: 'CHECKSUM_MISMATCH', message: 'SHA-256 of the upload is x, not y' },
      }),
    );
    const error = await screen.findByTestId('iso-upload-error');
    expect(error).toHaveTextContent('Upload of bad.iso failed');
    expect(error).toHaveTextContent('CHECKSUM_MISMATCH');
    expect(error).toHaveTextContent('SHA-256 of the upload is x, not y');
    // Retry puts the file back to ready, with its SHA-256 field to correct.
    await userEvent.click(screen.getByTestId('iso-upload-retry'));
    expect(screen.getByTestId('iso-upload-item')).toHaveAttribute('data-state', 'ready');
    expect(screen.getByTestId('iso-upload-sha256')).toBeInTheDocument();
  });

  it('refuses a file whose name cannot be an ISO name, and a malformed SHA-256', async () => {
    serve();
    renderWithProviders(<IsosPage />);
    await screen.findByTestId('iso-row-debian-12.iso');
    await pick(iso('my disk.iso', 10));
    const item = screen.getByTestId('iso-upload-item');
    expect(within(item).getByTestId('iso-upload-error')).toHaveTextContent(
      'may hold only letters, digits',
    );
    expect(within(item).queryByTestId('iso-upload-start')).toBeNull();
    await userEvent.click(within(item).getByTestId('iso-upload-dismiss'));
    await pick(iso('ok.iso', 10));
    await userEvent.type(screen.getByTestId('iso-upload-sha256'), 'abc');
    expect(screen.getByTestId('iso-upload-start')).toBeDisabled();
  });

  it('asks before replacing an ISO of the same name, then sends ?replace=1', async () => {
    serve();
    renderWithProviders(<IsosPage />);
    await screen.findByTestId('iso-row-debian-12.iso');
    await pick(iso('debian-12.iso', 10));
    expect(screen.getByTestId('iso-upload-exists')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('iso-upload-start'));
    expect(FakeXhr.last).toBeUndefined();
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Replace' }));
    expect((FakeXhr.last as FakeXhr).url).toBe('/api/v1/isos/debian-12.iso?replace=1');
  });

  it('does not offer to replace an ISO a running domain has inserted', async () => {
    serve();
    renderWithProviders(<IsosPage />);
    await screen.findByTestId('iso-row-win.iso');
    await pick(iso('win.iso', 10));
    expect(screen.getByTestId('iso-upload-start')).toBeDisabled();
    expect(screen.getByTestId('iso-upload-item')).toHaveTextContent(
      'win.iso is in a drive of domain win1 (domid 4): eject it before replacing it.',
    );
  });

  it('deletes only after the name is typed, with ?confirm=', async () => {
    const { requests } = serve();
    renderWithProviders(<IsosPage />);
    const row = await screen.findByTestId('iso-row-debian-12.iso');
    await userEvent.click(within(row).getByTestId('iso-delete-button'));
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    fireEvent.change(within(dialog).getByTestId('iso-delete-confirm-input'), {
      target: { value: 'debian-12.iso' },
    });
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(requests.find((r) => r.method === 'DELETE')?.url).toBe(
        '/api/v1/isos/debian-12.iso?confirm=debian-12.iso',
      ),
    );
  });
});
