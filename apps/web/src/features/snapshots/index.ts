/**
 * Snapshots and clones of a guest on LVM (issue 10 §4): the domain page's Snapshots tab (sets of
 * LVM snapshots of the guest's volumes: take, revert, delete) and its Clone dialog, each with the
 * commands it runs.
 */
export { snapshotsQueryOptions, useSnapshots } from './api/snapshots';
export { CloneDialog } from './components/clone-dialog';
export { SnapshotsPanel } from './components/snapshots-panel';
