import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
import { FirstRunNote, INITIAL_ADMIN_PASSWORD_PATH } from './first-run-note';
import { LoginForm } from './login-form';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('<LoginForm>', () => {
  it("shows the server's message when the login fails", async () => {
    const user = userEvent.setup();
    mockFetch(() =>
      jsonResponse(401, {
        error: { code: 'BAD_CREDENTIALS', message: 'Wrong username or password' },
      }),
    );
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password');
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('posts the credentials, stores the session and calls onSuccess', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) =>
      req.method === 'POST'
        ? new Response(null, { status: 204 })
        : jsonResponse(200, {
            username: 'admin',
            role: 'admin',
            totpEnabled: false,
            backend: 'simulated',
          }),
    );
    const onSuccess = vi.fn();
    const { queryClient } = renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'admin-pass-123');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/session',
      body: { username: 'admin', password: 'admin-pass-123' },
    });
    expect(queryClient.getQueryData(['session'])).toEqual({
      username: 'admin',
      role: 'admin',
      totpEnabled: false,
      backend: 'simulated',
    });
  });

  it('asks for the TOTP code when the server answers TOTP_REQUIRED, then sends it', async () => {
    const user = userEvent.setup();
    const { requests } = mockFetch((req) => {
      if (req.method !== 'POST')
        return jsonResponse(200, {
          username: 'admin',
          role: 'admin',
          totpEnabled: false,
          backend: 'simulated',
        });
      const body = req.body as { totp?: string };
      if (body.totp === undefined) {
        return jsonResponse(401, {
          error: { code: 'TOTP_REQUIRED', message: 'A TOTP code is required' },
        });
      }
      if (body.totp !== '123456') {
        return jsonResponse(401, { error: { code: 'TOTP_INVALID', message: 'Wrong code' } });
      }
      return new Response(null, { status: 204 });
    });
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    expect(screen.queryByLabelText('Authentication code')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'admin-pass-123');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    // The question is not an error: the code step appears, focused.
    const code = await screen.findByLabelText('Authentication code');
    expect(code).toHaveFocus();
    expect(screen.getByTestId('totp-step')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(onSuccess).not.toHaveBeenCalled();

    await user.type(code, '000000');
    await user.click(screen.getByRole('button', { name: 'Verify code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong code');

    await user.clear(code);
    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Verify code' }));
    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body)).toEqual([
      { username: 'admin', password: 'admin-pass-123' },
      { username: 'admin', password: 'admin-pass-123', totp: '000000' },
      { username: 'admin', password: 'admin-pass-123', totp: '123456' },
    ]);
  });
});

describe('<FirstRunNote>', () => {
  it('says where the generated password is and shows the certificate fingerprint', async () => {
    const fingerprint =
      'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
    mockFetch(() =>
      jsonResponse(200, {
        firstRun: true,
        tls: { fingerprintSha256: fingerprint, selfSigned: true },
      }),
    );
    renderWithProviders(<FirstRunNote />);
    const note = await screen.findByTestId('first-run-note');
    expect(note).toHaveTextContent(INITIAL_ADMIN_PASSWORD_PATH);
    expect(screen.getByTestId('tls-fingerprint')).toHaveTextContent(fingerprint);
  });

  it('shows nothing after the first run over plain HTTP', async () => {
    const { requests } = mockFetch(() => jsonResponse(200, { firstRun: false, tls: null }));
    renderWithProviders(<FirstRunNote />);
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(screen.queryByTestId('first-run-note')).not.toBeInTheDocument();
  });
});
