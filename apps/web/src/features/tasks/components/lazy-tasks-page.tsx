/** The Tasks page as the router sees it: `tasks-page.tsx` is fetched on the first visit. */
import { lazy, Suspense } from 'react';

const LazyPage = lazy(() => import('./tasks-page'));

/** `/tasks` and `/tasks/:id` (a task's log). */
export function TasksRoute() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading tasks…</p>}>
      <LazyPage />
    </Suspense>
  );
}
