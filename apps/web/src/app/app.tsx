import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { NoticesProvider } from '@/components/notices';
import { AccountRoute } from '@/features/account';
import { AuditRoute } from '@/features/audit';
import { NewGuestRoute } from '@/features/guests';
import { IsosRoute } from '@/features/isos';
import { NetworkRoute } from '@/features/network';
import { SavedImagesRoute } from '@/features/saved-images';
import { StorageRoute } from '@/features/storage';
import { TasksRoute } from '@/features/tasks';
import { UsersRoute } from '@/features/users';
import { createQueryClient } from '@/lib/query-client';
import { AppLayout } from './layout';
import { ConfigRoute } from './routes/config';
import { ConfigsRoute } from './routes/configs';
import { ConsoleWindowRoute } from './routes/console-window';
import { DomainRoute } from './routes/domain';
import { DomainsRoute } from './routes/domains';
import { LoginRoute } from './routes/login';
import { NewConfigRoute } from './routes/new-config';
import { NotFoundRoute } from './routes/not-found';
import { OverviewRoute } from './routes/overview';
import { TopRoute } from './routes/top';

/**
 * Routes: `/login`; behind the session: `/` (host overview and dom0 memory), `/domains`,
 * `/domains/:name` (Overview, Metrics, Config, Console), `/console/:name` (a console alone in its window), `/top` (xl top: live xentop table), `/configs`, `/configs/new` (new guest config form),
 * `/configs/:name` (Settings, Edit, History), `/tasks` and `/tasks/:id` (long operations and their logs), `/guests/new` (the create-guest wizard), `/storage` (volume groups, logical volumes, image files), `/isos` (the ISO library: upload, list, delete), `/network` (bridges and whose each vif is), `/users` (admin: users, roles, grants), `/account` (own password, TOTP, API tokens). Pages a role may not open answer "not available to your account" (features/auth `PAGE_AREAS`). The server answers unknown paths with index.html, so deep links work.
 */
const router = createBrowserRouter([
  { path: '/login', element: <LoginRoute /> },
  // Open in new window: one console filling the window, no app frame.
  { path: '/console/:name', element: <ConsoleWindowRoute /> },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <OverviewRoute /> },
      { path: 'domains', element: <DomainsRoute /> },
      { path: 'domains/:name', element: <DomainRoute /> },
      { path: 'top', element: <TopRoute /> },
      { path: 'configs', element: <ConfigsRoute /> },
      { path: 'configs/new', element: <NewConfigRoute /> },
      { path: 'configs/:name', element: <ConfigRoute /> },
      { path: 'guests/new', element: <NewGuestRoute /> },
      { path: 'tasks/:id?', element: <TasksRoute /> },
      { path: 'storage', element: <StorageRoute /> },
      { path: 'isos', element: <IsosRoute /> },
      { path: 'saved', element: <SavedImagesRoute /> },
      { path: 'network', element: <NetworkRoute /> },
      { path: 'users', element: <UsersRoute /> },
      { path: 'account', element: <AccountRoute /> },
      { path: 'audit', element: <AuditRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <NoticesProvider>
        <RouterProvider router={router} />
      </NoticesProvider>
    </QueryClientProvider>
  );
}
