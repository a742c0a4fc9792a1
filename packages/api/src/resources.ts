/**
 * Live resources of a domain (issue 10 §2): balloon target, vCPUs online, vCPU pinning, credit2 weight and cap.
 * Paths are under `/api/v1`.
 */
export {};
