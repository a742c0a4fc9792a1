/** The users page as the router sees it: `users-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./users-page'));

/** `/users`. */
export function UsersRoute() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading users…</p>}>
      <LazyPage />
    </Suspense>
  );
}
