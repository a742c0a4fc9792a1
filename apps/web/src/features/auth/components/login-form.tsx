import { useId, useState } from 'react';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { useLogin } from '../api/login';

const inputClass =
  'block h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs focus-visible:border-sky-600 focus-visible:outline-2 focus-visible:outline-sky-600/40 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100';

/**
 * Username/password form for `POST /api/v1/session`. Shows the server's message when the login
 * fails; calls `onSuccess` once the session is established.
 */
export function LoginForm({ onSuccess }: { onSuccess?: () => void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const loginMutation = useLogin();

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        loginMutation.mutate({ username, password }, { onSuccess: () => onSuccess?.() });
      }}
    >
      {loginMutation.error ? (
        <Alert
          kind="error"
          title="Login failed"
          message={loginMutation.error.message}
          onDismiss={() => loginMutation.reset()}
        />
      ) : null}
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${id}-username`} className="text-sm font-medium">
          Username
        </label>
        <input
          id={`${id}-username`}
          name="username"
          autoComplete="username"
          required
          maxLength={64}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          className={inputClass}
        />
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${id}-password`} className="text-sm font-medium">
          Password
        </label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className={inputClass}
        />
      </div>
      <Button type="submit" variant="primary" disabled={loginMutation.isPending} className="h-9">
        {loginMutation.isPending ? 'Logging in…' : 'Log in'}
      </Button>
    </form>
  );
}
