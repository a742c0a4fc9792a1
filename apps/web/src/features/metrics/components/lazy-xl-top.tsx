/**
 * `xl top`'s table, fetched on the page's first visit: its chunk carries the virtualizer and the
 * table (`xl-top.tsx`), which the first page does not need.
 */
import { lazy, Suspense } from 'react';
import type { MetricsStore } from '../lib/metrics-store';

const Table = lazy(() => import('./xl-top'));

/** {@link import('./xl-top').XlTop}, loaded on first use. */
export function XlTop(props: { store?: MetricsStore }) {
  return (
    <Suspense
      fallback={<p className="text-sm text-zinc-500 dark:text-zinc-400">Loading xl top…</p>}
    >
      <Table {...props} />
    </Suspense>
  );
}
