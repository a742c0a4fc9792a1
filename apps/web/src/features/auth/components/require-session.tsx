import type { SessionInfo } from '@xendeck/api';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Button } from '@/components/button';
import { useSession } from '../api/get-session';

/**
 * Renders `children(session)` for a logged-in person and sends everyone else to `/login`
 * (remembering where they were going). A 401 from any request empties `['session']`, so this is
 * also where an expired session lands.
 */
export function RequireSession({ children }: { children: (session: SessionInfo) => ReactNode }) {
  const location = useLocation();
  const session = useSession();

  if (session.isPending) {
    return <p className="p-6 text-sm text-zinc-500">Checking session…</p>;
  }
  if (session.isError && session.data === undefined) {
    return (
      <div role="alert" className="m-6 flex flex-col items-start gap-3 text-sm">
        <p>Could not reach the Xendeck server: {session.error.message}</p>
        <Button onClick={() => void session.refetch()}>Try again</Button>
      </div>
    );
  }
  if (!session.data) {
    return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  }
  return <>{children(session.data)}</>;
}
