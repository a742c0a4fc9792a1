import { useParams } from 'react-router';
import { NoticesRegion } from '@/components/notices';
import { RequireDomainPermission, RequireSession } from '@/features/auth';
import { ConsolePanel } from '@/features/consoles';
import { LiveIndicator, useDomainEvents } from '@/features/events';

/**
 * `/console/:name?console=vnc|pv|serial`: one domain's console filling the window, for "Open in
 * new window". Nothing secret in the URL: the new window is same-origin, so the session cookie
 * authorizes its websockets as it does the page's (no ticket needed). It runs its own events
 * stream for viewer counts and to reconnect when the domain comes back. Without the `console`
 * permission on the domain it says "not available to your account".
 */
export function ConsoleWindowRoute() {
  return <RequireSession>{() => <ConsoleWindow />}</RequireSession>;
}

function ConsoleWindow() {
  const { name = '' } = useParams();
  const live = useDomainEvents();
  return (
    <div className="flex h-screen flex-col gap-1 p-2">
      <header className="flex items-center gap-3 text-sm">
        <span className="font-semibold tracking-tight">Xendeck</span>
        <span className="font-mono">{name}</span>
        <LiveIndicator status={live} />
      </header>
      <NoticesRegion />
      <div className="min-h-0 flex-1">
        <RequireDomainPermission permission="console" domainName={name}>
          <ConsolePanel name={name} fill />
        </RequireDomainPermission>
      </div>
    </div>
  );
}
