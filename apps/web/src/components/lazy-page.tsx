/**
 * Pages and parts of pages fetched on their first visit: the one frame every lazily loaded route
 * (and the domains table and `xl top`) uses, so the first page's bundle carries none of their
 * code (see `pnpm --filter @xendeck/web size`). A module makes its `React.lazy` component once, at
 * module scope, and renders it in this frame:
 *
 *   const Page = lazy(() => import('./users-page'));
 *   export const UsersRoute = () => <LazyPage page={Page} what="users" />;
 */
import { type ComponentType, Suspense } from 'react';

/**
 * `page` (a `React.lazy` component) under Suspense, rendered with `props`; while its chunk loads
 * the route shows `Loading <what>…` (`className`: extra classes for that line). `heading`, when
 * given, is the page's `<h1>`, shown at once (the page then has none of its own).
 */
export function LazyPage<P extends object>({
  page: Page,
  props,
  what,
  heading,
  className = '',
}: {
  page: ComponentType<P>;
  props?: P;
  what: string;
  heading?: string;
  className?: string;
}) {
  return (
    <>
      {heading ? <h1 className="text-lg font-semibold tracking-tight">{heading}</h1> : null}
      <Suspense
        fallback={
          <p className={`text-sm text-zinc-500 dark:text-zinc-400 ${className}`.trim()}>
            Loading {what}…
          </p>
        }
      >
        <Page {...(props as P)} />
      </Suspense>
    </>
  );
}
