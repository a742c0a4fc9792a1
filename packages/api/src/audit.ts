/**
 * The audit log's contract: one entry per change a user made (who, from where, what, the `xl` /
 * `lvm` command a hoster would type for the same effect, the result), as the server keeps them in
 * SQLite (`apps/server/src/audit.ts`, table `audit_log`) and answers them on
 * `GET /api/v1/audit`. Times are ms since the epoch.
 */
import { z } from 'zod';

/** Most entries one `GET /api/v1/audit` answers (its `limit` default is 100). */
export const AUDIT_PAGE_MAX = 500;

/** `result` filter: `ok` = succeeded, `failed` = any error code. */
export const auditResultFilterSchema = z.enum(['ok', 'failed']);
export type AuditResultFilter = z.infer<typeof auditResultFilterSchema>;

/** A time bound in a query string: ms since the epoch, a non-negative integer. */
const msParam = z.coerce.number().int().nonnegative();

/**
 * `GET /api/v1/audit` query. Every filter is optional and they combine with AND:
 * `user` = exact username; `domain` = exact domain name; `action` = prefix of the action
 * (`domain.` matches `domain.start`, `domain.destroy`…); `q` = substring of the target or the
 * command (case-insensitive for ASCII); `result`; `since` ≤ `at` < `until` (ms since the epoch);
 * `before` = an entry id: only older entries (keyset pagination: pass the previous page's
 * `nextBefore`); `limit` 1–{@link AUDIT_PAGE_MAX}, default 100.
 */
export const auditQuerySchema = z
  .object({
    user: z.string().min(1).max(64).optional(),
    domain: z.string().min(1).max(64).optional(),
    action: z.string().min(1).max(64).optional(),
    q: z.string().min(1).max(200).optional(),
    result: auditResultFilterSchema.optional(),
    since: msParam.optional(),
    until: msParam.optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** One audit entry. */
export const auditEntrySchema = z.object({
  /** Increasing with time: newer entries have larger ids. */
  id: z.number().int(),
  /** When the answer was sent (or the websocket opened / the login was tried), ms since the epoch. */
  at: z.number().int(),
  /** Who: the username, the name tried for a failed login; null when nobody was known. */
  user: z.string().nullable(),
  /** From where: the client's address as the server saw it (proxy-aware, see README). */
  remoteAddr: z.string().nullable(),
  /** What, e.g. `domain.destroy`, `volume.create`, `config.edit`, `session.login`, `ws.open`. */
  action: z.string(),
  /** What it acted on, e.g. `domain:web1`, `volume:vg0/web1-disk`, `iso:debian.iso`. */
  target: z.string().nullable(),
  /** The domain it concerns (a customer sees the entries of the domains granted to them). */
  domain: z.string().nullable(),
  /**
   * `ok`, or the error code the request answered (API.md's codes, e.g. `INVALID_STATE`);
   * `ABORTED` when the client went away before the answer was complete. For a task (202) it is
   * the start's; the task's own outcome is in `GET /api/v1/tasks/:id` (`details.taskId`).
   */
  result: z.string(),
  /** The equivalent command a hoster would type (`xl destroy web1`, `lvcreate -n … vg0`), if any. */
  command: z.string().nullable(),
  /** Whatever else the action recorded (domid, task id, sizes, ETags…), or null. */
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `GET /api/v1/audit` answer: newest first; `nextBefore` is the `before` of the next (older) page, null at the end. */
export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextBefore: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
