/**
 * Guest snapshots and clones on LVM (issue 10 §4).
 * Paths are under `/api/v1`.
 */
export {};
