/**
 * Pages fetched on their first visit: the one frame every lazily loaded route uses, so the first
 * page's bundle carries none of their code (see `pnpm --filter @xendeck/web size`). A route module
 * makes its `React.lazy` component once, at module scope, and renders it in this frame:
 *
 *   const Page = lazy(() => import('./users-page'));
 *   export const UsersRoute = () => <LazyPage page={Page} what="users" />;
 */
import { type ComponentType, Suspense } from 'react';

/**
 * `page` (a `React.lazy` component) under Suspense; while its chunk loads the route shows
 * `Loading <what>…`. `heading`, when given, is the page's `<h1>`, shown at once (the page then has
 * none of its own).
 */
export function LazyPage({
  page: Page,
  what,
  heading,
}: {
  page: ComponentType;
  what: string;
  heading?: string;
}) {
  return (
    <>
      {heading ? <h1 className="text-lg font-semibold tracking-tight">{heading}</h1> : null}
      <Suspense
        fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading {what}…</p>}
      >
        <Page />
      </Suspense>
    </>
  );
}
