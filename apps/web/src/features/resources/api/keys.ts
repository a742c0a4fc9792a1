/**
 * Cache keys of a domain's live resources. Under `['domains', …]`, so a domain operation (which
 * invalidates `['domains']`) refreshes them too; `domid` in the key makes a restarted domain
 * refetch.
 */
export const resourcesQueryKey = (name: string) => ['domains', 'resources', name] as const;
