import { Navigate, useLocation, useNavigate } from 'react-router';
import { FirstRunNote, LoginForm, useSession } from '@/features/auth';

/**
 * `/login`: the login form (with its TOTP code step) and the first-run note (where the generated
 * admin password is, the TLS certificate's fingerprint); a logged-in visitor goes straight on.
 */
export function LoginRoute() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from =
    typeof location.state === 'object' &&
    location.state !== null &&
    'from' in location.state &&
    typeof location.state.from === 'string' &&
    location.state.from.startsWith('/')
      ? location.state.from
      : '/';

  if (session.data) return <Navigate to={from} replace />;

  return (
    <div className="flex min-h-screen items-center justify-center p-4">
      <main className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-lg font-semibold tracking-tight">Xendeck</h1>
        <p className="mb-5 text-sm text-zinc-500 dark:text-zinc-400">
          Log in to manage this Xen host.
        </p>
        <LoginForm onSuccess={() => navigate(from, { replace: true })} />
        <FirstRunNote />
      </main>
    </div>
  );
}
