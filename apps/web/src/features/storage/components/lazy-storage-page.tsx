/** The Storage page as the router sees it: `storage-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./storage-page'));

/** `/storage`: volume groups, logical volumes, image files. */
export function StorageRoute() {
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Storage</h1>
      <Suspense
        fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading storage…</p>}
      >
        <LazyPage />
      </Suspense>
    </>
  );
}
