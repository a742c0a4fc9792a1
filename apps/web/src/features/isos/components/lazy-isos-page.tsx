/** `/isos`: the ISO library page (`isos-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./isos-page'));

export const IsosRoute = () => <LazyPage page={Page} what="the ISO library" />;
