/**
 * The domains table, fetched on the domains page's first visit: its chunk carries the
 * virtualizer, the table and the row actions (`domains-table.tsx`), which the first page does
 * not need.
 */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Table = lazy(() => import('./domains-table'));

/** {@link import('./domains-table').DomainsTable}, loaded on first use. */
export function DomainsTable() {
  return <LazyPage page={Table} what="domains" className="p-4" />;
}
