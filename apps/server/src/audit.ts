/**
 * Audit log: one pino line per action a user takes (login, logout, lifecycle operation, memory
 * change, start), with `audit: true`, the user, remote address, action, target and result.
 */
import type { Logger } from 'pino';

export interface AuditEntry {
  /** Username, or the name tried for a failed login. */
  user: string | undefined;
  remoteAddr: string | undefined;
  /** For example `session.login`, `domain.destroy`, `dom0.memory`, `events.open`. */
  action: string;
  /** What it acted on, for example `domain:guest1` (domid in details). */
  target?: string;
  /** `ok`, or the error code. */
  result: string;
  /**
   * The command a hoster would type for the same effect (`xl save -c web1 /var/lib/xen/save/web1`,
   * `lvcreate -s …`): `xlCommand()` from @xendeck/xl-config, or the LVM line from @xendeck/storage.
   */
  command?: string;
  [extra: string]: unknown;
}

export type Audit = (entry: AuditEntry) => void;

export function createAudit(logger: Logger): Audit {
  const log = logger.child({ audit: true });
  return (entry) => log.info(entry, `audit ${entry.action} ${entry.result}`);
}
