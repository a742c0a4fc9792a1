/**
 * The audit log: one row per change a user made, in the `audit_log` table (migration 6, `db.ts`),
 * each also logged as a pino line with `audit: true`. This module owns
 * - the store ({@link AuditLog}: append, query with filters and keyset pagination, retention);
 * - the one mechanism that writes a REST route's row ({@link auditRoute}, mounted by `app.ts` on
 *   every route that declares `audit` in its {@link RouteDef}), and {@link auditNote}, with which
 *   a handler adds what only it knows (the `xl` / `lvm` command it ran, the domid);
 * - the entry point for what is not a REST route (logins, websocket opens, command-line actions):
 *   {@link AuditLog.record}, which is `AppContext.audit`.
 */
import type { AuditEntry as ApiAuditEntry, AuditPage, AuditResultFilter } from '@xendeck/api';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { remoteAddress } from './auth/access.js';
import { domainParamOf } from './auth/authorize.js';
import type { User } from './auth/users.js';
import type { Db } from './db.js';
import type { RouteDef } from './routes/types.js';

/** What one action records (the non-REST form: {@link AuditLog.record}). */
export interface AuditEntry {
  /** Username, or the name tried for a failed login. */
  user: string | undefined;
  remoteAddr: string | undefined;
  /** For example `session.login`, `domain.destroy`, `dom0.memory`, `ws.open`. */
  action: string;
  /** What it acted on, for example `domain:guest1` (domid in details). */
  target?: string;
  /** The domain it concerns (the `domain` column: customers see the rows of their domains). */
  domain?: string;
  /** `ok`, or the error code. */
  result: string;
  /**
   * The command a hoster would type for the same effect (`xl save -c web1 /var/lib/xen/save/web1`,
   * `lvcreate -s …`): `xlCommand()` from @xendeck/xl-config, or the LVM line from @xendeck/storage.
   */
  command?: string;
  /**
   * Log it (pino) without storing a row: for what happens on every page load (the events and
   * metrics websockets) and anonymous probes, which would bury the changes.
   */
  logOnly?: boolean;
  /** Anything else is kept in the row's `details` (JSON). */
  [extra: string]: unknown;
}

/** Records one entry (`AppContext.audit`): never throws (a failed write is logged). */
export type Audit = (entry: AuditEntry) => void;

/** Rows older than this many days are pruned: 400 (a year and a bit, for yearly reviews). */
export const AUDIT_RETENTION_DAYS = 400;
/** At most this many rows are kept (the oldest go first): 1 000 000 (a few hundred MB at most). */
export const AUDIT_MAX_ROWS = 1_000_000;
/** How often retention runs: hourly (and once when the app starts). */
export const AUDIT_PRUNE_EVERY_MS = 60 * 60 * 1000;
/** How long a row waits for the error code of a request whose client left, ms (then `ABORTED`). */
export const AUDIT_ABORT_WAIT_MS = 5000;
/** Largest `details` JSON kept, characters: larger ones are replaced by `{truncated: true}`. */
export const AUDIT_DETAILS_MAX_CHARS = 16 * 1024;
/** Longest target, domain or command kept, characters (longer ones are cut, ending in `…`). */
const FIELD_MAX_CHARS = 2048;

/** Filters of {@link AuditLog.query} (the parsed `auditQuerySchema` plus who is asking). */
export interface AuditFilter {
  user?: string;
  domain?: string;
  /** Prefix of the action. */
  action?: string;
  /** Substring of target or command. */
  q?: string;
  result?: AuditResultFilter;
  /** ms since the epoch, inclusive. */
  since?: number;
  /** ms since the epoch, exclusive. */
  until?: number;
  /** Only ids below this one. */
  before?: number;
  /** Rows per page (the caller bounds it, ≤ AUDIT_PAGE_MAX). */
  limit: number;
  /** Which rows the asker may see: `all`, or only those whose `domain` is in the set. */
  visible: 'all' | ReadonlySet<string>;
}

interface AuditRow {
  id: number;
  at: number;
  username: string | null;
  remote_addr: string | null;
  action: string;
  target: string | null;
  domain: string | null;
  result: string;
  command: string | null;
  details: string | null;
}

const cut = (s: string | undefined): string | null =>
  s === undefined ? null : s.length > FIELD_MAX_CHARS ? `${s.slice(0, FIELD_MAX_CHARS - 1)}…` : s;

