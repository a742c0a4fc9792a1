/** `/users`: the users page (`users-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./users-page'));

export const UsersRoute = () => <LazyPage page={Page} what="users" />;
