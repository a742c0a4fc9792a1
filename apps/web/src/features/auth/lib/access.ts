/**
 * What the logged-in person may see and do in the web console, derived from their session
 * (`GET /api/v1/session`: role, and a customer's grants). The per-domain rule is
 * `mayOnDomain` of @xendeck/api (the same function the server's authorization uses); this module
 * adds only what the web needs on top: which pages (nav entries and routes) and which host-wide
 * areas each role is shown. The server decides; this only spares people buttons that would be
 * refused.
 */
import {
  type Grant,
  mayOnDomain,
  type Permission,
  type Role,
  type SessionInfo,
} from '@xendeck/api';

/**
 * Host-wide areas that not every role is shown:
 * - `host-settings`: dom0 memory, autostart (xendomains), adding and removing a guest's vifs
 *   (their hotplug scripts run in dom0) (admin);
 * - `users`: the users and grants page (admin);
 * - `storage`: volume groups, logical volumes, image files, snapshots, saved images, uploading and
 *   deleting ISOs (admin);
 * - `config-text`: config files, their text and history, the create-guest wizard (admin);
 * - `host`: the host overview, `xl top`, the ISO library's list, network bridges and vifs, tasks,
 *   live memory, vCPU and scheduler changes (admins and operators: every domain's operations);
 * - `own`: the person's own account, the domains list, the audit log (everyone; the server sends a
 *   customer only their domains and their entries).
 */
export type Area = 'host-settings' | 'users' | 'storage' | 'config-text' | 'host' | 'own';

/** Which roles are shown each {@link Area}. */
export const AREA_ROLES: Record<Area, readonly Role[]> = {
  'host-settings': ['admin'],
  users: ['admin'],
  storage: ['admin'],
  'config-text': ['admin'],
  host: ['admin', 'operator'],
  own: ['admin', 'operator', 'customer'],
};

/**
 * The area of each page, by the first segment of its path (`/storage/…` → `storage`). A path
 * not listed is treated as `host` (admins and operators), so a page added later is not shown to
 * customers until it is listed here.
 */
export const PAGE_AREAS: Record<string, Area> = {
  '': 'host',
  domains: 'own',
  console: 'own',
  audit: 'own',
  account: 'own',
  top: 'host',
  isos: 'host',
  network: 'host',
  saved: 'storage',
  tasks: 'host',
  configs: 'config-text',
  guests: 'config-text',
  storage: 'storage',
  users: 'users',
};

/** The area of the page at `pathname` (see {@link PAGE_AREAS}). */
export function pageArea(pathname: string): Area {
  const first = pathname.split('/')[1] ?? '';
  return PAGE_AREAS[first] ?? 'host';
}

/** What a part of a domain's page needs: a permission on that domain, or a host-wide area. */
export type DomainNeed = { permission: Permission } | { area: Area };

/** What one session may see and do. */
export interface Access {
  /** null while nobody is logged in (then every check answers false). */
  role: Role | null;
  username: string | null;
  /** Whether `permission` may be used on the domain named `domainName` (for a customer: their grant). */
  can: (permission: Permission, domainName: string) => boolean;
  /** Whether the part of `domainName`'s page that needs `need` is shown. */
  may: (need: DomainNeed, domainName: string) => boolean;
  /** Whether the role is shown `area`. */
  sees: (area: Area) => boolean;
  /** Whether the page at `pathname` is open to the role. */
  mayOpen: (pathname: string) => boolean;
  /** The page to land on after login or from `/`: the overview, or a customer's domains. */
  home: string;
}

/** The {@link Access} of `session` (none at all without one). */
export function accessFor(session: SessionInfo | null | undefined): Access {
  const role = session?.role ?? null;
  const grants = new Map<string, Grant['permissions']>(
    (session?.grants ?? []).map((g) => [g.domain, g.permissions]),
  );
  const sees = (area: Area) => role !== null && AREA_ROLES[area].includes(role);
  const can = (permission: Permission, domainName: string) =>
    role !== null && mayOnDomain(role, grants.get(domainName), permission);
  return {
    role,
    username: session?.username ?? null,
    can,
    may: (need, domainName) =>
      'permission' in need ? can(need.permission, domainName) : sees(need.area),
    sees,
    mayOpen: (pathname) => sees(pageArea(pathname)),
    home: role === 'customer' ? '/domains' : '/',
  };
}
