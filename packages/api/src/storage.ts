/**
 * storage (issue 9): being written.
 */
export {};
