/**
 * The domains table, fetched on the domains page's first visit: its chunk carries the
 * virtualizer, the table and the row actions (`domains-table.tsx`), which the first page does
 * not need.
 */
import { lazy, Suspense } from 'react';

const Table = lazy(() => import('./domains-table'));

/** {@link import('./domains-table').DomainsTable}, loaded on first use. */
export function DomainsTable() {
  return (
    <Suspense
      fallback={<p className="p-4 text-sm text-zinc-500 dark:text-zinc-400">Loading domains…</p>}
    >
      <Table />
    </Suspense>
  );
}
