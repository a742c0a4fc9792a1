/**
 * Storage (issue 9 §2): volume groups, logical volumes and image files with their users, and the
 * operations on them as tasks. The page is lazy (`StorageRoute`); the query options are exported
 * for other features (the guest wizard lists volume groups, volumes and image files).
 */
export {
  imagesQueryOptions,
  storageQueryKey,
  useImages,
  useVolumeGroups,
  useVolumes,
  volumeGroupsQueryOptions,
  volumesQueryOptions,
} from './api/storage-queries';
export { StorageRoute } from './components/lazy-storage-page';
export { UsedBy, userLabel } from './components/used-by';
export { UsedByGaps } from './components/used-by-gaps';
