/**
 * What a customer's answers may contain. The access check (`auth/authorize.ts`) decides whether a
 * customer may call a route; this module owns the other half: that what comes back names no other
 * domain and no dom0 path, and carries no config text. Admins and operators get every answer
 * as the handler wrote it.
 *
 * - {@link customerView} is a middleware mounted by `app.ts` right after the access check: for a
 *   customer it wraps `res.json`, so (a) an answer of a route listed in {@link VIEWS} goes through
 *   that route's view, and (b) every JSON answer, errors included (`errorMiddleware` writes them
 *   with `res.json`), has absolute paths in its strings replaced ({@link scrubPaths}): a last
 *   line of defence for what no view names, such as the `command` of an audit entry
 *   (`xl cd-insert web1 hdc /var/lib/xendeck/iso/x.iso` → `… <dom0 path>`).
 * - Start: the config file must declare the domain's own name ({@link PRECHECKS}), else a
 *   customer could start a domain of another name.
 * - {@link taskForCustomer}: which tasks a customer sees (only `domain.start` of a domain they
 *   see) and without their step output (xl's `Parsing config from /etc/xen/…`). Shared by
 *   `GET /tasks`, `GET /tasks/:id` and the events websocket's `task.updated`.
 *
 * Customer-reachable answers and what they carry (checked by test/authz.test.ts):
 * `GET /domains`, `GET /domains/:name` (domainSchema: domid, name, uuid, type, state, memory,
 * vCPUs, CPU time); start (domid, name; `output` emptied); the lifecycle operations (204);
 * CD-ROM status, insert, eject (`target` becomes the library ISO name, `other` for media not from
 * the library, null when empty); boot-from-disk (`path`, `before`, `after` and the CD drives'
 * specs emptied: the boot order change, the drives ejected and the ETags stay); consoles (status,
 * tickets, log: the guest's own console output); metrics history of the domain; tasks; the
 * customer ISO list `GET /domains/:name/cdrom/isos` (library names and sizes only).
 */
import type { BootFromDiskResult, CdromStatus, Domain, Task } from '@xendeck/api';
import { parseXlConfig } from '@xendeck/xl-config';
import type { NextFunction, Request, Response } from 'express';
import { readConfigFile } from '../configs/files.js';
import { ApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import { domainFilter } from './authorize.js';
import type { Grants } from './grants.js';
import type { User } from './users.js';

/** What stands for a dom0 path in a customer's error message. */
export const PATH_PLACEHOLDER = '<dom0 path>';

/**
 * An absolute path of two or more components (`/etc/xen/web1.cfg`, `/dev/vg0/web1-disk`), not
 * preceded by a word character (so `and/or`, `10Mb/s` and `xl/libxl` are left alone).
 */
const ABSOLUTE_PATH = /(?<![\w.:/-])\/(?:[\w.+@~-]+\/)+[\w.+@~-]*/g;

/** `text` with every absolute dom0 path replaced by {@link PATH_PLACEHOLDER}. */
export function scrubPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, PATH_PLACEHOLDER);
}

/** A JSON value with {@link scrubPaths} applied to every string in it (keys kept). */
function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPaths(value);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubDeep(v, depth + 1)]),
  );
}

/** Task kinds a customer may see (of a domain they see): only the start they may run. */
export const CUSTOMER_TASK_KINDS: readonly Task['kind'][] = ['domain.start'];

/**
 * A task as `user` may see it, or undefined when they may not see it at all. Admins and
 * operators: the task unchanged. Customers: only {@link CUSTOMER_TASK_KINDS} whose target is
 * `domain:<name>` of a domain they see, with each step's output emptied, `result.output` emptied
 * and paths scrubbed from error messages. `visible` is {@link domainFilter}'s predicate (read once
 * per answer or message).
 */
export function taskForCustomer(
  task: Task,
  user: User,
  visible: (name: string) => boolean,
): Task | undefined {
  if (user.role !== 'customer') return task;
  if (!CUSTOMER_TASK_KINDS.includes(task.kind)) return undefined;
  const name = task.target.startsWith('domain:') ? task.target.slice('domain:'.length) : undefined;
  if (name === undefined || !visible(name)) return undefined;
  const result =
    task.result && typeof task.result === 'object'
      ? { ...(task.result as Record<string, unknown>), output: '' }
      : task.result;
  return scrubDeep({
    ...task,
    steps: task.steps.map((s) => ({ ...s, output: '' })),
    ...(result !== undefined ? { result } : {}),
  }) as Task;
}

