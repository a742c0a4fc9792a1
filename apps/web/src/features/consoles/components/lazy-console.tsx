/**
 * The Console tab as the rest of the app sees it: `console-tab.tsx` (and, from it, noVNC or
 * xterm.js) is fetched the first time a console is shown, never with the first page.
 */
import { lazy, Suspense } from 'react';

const LazyConsoleTab = lazy(() => import('./console-tab'));

/** A domain's consoles (`?console=vnc|pv|serial`); `fill` takes the parent's whole height. */
export function ConsolePanel({ name, fill = false }: { name: string; fill?: boolean }) {
  return (
    <Suspense
      fallback={
        <p className="pt-2 text-sm text-zinc-500 dark:text-zinc-400">Loading the console…</p>
      }
    >
      <LazyConsoleTab name={name} fill={fill} />
    </Suspense>
  );
}
