/** The ISO library page as the router sees it: `isos-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./isos-page'));

/** `/isos`. */
export function IsosRoute() {
  return (
    <Suspense
      fallback={
        <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading the ISO library…</p>
      }
    >
      <LazyPage />
    </Suspense>
  );
}
