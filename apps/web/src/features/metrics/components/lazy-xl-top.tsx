/**
 * `xl top`'s table, fetched on the page's first visit: its chunk carries the virtualizer and the
 * table (`xl-top.tsx`), which the first page does not need.
 */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';
import type { MetricsStore } from '../lib/metrics-store';

const Table = lazy(() => import('./xl-top'));

/** {@link import('./xl-top').XlTop}, loaded on first use. */
export function XlTop(props: { store?: MetricsStore }) {
  return <LazyPage page={Table} props={props} what="xl top" />;
}
