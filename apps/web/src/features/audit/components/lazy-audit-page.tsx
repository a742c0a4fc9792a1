/** The audit page as the router sees it: `audit-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./audit-page'));

/** `/audit`. */
export function AuditRoute() {
  return (
    <Suspense
      fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading the audit log…</p>}
    >
      <LazyPage />
    </Suspense>
  );
}
