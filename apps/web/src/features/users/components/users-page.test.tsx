import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { UserInfo } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dom0, domain } from '@/test/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { GENERATED_PASSWORD_LENGTH } from '../lib/generate-password';
import { UsersPage } from './users-page';

afterEach(() => {
  vi.unstubAllGlobals();
});

const user = (o: Partial<UserInfo> & Pick<UserInfo, 'username' | 'role'>): UserInfo => ({
  createdAt: Date.UTC(2026, 10, 1),
  passwordChangedAt: null,
  totpEnabled: false,
  grants: [],
  ...o,
});

const alice = user({
  username: 'alice',
  role: 'customer',
  grants: [{ domain: 'web1', permissions: ['view', 'power'] }],
});

function serve(users: UserInfo[]) {
  return mockFetch((req) => {
    if (req.url === '/api/v1/users' && req.method === 'GET') return jsonResponse(200, users);
    if (req.url === '/api/v1/users' && req.method === 'POST') {
      const body = req.body as { username: string; role: UserInfo['role'] };
      if (body.username === 'admin') {
        return jsonResponse(409, { error: { code: 'USER_EXISTS', message: 'admin exists' } });
      }
      return jsonResponse(201, user({ username: body.username, role: body.role }));
    }
    if (req.url === '/api/v1/domains') {
      return jsonResponse(200, [dom0, domain({ domid: 3, name: 'web1' })]);
    }
    if (req.url === '/api/v1/configs') {
      return jsonResponse(200, [
        {
          name: 'db1',
          path: '/etc/xen/db1.cfg',
          running: false,
          sizeBytes: 10,
          modifiedAt: '2026-11-01T00:00:00Z',
        },
      ]);
    }
    if (req.url === '/api/v1/users/alice/tokens') {
      return jsonResponse(200, [
        { id: 3, name: 'backup', createdAt: 0, lastUsedAt: null, expiresAt: null },
      ]);
    }
    if (req.method === 'PUT' || req.method === 'DELETE') return new Response(null, { status: 204 });
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: req.url } });
  });
}

describe('<UsersPage>', () => {
  it('lists users with role, TOTP and times', async () => {
    serve([user({ username: 'admin', role: 'admin', totpEnabled: true }), alice]);
    renderWithProviders(<UsersPage />);
    const row = await screen.findByTestId('user-row-admin');
    expect(within(row).getByTestId('role-admin')).toHaveValue('admin');
    expect(within(row).getByText('on')).toBeInTheDocument();
    expect(within(row).getByText('never')).toBeInTheDocument();
    expect(within(screen.getByTestId('user-row-alice')).getByText('off')).toBeInTheDocument();
    // Only customers have grants.
    expect(screen.getByTestId('grants-button-alice')).toHaveTextContent('Grants (1)');
    expect(screen.queryByTestId('grants-button-admin')).not.toBeInTheDocument();
  });

  it('creates a user: checks the fields, generates a password, sends it', async () => {
    const u = userEvent.setup();
    const { requests } = serve([]);
    renderWithProviders(<UsersPage />);
    await u.click(await screen.findByTestId('new-user-button'));
    const dialog = screen.getByRole('dialog');
    await u.type(within(dialog).getByLabelText('Username'), '-bad');
    await u.type(within(dialog).getByLabelText('Password'), 'short');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await within(dialog).findByText(/not - or \. first/)).toBeInTheDocument();
    expect(within(dialog).getByText('at least 8 characters')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await u.clear(within(dialog).getByLabelText('Username'));
    await u.type(within(dialog).getByLabelText('Username'), 'bob');
    await u.click(within(dialog).getByRole('button', { name: 'Generate' }));
    const password = (within(dialog).getByLabelText('Password') as HTMLInputElement).value;
    expect(password).toHaveLength(GENERATED_PASSWORD_LENGTH);
    await u.selectOptions(within(dialog).getByLabelText('Role'), 'operator');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      username: 'bob',
      password,
      role: 'operator',
    });
  });

  it("keeps the dialog open with the server's USER_EXISTS", async () => {
    const u = userEvent.setup();
    serve([]);
    renderWithProviders(<UsersPage />);
    await u.click(await screen.findByTestId('new-user-button'));
    const dialog = screen.getByRole('dialog');
    await u.type(within(dialog).getByLabelText('Username'), 'admin');
    await u.type(within(dialog).getByLabelText('Password'), 'long-enough-1');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await within(dialog).findByText('admin exists')).toBeInTheDocument();
    expect(within(dialog).getByText('USER_EXISTS')).toBeInTheDocument();
  });

  it('edits grants: offers running domains and config files, PUT replaces all', async () => {
    const u = userEvent.setup();
    const { requests } = serve([alice]);
    renderWithProviders(<UsersPage />);
    await u.click(await screen.findByTestId('grants-button-alice'));
    // web1 (xl list, granted) and db1 (config file); never dom0.
    expect(await screen.findByTestId('grants-row-db1')).toBeInTheDocument();
    expect(screen.getByTestId('grants-row-web1')).toBeInTheDocument();
    expect(screen.queryByTestId('grants-row-Domain-0')).not.toBeInTheDocument();
    expect(screen.getByTestId('grant-web1-power')).toBeChecked();

    // Ticking console on db1 grants it (view comes with it); unticking view on web1 removes it.
    await u.click(screen.getByTestId('grant-db1-console'));
    expect(screen.getByTestId('grant-db1-view')).toBeChecked();
    await u.click(screen.getByTestId('grant-web1-view'));
    expect(screen.getByTestId('grant-web1-power')).not.toBeChecked();
    await u.click(screen.getByTestId('grant-db1-metrics'));
    await u.click(screen.getByRole('button', { name: 'Save grants' }));

    await waitFor(() =>
      expect(requests.find((r) => r.url === '/api/v1/users/alice/grants')).toBeDefined(),
    );
    const put = requests.find((r) => r.url === '/api/v1/users/alice/grants');
    expect(put?.method).toBe('PUT');
    expect(put?.body).toEqual({
      grants: [{ domain: 'db1', permissions: ['view', 'console', 'metrics'] }],
    });
  });

  it('changes a role with PUT /users/:username', async () => {
    const u = userEvent.setup();
    const { requests } = serve([alice]);
    renderWithProviders(<UsersPage />);
    await u.selectOptions(await screen.findByTestId('role-alice'), 'operator');
    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    expect(requests.find((r) => r.method === 'PUT')).toMatchObject({
      url: '/api/v1/users/alice',
      body: { role: 'operator' },
    });
  });

  it("lists and revokes another user's API tokens", async () => {
    const u = userEvent.setup();
    const { requests } = serve([alice]);
    renderWithProviders(<UsersPage />);
    await u.click(await screen.findByTestId('tokens-button-alice'));
    const row = await screen.findByTestId('token-row-3');
    expect(row).toHaveTextContent('backup');
    await u.click(within(row).getByRole('button', { name: 'Revoke' }));
    await u.click(screen.getByRole('button', { name: 'Revoke' }));
    await waitFor(() =>
      expect(requests.find((r) => r.method === 'DELETE')?.url).toBe('/api/v1/users/alice/tokens/3'),
    );
  });
});
