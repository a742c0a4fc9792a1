/**
 * `useAccess()`: the logged-in person's {@link Access} (role, `can(permission, domain)`, which
 * areas and pages they are shown), read from the session query that `RequireSession` loads
 * before any page renders. Without a session every check answers false.
 */
import { useMemo } from 'react';
import { useSession } from '../api/get-session';
import { type Access, accessFor } from '../lib/access';

export function useAccess(): Access {
  const session = useSession();
  return useMemo(() => accessFor(session.data), [session.data]);
}
