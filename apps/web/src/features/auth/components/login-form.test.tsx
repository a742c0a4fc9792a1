import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/test/render';
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
        : jsonResponse(200, { username: 'admin', role: 'admin' }),
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
    expect(queryClient.getQueryData(['session'])).toEqual({ username: 'admin', role: 'admin' });
  });
});
