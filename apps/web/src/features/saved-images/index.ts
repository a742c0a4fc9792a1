/**
 * Saved domain images (`/api/v1/saved-images`, `POST /domains/:name/save`): the Save… dialog of a
 * domain's page and the `/saved` page (list, Restore, Delete). Both follow their tasks in place.
 */
export { savedImagesQueryKey, useSavedImages } from './api/get-saved-images';
export { SavedImagesRoute } from './components/lazy-saved-images-page';
export { SaveDomainDialog } from './components/save-domain-dialog';
