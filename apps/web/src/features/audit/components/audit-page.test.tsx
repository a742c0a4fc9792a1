/**
 * The audit page against a mocked API: entries newest first with user, address, action, target,
 * result and the command with its Copy button; the filters become the query string (empty ones
 * left out, times as ms); "Load more" asks for the next page with `before` and appends it.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditEntry, AuditPage } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { auditSearchParams, NO_AUDIT_FILTERS } from '../lib/audit-filters';
import AuditPageView from './audit-page';

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    id: 1,
    at: Date.UTC(2026, 10, 30, 20, 15),
    user: 'admin',
    remoteAddr: '192.0.2.10',
    action: 'domain.destroy',
    target: 'domain:web1',
    domain: 'web1',
    result: 'ok',
    command: 'xl destroy web1',
    details: null,
    ...over,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('audit page', () => {
  it('lists entries with their command, and loads older pages with before=', async () => {
    const { requests } = mockFetch((req) => {
      const url = new URL(req.url, 'http://x');
      const page: AuditPage =
        url.searchParams.get('before') === '5'
          ? {
              entries: [entry({ id: 4, action: 'session.login', command: null })],
              nextBefore: null,
            }
          : {
              entries: [
                entry({
                  id: 6,
                  result: 'INVALID_STATE',
                  command: 'xl pause db1',
                  target: 'domain:db1',
                }),
                entry({
                  id: 5,
                  action: 'volume.create',
                  target: 'volume:vg0/web1-disk',
                  command: 'lvcreate -L 4194304b -n web1-disk vg0',
                  details: { taskId: 'f00dcafe-0000', taskOutcome: 'NO_SPACE', sizeBytes: 4 },
                }),
              ],
              nextBefore: 5,
            };
      return jsonResponse(200, page);
    });
    renderWithProviders(<AuditPageView />);

    const row6 = await screen.findByTestId('audit-row-6');
    expect(within(row6).getByText('xl pause db1')).toBeInTheDocument();
    expect(within(row6).getByTestId('audit-result')).toHaveTextContent('INVALID_STATE');
    expect(within(row6).getByText('192.0.2.10')).toBeInTheDocument();
    // The command as CommandHint shows it (its Copy button appears where the clipboard works).
    expect(within(row6).getByTitle('xl pause db1')).toHaveClass('select-all');
    const row5 = screen.getByTestId('audit-row-5');
    expect(within(row5).getByRole('link', { name: 'task f00dcafe' })).toHaveAttribute(
      'href',
      '/tasks/f00dcafe-0000',
    );
    expect(within(row5).getByTestId('audit-task-outcome')).toHaveTextContent('ended NO_SPACE');
    expect(within(row5).getByText('sizeBytes=4')).toBeInTheDocument();
    expect(requests[0]?.url).toBe('/api/v1/audit?limit=100');

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByTestId('audit-row-4');
    expect(requests.at(-1)?.url).toBe('/api/v1/audit?before=5&limit=100');
    // Older entries are appended below, in order; no more pages: the button goes.
    const ids = screen.getAllByTestId(/^audit-row-/).map((r) => r.dataset.testid);
    expect(ids).toEqual(['audit-row-6', 'audit-row-5', 'audit-row-4']);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('searches with the filters filled in, and Clear goes back to everything', async () => {
    const { requests } = mockFetch((req) =>
      jsonResponse(200, {
        entries: req.url.includes('user=') ? [] : [entry({ id: 9 })],
        nextBefore: null,
      }),
    );
    renderWithProviders(<AuditPageView />);
    await screen.findByTestId('audit-row-9');

    await userEvent.type(screen.getByLabelText('User'), ' carol ');
    await userEvent.type(screen.getByLabelText('Domain'), 'web1');
    await userEvent.type(screen.getByLabelText('Target or command contains'), 'xl');
    await userEvent.selectOptions(screen.getByLabelText('Result'), 'failed');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() =>
      expect(requests.at(-1)?.url).toBe(
        '/api/v1/audit?user=carol&domain=web1&q=xl&result=failed&limit=100',
      ),
    );

    await screen.findByText('No entries match.');

    await userEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await screen.findByTestId('audit-row-9');
    expect(screen.getByLabelText('User')).toHaveValue('');
    expect(screen.getByLabelText('Result')).toHaveValue('');
  });

  it('sends the time range as ms since the epoch (local time of the inputs)', () => {
    const p = auditSearchParams({
      ...NO_AUDIT_FILTERS,
      since: '2026-11-30T08:00',
      until: 'not a time',
      action: 'domain.',
    });
    expect(p.get('since')).toBe(String(new Date(2026, 10, 30, 8, 0).getTime()));
    expect(p.has('until')).toBe(false);
    expect(p.get('action')).toBe('domain.');
  });
});
