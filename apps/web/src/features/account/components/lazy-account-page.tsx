/** `/account`: the your-account page (`account-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./account-page'));

export const AccountRoute = () => <LazyPage page={Page} what="your account" />;
