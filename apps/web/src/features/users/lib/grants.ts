/**
 * The grants editor's working copy: domain name → ticked permissions, to and from the api's
 * `Grant[]` (`normalizePermissions` of @xendeck/api adds `view` and orders them), and the domain
 * names to offer (guest domains, config files, and names already granted).
 */
import { type Grant, normalizePermissions, type Permission } from '@xendeck/api';

export type GrantDraft = Map<string, Set<Permission>>;

export function draftFromGrants(grants: readonly Grant[]): GrantDraft {
  return new Map(grants.map((g) => [g.domain, new Set(normalizePermissions(g.permissions))]));
}

/** The `PUT …/grants` body's list: one grant per ticked domain, sorted by name. */
export function grantsFromDraft(draft: GrantDraft): Grant[] {
  return [...draft.entries()]
    .filter(([, perms]) => perms.size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([domain, perms]) => ({ domain, permissions: normalizePermissions([...perms]) }));
}

/** Domain names to offer: the union of guest names from `xl list` (the caller leaves dom0 out), config names and granted ones, sorted. */
export function grantableDomainNames(
  domainNames: readonly string[],
  configNames: readonly string[],
  granted: readonly string[],
): string[] {
  const names = new Set([...domainNames, ...configNames, ...granted]);
  return [...names].sort((a, b) => a.localeCompare(b));
}
