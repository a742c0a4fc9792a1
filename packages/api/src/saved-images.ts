/**
 * Saved domain images (issue 10 §1): save, list, restore, delete.
 * Paths are under `/api/v1`.
 */
export {};
