/** `/tasks` and `/tasks/:id` (a task's log): the Tasks page (`tasks-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./tasks-page'));

export const TasksRoute = () => <LazyPage page={Page} what="tasks" />;
