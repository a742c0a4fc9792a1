/** The your account page as the router sees it: `account-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./account-page'));

/** `/account`. */
export function AccountRoute() {
  return (
    <Suspense
      fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading your account…</p>}
    >
      <LazyPage />
    </Suspense>
  );
}
