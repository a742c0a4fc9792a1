/**
 * Who may do what: the roles, the per-domain permissions a customer is granted, and which
 * permission each domain operation needs. Written once here; the server's authorization, its
 * route table and the web (which buttons a user sees) all read it.
 *
 * - `admin`: everything (host settings, users, storage, config text, every domain).
 * - `operator`: every domain and its operations, no host settings, no users, no config text,
 *   nothing that makes dom0 run a program or exposes a dom0 file or disk to a guest.
 * - `customer`: only the domains granted to them, each with some of {@link PERMISSIONS}; other
 *   domains answer 404 as if they did not exist.
 */
import { z } from 'zod';

/** Roles, most powerful first. */
export const ROLES = ['admin', 'operator', 'customer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a grant can give on one domain:
 * - `view`: see it (list, details, state); implied by every other permission.
 * - `console`: graphical (VNC) and text consoles.
 * - `power`: start, shutdown, reboot, destroy, pause, unpause.
 * - `reinstall`: insert/eject a CD and change the boot order (boot from disk).
 * - `metrics`: live and historical metrics.
 */
export const PERMISSIONS = ['view', 'console', 'power', 'reinstall', 'metrics'] as const;
export const permissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof permissionSchema>;

/** One grant: a domain, by name, and the permissions on it (`view` is always included). */
export const grantSchema = z.object({
  domain: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'a domain name: letters, digits, _ . - (not first)'),
  permissions: z.array(permissionSchema).min(1).max(PERMISSIONS.length),
});
export type Grant = z.infer<typeof grantSchema>;

/** `PUT /api/v1/users/:username/grants` body: replaces all of that user's grants. */
export const grantsRequestSchema = z.object({ grants: z.array(grantSchema).max(1000) });
export type GrantsRequest = z.infer<typeof grantsRequestSchema>;

/** The permissions a set of granted permissions amounts to (`view` added, duplicates removed, in {@link PERMISSIONS} order). */
export function normalizePermissions(permissions: readonly Permission[]): Permission[] {
  const set = new Set<Permission>(permissions);
  set.add('view');
  return PERMISSIONS.filter((p) => set.has(p));
}

/**
 * Whether a user holding `role` (and, for a customer, `granted` on the domain in question) may
 * use `needed` on a domain. Admins and operators may use every domain permission; a customer
 * needs the grant (`view` is implied by any grant).
 */
export function mayOnDomain(
  role: Role,
  granted: readonly Permission[] | undefined,
  needed: Permission,
): boolean {
  if (role === 'admin' || role === 'operator') return true;
  if (!granted || granted.length === 0) return false;
  return needed === 'view' || granted.includes(needed);
}

/** The domain operations a grant covers, and which permission each needs. */
export const OPERATION_PERMISSION = {
  start: 'power',
  shutdown: 'power',
  reboot: 'power',
  destroy: 'power',
  pause: 'power',
  unpause: 'power',
  'cdrom.insert': 'reinstall',
  'cdrom.eject': 'reinstall',
  'boot-from-disk': 'reinstall',
  console: 'console',
  metrics: 'metrics',
  view: 'view',
} as const satisfies Record<string, Permission>;
export type GrantedOperation = keyof typeof OPERATION_PERMISSION;
