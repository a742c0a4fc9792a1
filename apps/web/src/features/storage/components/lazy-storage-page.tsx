/** `/storage`: volume groups, logical volumes, image files (`storage-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./storage-page'));

export const StorageRoute = () => <LazyPage page={Page} what="storage" heading="Storage" />;
