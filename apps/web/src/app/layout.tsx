import type { SessionInfo } from '@xendeck/api';
import { NavLink, Outlet } from 'react-router';
import { Button } from '@/components/button';
import { NoticesRegion, useNotices } from '@/components/notices';
import { RequirePageAccess, RequireSession, useAccess, useLogout } from '@/features/auth';
import { LiveIndicator, useDomainEvents } from '@/features/events';
import { SimulatedBanner, useHost } from '@/features/host';
import { useMetricsStream } from '@/features/metrics';
import { RunningTasksIndicator } from '@/features/tasks';

const navItems = [
  { to: '/', label: 'Overview', end: true },
  { to: '/domains', label: 'Domains', end: false },
  { to: '/top', label: 'xl top', end: false },
  { to: '/configs', label: 'Config files', end: false },
  { to: '/storage', label: 'Storage', end: false },
  { to: '/isos', label: 'ISO library', end: false },
  { to: '/network', label: 'Network', end: false },
  { to: '/saved', label: 'Saved images', end: false },
  { to: '/tasks', label: 'Tasks', end: false },
  { to: '/audit', label: 'Audit log', end: false },
  { to: '/users', label: 'Users', end: false },
  { to: '/account', label: 'Account', end: false },
];

/** The logged-in frame: simulated banner, top bar, left nav, notices, page. */
export function AppLayout() {
  return (
    <RequireSession>
      {(session) => (
        <Frame username={session.username} role={session.role} backend={session.backend} />
      )}
    </RequireSession>
  );
}

function Frame({
  username,
  role,
  backend,
}: {
  username: string;
  role: string;
  backend: SessionInfo['backend'];
}) {
  const host = useHost();
  const live = useDomainEvents();
  // One metrics websocket for the whole app while logged in (paused while the tab is hidden).
  useMetricsStream();
  const logout = useLogout();
  const notices = useNotices();
  const access = useAccess();
  const shownNav = navItems.filter((item) => access.mayOpen(item.to));

  return (
    <div className="flex min-h-screen flex-col">
      <SimulatedBanner backend={backend} />
      <header className="flex h-11 items-center gap-4 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
        <span className="font-semibold tracking-tight">Xendeck</span>
        <span
          className="truncate font-mono text-sm text-zinc-600 dark:text-zinc-300"
          title="Host name"
        >
          {host.data?.hostname ?? (host.isError ? '' : '…')}
        </span>
        <LiveIndicator status={live} />
        <RunningTasksIndicator />
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="text-zinc-600 dark:text-zinc-300">
            {username} <span className="text-xs text-zinc-400">({role})</span>
          </span>
          <Button
            size="sm"
            disabled={logout.isPending}
            onClick={() =>
              logout.mutate(undefined, { onError: (error) => notices.error('Log out', error) })
            }
          >
            Log out
          </Button>
        </div>
      </header>
      <div className="flex flex-1">
        <nav
          aria-label="Main"
          className="w-44 shrink-0 border-r border-zinc-200 bg-zinc-100/60 p-2 dark:border-zinc-800 dark:bg-zinc-900/40"
        >
          <ul className="flex flex-col gap-0.5">
            {shownNav.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.end}
                  className={({ isActive }) =>
                    `block rounded-md px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-600 ${
                      isActive
                        ? 'bg-white font-medium text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-50 dark:ring-zinc-700'
                        : 'text-zinc-600 hover:bg-zinc-200/70 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100'
                    }`
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main className="flex min-w-0 flex-1 flex-col gap-4 p-4">
          <NoticesRegion />
          <RequirePageAccess>
            <Outlet />
          </RequirePageAccess>
        </main>
      </div>
    </div>
  );
}
