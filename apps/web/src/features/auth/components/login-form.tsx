import { useId, useState } from 'react';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { isApiError } from '@/lib/api-client';
import { useLogin } from '../api/login';

const inputClass =
  'block h-9 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs focus-visible:border-sky-600 focus-visible:outline-2 focus-visible:outline-sky-600/40 read-only:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:read-only:bg-zinc-900';

/** The server's answer asking for the second factor (401 with this code). */
const TOTP_REQUIRED = 'TOTP_REQUIRED';

/**
 * Username/password form for `POST /api/v1/session`. When the server answers 401 TOTP_REQUIRED
 * (the user enrolled a TOTP second factor), asks for the 6-digit code and sends the login again
 * with `totp`. Shows the server's message when the login fails; calls `onSuccess` once the
 * session is established. Test id: `totp-step` on the code step's note.
 */
export function LoginForm({ onSuccess }: { onSuccess?: () => void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const loginMutation = useLogin();
  const error = loginMutation.error;
  // The first TOTP_REQUIRED (sent without a code) is the question, not a failure.
  const showError =
    error &&
    !(
      isApiError(error) &&
      error.code === TOTP_REQUIRED &&
      loginMutation.variables?.totp === undefined
    );

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        loginMutation.mutate(needsTotp ? { username, password, totp } : { username, password }, {
          onSuccess: () => onSuccess?.(),
          onError: (err) => {
            if (isApiError(err) && err.code === TOTP_REQUIRED) setNeedsTotp(true);
          },
        });
      }}
    >
      {showError && error ? (
        <Alert
          kind="error"
          title="Login failed"
          message={error.message}
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
          readOnly={needsTotp}
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
          readOnly={needsTotp}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className={inputClass}
        />
      </div>
      {needsTotp ? (
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${id}-totp`} className="text-sm font-medium">
            Authentication code
          </label>
          <input
            id={`${id}-totp`}
            name="totp"
            // biome-ignore lint/a11y/noAutofocus: the code step appears after submitting; the code is what is typed next.
            autoFocus
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            required
            maxLength={6}
            value={totp}
            onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
            className={`${inputClass} font-mono tracking-[0.3em]`}
            aria-describedby={`${id}-totp-hint`}
          />
          <p
            id={`${id}-totp-hint`}
            data-testid="totp-step"
            className="text-xs text-zinc-500 dark:text-zinc-400"
          >
            This account has two-factor login: enter the 6-digit code your authenticator app shows
            for Xendeck.{' '}
            <button
              type="button"
              className="text-sky-700 underline dark:text-sky-400"
              onClick={() => {
                setNeedsTotp(false);
                setTotp('');
                loginMutation.reset();
              }}
            >
              Use another account
            </button>
          </p>
        </div>
      ) : null}
      <Button type="submit" variant="primary" disabled={loginMutation.isPending} className="h-9">
        {loginMutation.isPending ? 'Logging in…' : needsTotp ? 'Verify code' : 'Log in'}
      </Button>
    </form>
  );
}
