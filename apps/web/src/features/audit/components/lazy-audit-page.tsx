/** `/audit`: the audit page (`audit-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./audit-page'));

export const AuditRoute = () => <LazyPage page={Page} what="the audit log" />;
