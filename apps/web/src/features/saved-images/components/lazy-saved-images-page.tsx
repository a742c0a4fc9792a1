/** `/saved`: the saved-images page (`saved-images-page.tsx`), fetched on the first visit. */
import { lazy } from 'react';
import { LazyPage } from '@/components/lazy-page';

const Page = lazy(() => import('./saved-images-page'));

export const SavedImagesRoute = () => <LazyPage page={Page} what="saved images" />;
