/**
 * Network (issue 10 §5): bridges, their ports, vifs of domains, attach and detach.
 * Paths are under `/api/v1`.
 */
export {};
