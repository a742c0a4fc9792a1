/** The saved-images page as the router sees it: `saved-images-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./saved-images-page'));

/** `/saved`. */
export function SavedImagesRoute() {
  return (
    <Suspense
      fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading saved images…</p>}
    >
      <LazyPage />
    </Suspense>
  );
}
