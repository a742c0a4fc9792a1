import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiTokenInfo } from '@xendeck/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ADMIN_SESSION,
  createTestQueryClient,
  jsonResponse,
  mockFetch,
  renderWithProviders,
} from '@/test/render';
import { PasswordForm } from './password-form';
import { TokensPanel } from './tokens-panel';
import { groupSecret, TotpPanel } from './totp-panel';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('<PasswordForm>', () => {
  it('refuses a short new password and two that differ without asking the server', async () => {
    const u = userEvent.setup();
    const { requests } = mockFetch(() => new Response(null, { status: 204 }));
    renderWithProviders(<PasswordForm />);
    await u.type(screen.getByLabelText('Current password'), 'old-password');
    await u.type(screen.getByLabelText('New password'), 'short');
    await u.type(screen.getByLabelText('New password again'), 'shorter');
    await u.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('at least 8 characters')).toBeInTheDocument();
    expect(screen.getByText('the two new passwords differ')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it('refuses the current password as the new one', async () => {
    const u = userEvent.setup();
    const { requests } = mockFetch(() => new Response(null, { status: 204 }));
    renderWithProviders(<PasswordForm />);
    await u.type(screen.getByLabelText('Current password'), 'same-password');
    await u.type(screen.getByLabelText('New password'), 'same-password');
    await u.type(screen.getByLabelText('New password again'), 'same-password');
    await u.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('the new password is the current one')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it("sends current and new, says so, and shows the server's WRONG_PASSWORD", async () => {
    const u = userEvent.setup();
    let wrong = true;
    const { requests } = mockFetch(() =>
      wrong
        ? jsonResponse(403, {
            error: { code: 'WRONG_PASSWORD', message: 'The current password is wrong' },
          })
        : new Response(null, { status: 204 }),
    );
    renderWithProviders(<PasswordForm />);
    await u.type(screen.getByLabelText('Current password'), 'old-password');
    await u.type(screen.getByLabelText('New password'), 'new-password-1');
    await u.type(screen.getByLabelText('New password again'), 'new-password-1');
    await u.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is wrong')).toBeInTheDocument();
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      url: '/api/v1/session/password',
      body: { currentPassword: 'old-password', newPassword: 'new-password-1' },
    });
    wrong = false;
    await u.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByTestId('password-changed')).toBeInTheDocument();
    expect(screen.getByLabelText('Current password')).toHaveValue('');
  });
});

describe('<TokensPanel>', () => {
  it('shows a new token once, with the warning; the list never holds it', async () => {
    const u = userEvent.setup();
    const listed: ApiTokenInfo[] = [];
    const { requests } = mockFetch((req) => {
      if (req.method === 'POST') {
        const body = req.body as { name: string; expiresInDays?: number };
        const info: ApiTokenInfo = {
          id: 7,
          name: body.name,
          createdAt: Date.UTC(2026, 10, 30),
          lastUsedAt: null,
          expiresAt: body.expiresInDays
            ? Date.UTC(2026, 10, 30) + body.expiresInDays * 864e5
            : null,
        };
        listed.push(info);
        return jsonResponse(201, { ...info, token: 'xdk_secret-token-value' });
      }
      return jsonResponse(200, listed);
    });
    renderWithProviders(<TokensPanel />);
    expect(await screen.findByText('No API tokens.')).toBeInTheDocument();
    await u.type(screen.getByLabelText('Name'), 'monitoring');
    await u.selectOptions(screen.getByLabelText('Expires'), '30');
    await u.click(screen.getByRole('button', { name: 'Create token' }));

    const shown = await screen.findByTestId('new-token');
    expect(shown).toHaveTextContent('xdk_secret-token-value');
    expect(shown).toHaveTextContent('it is not shown again');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: 'monitoring',
      expiresInDays: 30,
    });
    const row = await screen.findByTestId('token-row-7');
    expect(row).toHaveTextContent('monitoring');
    expect(row).not.toHaveTextContent('xdk_');

    await u.click(within(shown).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByTestId('new-token')).not.toBeInTheDocument();
    expect(screen.queryByText(/xdk_secret/)).not.toBeInTheDocument();
  });

  it('revokes a token after confirmation', async () => {
    const u = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : jsonResponse(200, [
            { id: 3, name: 'backup', createdAt: 0, lastUsedAt: null, expiresAt: null },
          ]),
    );
    renderWithProviders(<TokensPanel />);
    await u.click(
      within(await screen.findByTestId('token-row-3')).getByRole('button', { name: 'Revoke' }),
    );
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
    await u.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await waitFor(() =>
      expect(requests.find((r) => r.method === 'DELETE')?.url).toBe('/api/v1/session/tokens/3'),
    );
  });
});

describe('<TotpPanel>', () => {
  it('shows the QR code and the secret, confirms with a 6-digit code', async () => {
    const u = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'POST'
        ? jsonResponse(200, {
            secret: 'JBSWY3DPEHPK3PXPJBSW',
            uri: 'otpauth://totp/Xendeck:alice?secret=JBSWY3DPEHPK3PXPJBSW&issuer=Xendeck',
          })
        : new Response(null, { status: 204 }),
    );
    renderWithProviders(<TotpPanel />);
    // Off (the session says totpEnabled: false, backend: 'simulated'): Set up only.
    expect(screen.queryByRole('button', { name: 'Turn off' })).not.toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Set up two-factor login' }));
    expect(await screen.findByTestId('totp-qr')).toContainHTML('<svg');
    expect(screen.getByTestId('totp-secret')).toHaveTextContent('JBSW Y3DP EHPK 3PXP JBSW');
    await u.type(screen.getByLabelText('Code from the app'), '12a34');
    await u.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText('the code is six digits')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
    await u.type(screen.getByLabelText('Code from the app'), '56');
    await u.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByTestId('totp-enabled')).toBeInTheDocument();
    // Now on: Turn off only.
    expect(screen.getByRole('button', { name: 'Turn off' })).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Set up two-factor login' }),
    ).not.toBeInTheDocument();
    expect(requests.find((r) => r.method === 'PUT')).toMatchObject({
      url: '/api/v1/session/totp',
      body: { code: '123456' },
    });
  });

  it('when on, offers Turn off only; turns off with a current code, or with the password (a lost device), then offers Set up', async () => {
    const u = userEvent.setup();
    const { requests } = mockFetch(() => new Response(null, { status: 204 }));
    for (const proof of ['654321', 'my-password']) {
      const { unmount } = renderWithProviders(
        <TotpPanel />,
        createTestQueryClient({ ...ADMIN_SESSION, totpEnabled: true }),
      );
      expect(screen.getByTestId('totp-enabled')).toHaveTextContent('Two-factor login is on');
      expect(
        screen.queryByRole('button', { name: 'Set up two-factor login' }),
      ).not.toBeInTheDocument();
      await u.click(screen.getByRole('button', { name: 'Turn off' }));
      const dialog = screen.getByRole('dialog');
      await u.type(within(dialog).getByLabelText('Code from the app, or your password'), proof);
      await u.click(within(dialog).getByRole('button', { name: 'Turn off' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(
        await screen.findByRole('button', { name: 'Set up two-factor login' }),
      ).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Turn off' })).not.toBeInTheDocument();
      unmount();
    }
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['DELETE', '/api/v1/session/totp', { code: '654321' }],
      ['DELETE', '/api/v1/session/totp', { password: 'my-password' }],
    ]);
  });

  it('groups a secret in fours', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });
});
