/**
 * The ISO library (`/api/v1/isos`): list, upload with progress, delete. The page is lazy
 * (`IsosRoute`); the list query is small and eager so other features can pick an ISO (the
 * create-guest wizard's CD-ROM, the console's Insert CD): `useIsos()` → `data.isos[].name`,
 * `data.directory` (the dom0 path is `${directory}/${name}`).
 */
export { getIsos, isosQueryKey, isosQueryOptions, useIsos } from './api/get-isos';
export { IsosRoute } from './components/lazy-isos-page';
