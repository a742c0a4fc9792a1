/** The wizard as the router sees it: `new-guest-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./new-guest-page'));

/** `/guests/new`: the create-guest wizard. */
export function NewGuestRoute() {
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Create guest</h1>
      <Suspense
        fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading the wizard…</p>}
      >
        <LazyPage />
      </Suspense>
    </>
  );
}