type View = (body: unknown, user: User, grants: Grants) => unknown;

/** CD-ROM drives without dom0 paths: the library name, `other`, or null for an empty drive. */
function cdromView(body: unknown): unknown {
  const s = body as CdromStatus;
  if (!s || !Array.isArray(s.drives)) return body;
  return {
    ...s,
    drives: s.drives.map((d) => ({ ...d, target: d.target ? (d.iso ?? 'other') : null })),
  };
}

/** Start: no xl output (it names the config file's dom0 path); a task answer as the task view. */
function startView(body: unknown, user: User): unknown {
  const b = body as { output?: unknown; task?: Task };
  if (b && typeof b === 'object' && 'task' in b && b.task) {
    return { task: taskForCustomer(b.task, user, () => true) };
  }
  return b && typeof b === 'object' && 'output' in b ? { ...b, output: '' } : body;
}

/** Boot-from-disk: what changes, without the config text, its path or the drives' specs. */
function bootFromDiskView(body: unknown): unknown {
  const b = body as BootFromDiskResult;
  if (!b || !Array.isArray(b.changes)) return body;
  return {
    ...b,
    path: '',
    before: '',
    after: '',
    changes: b.changes.map((c) => (c.kind === 'cdrom' ? { ...c, before: '', after: '' } : c)),
  };
}

/** Views by `<method> <path>` of the route (paths as in the route table). */
const VIEWS: Record<string, View> = {
  'get /domains': (body, user, grants) => {
    const visible = domainFilter(grants, user);
    return Array.isArray(body) ? (body as Domain[]).filter((d) => visible(d.name)) : body;
  },
  'post /domains/:name/start': startView,
  'get /domains/:name/cdrom': cdromView,
  'post /domains/:name/cdrom/:vdev/insert': cdromView,
  'post /domains/:name/cdrom/:vdev/eject': cdromView,
  'post /domains/:name/boot-from-disk': bootFromDiskView,
};

/**
 * Start and boot-from-disk, for a customer: the config file `<configDir>/<name>.cfg` must declare `name = "<name>"`.
 * `xl create` names the domain after the file's `name` setting, so a file declaring another name
 * would start a domain the customer holds no grant on. Throws CONFIG_INVALID (422) without
 * saying which name the file declares; CONFIG_NOT_FOUND and the other errors of
 * `readConfigFile`. An unreadable or unparsable file is left to the start itself.
 */
async function startOwnName(configDir: string, name: string): Promise<void> {
  const file = await readConfigFile(configDir, name);
  const declared = parseXlConfig(file.text).get('name');
  if (declared !== name) {
    throw new ApiError(
      'CONFIG_INVALID',
      `The config file of "${name}" does not declare name = "${name}"; ask the host's admin to fix it`,
      { name },
    );
  }
}

/** Checks run for a customer before the handler, by `<method> <path>` of the route. */
const PRECHECKS: Record<string, (configDir: string, req: Request) => Promise<void>> = {
  'post /domains/:name/start': (configDir, req) => startOwnName(configDir, String(req.params.name)),
  // It rewrites the same file: a file of another domain's name is not theirs to change.
  'post /domains/:name/boot-from-disk': (configDir, req) =>
    startOwnName(configDir, String(req.params.name)),
};

/**
 * The middleware applying a customer's view to one route's answers (see the module header);
 * `next()` at once for anyone else or an anonymous caller. Mounted right after the access check.
 */
export function customerView(grants: Grants, route: Pick<RouteDef, 'method' | 'path'>) {
  const view = VIEWS[`${route.method} ${route.path}`];
  return (_req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as User | undefined;
    if (user?.role === 'customer') {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        if (res.statusCode >= 400) return json(scrubDeep(body));
        return json(scrubDeep(view ? view(body, user, grants) : body));
      };
    }
    next();
  };
}

/**
 * The middleware running a route's customer pre-check ({@link PRECHECKS}) for a customer; mounted
 * after the body is parsed, right before the handler. A no-op middleware for other routes.
 */
export function customerPrecheck(
  config: { configDir: string },
  route: Pick<RouteDef, 'method' | 'path'>,
) {
  const precheck = PRECHECKS[`${route.method} ${route.path}`];
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const user = res.locals.user as User | undefined;
    if (precheck && user?.role === 'customer') await precheck(config.configDir, req);
    next();
  };
}
