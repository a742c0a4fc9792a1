/**
 * Autostart (issue 10 §3): links in /etc/xen/auto and what xendomains does.
 * Paths are under `/api/v1`.
 */
export {};
