/** `/guests/new`: the create-guest wizard (`new-guest-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./new-guest-page'));

export const NewGuestRoute = () => (
  <LazyPage page={Page} what="the wizard" heading="Create guest" />
);
