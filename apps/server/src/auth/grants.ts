/**
 * Per-domain grants of customers: the `grants` table (migration 6, `db.ts`), one row per
 * (user, domain) with the permissions as a comma list in {@link PERMISSIONS} order, `view`
 * always included. This module owns reading and replacing them and the question "which domains
 * may this user see"; the rule of what a permission allows is `mayOnDomain` in @xendeck/api
 * (`access.ts`), applied by `auth/authorize.ts`.
 *
 * Grants name domains by name, not domid: a grant outlives a reboot (new domid) and a domain that
 * is not running (a config file only). Admins and operators hold no grants (they see every
 * domain); a grant stored for one is ignored.
 */
import { type Grant, normalizePermissions, type Permission, permissionSchema } from '@xendeck/api';
import type { Db } from '../db.js';
import { ApiError } from '../errors.js';
import type { User } from './users.js';

/** dom0's name: never granted (its console is a root shell on the host, its shutdown the host's). */
export const DOM0_NAME = 'Domain-0';

interface GrantRow {
  domain: string;
  permissions: string;
}

/** The permissions stored in a row (unknown words dropped, `view` added, in PERMISSIONS order). */
function parsePermissions(text: string): Permission[] {
  const known = text
    .split(',')
    .map((p) => permissionSchema.safeParse(p.trim()))
    .filter((r) => r.success)
    .map((r) => r.data);
  return normalizePermissions(known);
}

/** The store of grants over the `grants` table (one per app: `AppContext.grants`). */
export class Grants {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: Db) {}

  /**
   * Calls `listener` after every committed change ({@link replace}, {@link removeDomain}); `app.ts`
   * re-checks the open websockets with it, so a console whose grant went closes at once. A
   * listener that throws is not the caller's failure (the change is made): its error is dropped.
   * Returns the unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // see onChange
      }
    }
  }

  /** Every grant of a user, by domain name (A→Z); [] for none or an unknown user. */
  of(userId: number): Grant[] {
    const rows = this.db
      .prepare('SELECT domain, permissions FROM grants WHERE user_id = ? ORDER BY domain')
      .all(userId) as GrantRow[];
    return rows
      .filter((r) => r.domain !== DOM0_NAME)
      .map((r) => ({ domain: r.domain, permissions: parsePermissions(r.permissions) }));
  }

  /**
   * The permissions a user was granted on one domain (`view` included), or undefined without a
   * grant on it. Says nothing about roles: admins and operators need no grant (see
   * {@link visibleDomains} and `mayOnDomain`).
   */
  permissionsOn(userId: number, domain: string): Permission[] | undefined {
    if (domain === DOM0_NAME) return undefined;
    const row = this.db
      .prepare('SELECT permissions FROM grants WHERE user_id = ? AND domain = ?')
      .get(userId, domain) as { permissions: string } | undefined;
    return row ? parsePermissions(row.permissions) : undefined;
  }

  /**
   * Replaces every grant of a user with `grants`, in one transaction (nothing changes when it
   * fails). Permissions are normalized (`view` added, duplicates removed); a domain named twice
   * keeps the union of its permissions. Callers validate `grants` with `grantSchema` first and
   * check the user exists (the foreign key throws otherwise). Throws ApiError INVALID_INPUT (422)
   * for a grant on dom0 ({@link DOM0_NAME}), which no customer may hold.
   */
  replace(userId: number, grants: readonly Grant[]): void {
    if (grants.some((g) => g.domain === DOM0_NAME)) {
      throw new ApiError('INVALID_INPUT', `${DOM0_NAME} (dom0) cannot be granted to anyone`, {
        domain: DOM0_NAME,
      });
    }
    const merged = new Map<string, Permission[]>();
    for (const g of grants) {
      merged.set(g.domain, [...(merged.get(g.domain) ?? []), ...g.permissions]);
    }
    const del = this.db.prepare('DELETE FROM grants WHERE user_id = ?');
    const ins = this.db.prepare(
      'INSERT INTO grants (user_id, domain, permissions) VALUES (?, ?, ?)',
    );
    this.db.transaction(() => {
      del.run(userId);
      for (const [domain, permissions] of merged) {
        ins.run(userId, domain, normalizePermissions(permissions).join(','));
      }
    })();
    this.changed();
  }

  /**
   * Removes every user's grant on a domain (for when the domain is deleted for good, so that a
   * new domain of the same name is not given to the old customer). Returns how many rows went.
   */
  removeDomain(domain: string): number {
    const n = this.db.prepare('DELETE FROM grants WHERE domain = ?').run(domain).changes;
    if (n > 0) this.changed();
    return n;
  }

  /**
   * The domains a user may see: `'all'` for admins and operators, else the names of the domains
   * a grant names (whatever its permissions: every grant implies `view`).
   */
  visibleDomains(user: User): 'all' | Set<string> {
    if (user.role === 'admin' || user.role === 'operator') return 'all';
    return new Set(this.of(user.id).map((g) => g.domain));
  }

  /**
   * The domains on which a user holds `permission`: `'all'` for admins and operators, else the
   * granted domains whose grant includes it (every grant includes `view`).
   */
  domainsWith(user: User, permission: Permission): 'all' | Set<string> {
    if (user.role === 'admin' || user.role === 'operator') return 'all';
    return new Set(
      this.of(user.id)
        .filter((g) => g.permissions.includes(permission))
        .map((g) => g.domain),
    );
  }
}