/** `%`, `_` and `\` escaped for `LIKE … ESCAPE '\'`. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The store over `audit_log` (one per app: `createApp` builds it; `AppContext.audit` is its `record`). */
export class AuditLog {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly retentionDays: number;
  private readonly maxRows: number;
  private readonly taskOutcome: ((taskId: string) => Promise<string>) | undefined;
  private readonly insert;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    logger: Logger,
    options: {
      now?: () => number;
      retentionDays?: number;
      maxRows?: number;
      /**
       * `ok` or the error code of a task once it ended (from the task registry): a row linking a
       * task (`details.taskId`) gets it as `details.taskOutcome` then.
       */
      taskOutcome?: (taskId: string) => Promise<string>;
    } = {},
  ) {
    this.log = logger.child({ audit: true });
    this.now = options.now ?? Date.now;
    this.retentionDays = options.retentionDays ?? AUDIT_RETENTION_DAYS;
    this.maxRows = options.maxRows ?? AUDIT_MAX_ROWS;
    this.taskOutcome = options.taskOutcome;
    this.insert = db.prepare(
      `INSERT INTO audit_log (at, username, remote_addr, action, target, domain, result, command, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Logs one entry (pino, `audit: true`) and, unless `logOnly`, appends its row ({@link append}).
   * The entry point for what is not a REST route: logins, websockets, command-line actions.
   */
  record: Audit = (entry) => {
    this.log.info(entry, `audit ${entry.action} ${entry.result}`);
    if (!entry.logOnly) this.append(entry);
  };

  /**
   * Appends one row. Fields other than the named ones go to `details`. Returns the row id, or
   * undefined when the write failed (logged at error; an audit failure never fails the action it
   * describes, which already happened).
   */
  append(entry: AuditEntry): number | undefined {
    const { user, remoteAddr, action, target, domain, result, command, logOnly, ...rest } = entry;
    let details: string | null = null;
    if (Object.keys(rest).length) {
      details = JSON.stringify(rest);
      if (details.length > AUDIT_DETAILS_MAX_CHARS) details = '{"truncated":true}';
    }
    try {
      const info = this.insert.run(
        this.now(),
        cut(user),
        remoteAddr ?? null,
        action,
        cut(target),
        cut(domain),
        result,
        cut(command),
        details,
      );
      const id = Number(info.lastInsertRowid);
      if (typeof rest.taskId === 'string' && this.taskOutcome) this.followTask(id, rest.taskId);
      return id;
    } catch (err) {
      this.log.error({ err, entry }, 'could not write the audit row');
      return undefined;
    }
  }

  /** Adds `details.taskOutcome` to row `id` when task `taskId` ends (failures logged). */
  private followTask(id: number, taskId: string): void {
    void this.taskOutcome?.(taskId)
      .then((outcome) => {
        this.db
          .prepare(
            `UPDATE audit_log SET details = json_set(coalesce(details, '{}'), '$.taskOutcome', ?)
             WHERE id = ?`,
          )
          .run(outcome, id);
      })
      .catch((err: unknown) => this.log.warn({ err, id, taskId }, 'audit: task outcome not kept'));
  }

  /**
   * One page of entries, newest first (by id), matching every filter of `f`. `nextBefore` is the
   * id to pass as `before` for the next page, null when this page is the last.
   */
  query(f: AuditFilter): AuditPage {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      args.push(...values);
    };
    if (f.visible !== 'all') {
      add('domain IN (SELECT value FROM json_each(?))', JSON.stringify([...f.visible]));
    }
    if (f.user !== undefined) add('username = ?', f.user);
    if (f.domain !== undefined) add('domain = ?', f.domain);
    if (f.action !== undefined) add("action LIKE ? ESCAPE '\\'", `${likeEscape(f.action)}%`);
    if (f.q !== undefined) {
      const pattern = `%${likeEscape(f.q)}%`;
      add("(target LIKE ? ESCAPE '\\' OR command LIKE ? ESCAPE '\\')", pattern, pattern);
    }
    if (f.result === 'ok') add("result = 'ok'");
    if (f.result === 'failed') add("result <> 'ok'");
    if (f.since !== undefined) add('at >= ?', f.since);
    if (f.until !== undefined) add('at < ?', f.until);
    if (f.before !== undefined) add('id < ?', f.before);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit + 1) as AuditRow[];
    const more = rows.length > f.limit;
    const page = more ? rows.slice(0, f.limit) : rows;
    return {
      entries: page.map(toApiEntry),
      nextBefore: more ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  /**
   * Retention: deletes rows older than the retention (days) and, past the row cap, the oldest.
   * Returns how many went.
   */
  prune(): number {
    const cutoff = this.now() - this.retentionDays * 24 * 60 * 60 * 1000;
    let n = this.db.prepare('DELETE FROM audit_log WHERE at < ?').run(cutoff).changes;
    n += this.db
      .prepare(
        `DELETE FROM audit_log WHERE id <= (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      )
      .run(this.maxRows).changes;
    if (n) this.log.info({ pruned: n }, 'audit log retention');
    return n;
  }

  /** Prunes now and every {@link AUDIT_PRUNE_EVERY_MS} until {@link stop} (failures logged). */
  start(): void {
    const run = () => {
      try {
        this.prune();
      } catch (err) {
        this.log.warn({ err }, 'could not prune the audit log');
      }
    };
    run();
    this.timer = setInterval(run, AUDIT_PRUNE_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the retention timer. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function toApiEntry(r: AuditRow): ApiAuditEntry {
  let details: Record<string, unknown> | null = null;
  if (r.details) {
    try {
      details = JSON.parse(r.details) as Record<string, unknown>;
    } catch {
      details = { unparsable: r.details };
    }
  }
  return {
    id: r.id,
    at: r.at,
    user: r.username,
    remoteAddr: r.remote_addr,
    action: r.action,
    target: r.target,
    domain: r.domain,
    result: r.result,
    command: r.command,
    details,
  };
}

/**
 * What a handler adds to its route's audit row: the command it ran, details only it knows (domid,
 * sizes), a target or domain other than the declared ones, or a finer `action` than the declared
 * one (`dom0.memory` where the route declares `domain.memory`).
 */
export interface AuditNote {
  /** The request turned out to change nothing (a dry run): no row. */
  skip?: boolean;
  action?: string;
  target?: string;
  domain?: string;
  command?: string;
  details?: Record<string, unknown>;
}

const NOTE_KEY = 'auditNote';
/** `res.locals` key where `errorMiddleware` (errors.ts) leaves the error code it answered. */
export const ERROR_CODE_LOCAL = 'errorCode';

/**
 * Adds to the audit row of the current request (a route with an `audit` declaration; ignored
 * otherwise). Later notes win field by field; `details` are merged.
 */
export function auditNote(res: Response, note: AuditNote): void {
  const was = res.locals[NOTE_KEY] as AuditNote | undefined;
  res.locals[NOTE_KEY] = {
    ...was,
    ...note,
    details: note.details || was?.details ? { ...was?.details, ...note.details } : undefined,
  };
}

/** The string value of a path parameter (Express 5 gives arrays for wildcards), if any. */
function param(req: Request, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = req.params[name] as unknown;
  return typeof v === 'string' ? v : Array.isArray(v) ? v.join('/') : undefined;
}

/**
 * The mechanism: for a route that declares `audit`, a middleware (mounted after its access check,
 * so only authorized requests are recorded; refusals are in the request log) that writes one row
 * when the answer has been sent (`finish`) or the connection closed first (`close`): the user
 * (`res.locals.user`), the remote address (`remoteAddress`), the declared action and target
 * (default `domain:<name>`), the domain (the declared `domainParam`, else the parameter of a
 * `{ domain }` access), `ok` for a 1xx–3xx status or else the error code
 * `errorMiddleware` answered (`res.locals.errorCode`; `HTTP_<status>` when a handler answered an
 * error itself), `ABORTED` when the client left before the answer was complete, and the
 * {@link auditNote}s. An answer `202 {task}` links the task: `details.taskId`.
 * Routes without a declaration get a pass-through.
 */
export function auditRoute(
  route: Pick<RouteDef, 'audit' | 'access'>,
  log: AuditLog,
): RequestHandler {
  const decl = route.audit;
  if (!decl) return (_req, _res, next) => next();
  const domainParam = decl.domainParam ?? domainParamOf(route.access);
  return (req, res, next) => {
    let written = false;
    // The router gives `req.params` back to its parent's once the request leaves the route (an
    // error on its way to errorMiddleware): keep this route's, for the row written at the end.
    const routeReq = Object.create(req, { params: { value: { ...req.params } } }) as Request;
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      const taskId = (body as { task?: { id?: unknown } } | undefined)?.task?.id;
      if (res.statusCode === 202 && taskId !== undefined) auditNote(res, { details: { taskId } });
      return json(body);
    };
    const write = () => {
      if (written) return;
      written = true;
      const note = (res.locals[NOTE_KEY] as AuditNote | undefined) ?? {};
      if (note.skip) return;
      const code = res.locals[ERROR_CODE_LOCAL] as string | undefined;
      const result = !res.writableFinished
        ? (code ?? 'ABORTED')
        : res.statusCode < 400
          ? 'ok'
          : (code ?? `HTTP_${res.statusCode}`);
      const domain = note.domain ?? param(routeReq, domainParam);
      let target = note.target;
      if (target === undefined) {
        try {
          target = decl.target?.(routeReq);
        } catch {
          target = undefined;
        }
      }
      target ??= domainParam && domain !== undefined ? `domain:${domain}` : undefined;
      log.record({
        ...note.details,
        user: (res.locals.user as User | undefined)?.username,
        remoteAddr: remoteAddress(req),
        action: note.action ?? decl.action,
        target,
        domain,
        result,
        command: note.command,
      });
    };
    res.once('finish', write);
    res.once('close', () => {
      if (res.writableFinished || written) return;
      // The client left first: the handler may still be running and fail; errorMiddleware then
      // sets the code (UPLOAD_INCOMPLETE…). Wait for it, at most AUDIT_ABORT_WAIT_MS.
      if (res.locals[ERROR_CODE_LOCAL] !== undefined) return write();
      const timer = setTimeout(write, AUDIT_ABORT_WAIT_MS);
      timer.unref();
      let code: unknown;
      Object.defineProperty(res.locals, ERROR_CODE_LOCAL, {
        configurable: true,
        enumerable: true,
        get: () => code,
        set: (v: unknown) => {
          code = v;
          clearTimeout(timer);
          write();
        },
      });
    });
    next();
  };
}
