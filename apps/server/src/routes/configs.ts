/**
 * `/api/v1/configs`: the xl domain config files in the config dir (XENDECK_CONFIG_DIR, /etc/xen).
 * A config's path is always `<configDir>/<name>.cfg` for a valid domain name.
 *
 * Listing and starting follow a symlink only when it resolves to a regular file inside the config
 * dir. Reading and editing (`/configs/:name`, history, create) never follow one: the editor works
 * on regular files only, byte for byte (see src/configs/files.ts), writes atomically
 * (src/configs/atomic.ts) under a per-file lock with an If-Match check just before the rename, and
 * keeps every overwritten and written text in the history table (src/configs/history.ts).
 * `GET /startable-domains` gives operators, who may start any domain but not read config files,
 * the names alone.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import {
  CONFIG_MAX_BYTES,
  CONFIG_MAX_DIAGNOSTICS,
  type ConfigDiagnostic,
  type ConfigDocument,
  type ConfigEntry,
  type ConfigRestoreResult,
  type ConfigSaveResult,
  type CreateConfigResult,
  configSaveRequestSchema,
  createConfigRequestSchema,
  type DiagnosticsTruncated,
  domainNameSchema,
  type NewConfigModel,
  type StartableDomains,
  startableNames,
} from '@xendeck/api';
import {
  configFormDomainConfig,
  type DomainConfig,
  parseXlConfig,
  toDomainConfig,
  type XlDiagnostic,
} from '@xendeck/xl-config';
import type { Request, Response } from 'express';
import { auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import { atomicWriteFile, type CommitOps, logDirSyncFailure } from '../configs/atomic.js';
import { createConfigFile } from '../configs/create.js';
import {
  configFilePath,
  sha256Hex as createSha,
  etagOf,
  KeyedLock,
  readConfigFile,
} from '../configs/files.js';
import { ConfigHistory } from '../configs/history.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { parseBody, parseDomainName } from '../validate.js';
import type { RouteDef } from './types.js';

/**
 * Whether `path` (a direct child of `dir`) is a regular file, or a symlink to a regular file
 * whose real path lies inside the real path of `dir`.
 */
async function isRegularInside(dir: string, path: string): Promise<boolean> {
  try {
    const l = await lstat(path);
    if (l.isFile()) return true;
    if (!l.isSymbolicLink()) return false;
    const [realDir, realFile] = await Promise.all([realpath(dir), realpath(path)]);
    if (!realFile.startsWith(realDir + sep)) return false;
    return (await stat(realFile)).isFile();
  } catch {
    return false;
  }
}

/**
 * The config file of domain `name` (already validated with domainNameSchema):
 * `<configDir>/<name>.cfg`. Throws ApiError CONFIG_NOT_FOUND (404) when it is not a regular file
 * there (or a symlink leading out of the dir).
 */
export async function configPathFor(configDir: string, name: string): Promise<string> {
  const path = join(configDir, `${name}.cfg`);
  if (!(await isRegularInside(configDir, path))) {
    throw new ApiError('CONFIG_NOT_FOUND', `No domain config file ${path}`, { path });
  }
  return path;
}

/**
 * Lists `<configDir>/*.cfg` whose base name is a valid domain name, sorted by name.
 * A missing config dir gives an empty list.
 */
export async function listConfigFiles(
  configDir: string,
): Promise<{ name: string; path: string; sizeBytes: number; modifiedAt: string }[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(configDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { name: string; path: string; sizeBytes: number; modifiedAt: string }[] = [];
  for (const e of entries) {
    if (!e.name.endsWith('.cfg')) continue;
    const name = e.name.slice(0, -'.cfg'.length);
    if (!domainNameSchema.safeParse(name).success) continue;
    const path = join(configDir, e.name);
    if (!(await isRegularInside(configDir, path))) continue;
    const st = await stat(path);
    out.push({ name, path, sizeBytes: st.size, modifiedAt: st.mtime.toISOString() });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** JSON body limit of the config routes: a 1 MiB text can grow when JSON-escaped. */
const CONFIG_BODY_LIMIT_BYTES = 4 * CONFIG_MAX_BYTES;

/** An xl-config diagnostic in the API's shape. */
function toApiDiagnostic(d: XlDiagnostic): ConfigDiagnostic {
  return {
    code: d.code,
    message: d.message,
    line: d.line,
    column: d.column,
    ...(d.offset === undefined ? {} : { offset: d.offset }),
    ...(d.key === undefined ? {} : { key: d.key }),
  };
}

/**
 * What xl makes of `text`: model, blocking errors (syntax, then semantic), warnings: the first
 * {@link CONFIG_MAX_DIAGNOSTICS} of each, with `truncated` counting the rest when there are more.
 */
function analyse(text: string): {
  model: DomainConfig;
  errors: ConfigDiagnostic[];
  warnings: ConfigDiagnostic[];
  truncated?: DiagnosticsTruncated;
} {
  const r = toDomainConfig(parseXlConfig(text));
  const cap = CONFIG_MAX_DIAGNOSTICS;
  const truncated = {
    errors: Math.max(0, r.errors.length - cap),
    warnings: Math.max(0, r.warnings.length - cap),
  };
  return {
    model: r.config,
    errors: r.errors.slice(0, cap).map(toApiDiagnostic),
    warnings: r.warnings.slice(0, cap).map(toApiDiagnostic),
    ...(truncated.errors || truncated.warnings ? { truncated } : {}),
  };
}

/** 409 CONFIG_CHANGED with the file's current ETag. */
function changedError(path: string, currentEtag: string): ApiError {
  return new ApiError(
    'CONFIG_CHANGED',
    `${path} changed since you loaded it (its ETag is now ${currentEtag}); reload it, merge your edits, and save again`,
    { path, currentEtag },
  );
}

/** The `If-Match` ETag of a request. Throws 428 PRECONDITION_REQUIRED when absent or `*`. */
function requireIfMatch(req: Request): string {
  const raw = req.headers['if-match'];
  const value = (Array.isArray(raw) ? raw.join(',') : raw)?.trim();
  if (!value) {
    throw new ApiError(
      'PRECONDITION_REQUIRED',
      'Saving a config file needs an If-Match header with the ETag from GET /api/v1/configs/:name, so a change made meanwhile is not overwritten',
    );
  }
  if (value === '*') {
    throw new ApiError(
      'PRECONDITION_REQUIRED',
      'If-Match: * is not accepted; send the ETag of the version you edited',
    );
  }
  return value;
}

/** Whether an If-Match value (one ETag or a comma-separated list) names `etag` (strong comparison). */
function ifMatchAccepts(ifMatch: string, etag: string): boolean {
  return ifMatch.split(',').some((t) => t.trim() === etag);
}

/** A history id from the path. Throws 422 INVALID_INPUT when it is not a positive integer. */
function parseVersionId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,14}$/.test(raw)) {
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid version id ${JSON.stringify(raw)} in the path: a positive integer`,
      { where: 'path', issues: [{ path: 'id', message: 'a positive integer' }] },
    );
  }
  return Number(raw);
}

/**
 * The xl-config model of a new-guest form, by xl-config's `configFormDomainConfig` (the same field
 * mapping as the create-guest wizard's; disk and vif specs read by `parseDiskSpec` /
 * `parseVifSpec`). Throws 422 INVALID_INPUT with `details.issues[].path` `model.disk.<i>` /
 * `model.vif.<i>` and the parser's message.
 */
export function toNewDomainConfig(name: string, m: NewConfigModel): DomainConfig {
  const { config, issues } = configFormDomainConfig(name, m);
  if (issues.length) {
    const withPrefix = issues.map((i) => ({ path: `model.${i.path}`, message: i.message }));
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid request body: ${withPrefix.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { where: 'body', issues: withPrefix },
    );
  }
  return config;
}

export interface ConfigRoutesOptions {
  /** Clock for history timestamps (ms since the epoch). */
  now?: () => number;
  /** Replaces rename/link of the atomic write (tests simulate failures with it). */
  commitOps?: CommitOps;
}

/**
 * The save path of `PUT /configs/:name` (validation, `If-Match` from the request, the file's lock,
 * history, atomic write, audit) as {@link configRoutes} built it for an app, for other routes that
 * rewrite a config file (boot-from-disk). Throws when `configRoutes(ctx)` has not run.
 */
export function configReplaceText(ctx: AppContext): ReplaceText {
  const replace = replaceTextByContext.get(ctx);
  if (!replace) throw new Error('configRoutes(ctx) has not been built for this app');
  return replace;
}

/** See {@link configReplaceText}: `reason` goes to the history, `extraAudit` to the audit row's details. */
export type ReplaceText = (
  req: Request,
  res: Response,
  name: string,
  text: string,
  reason: 'edit' | 'restore',
  extraAudit?: Record<string, unknown>,
) => Promise<ConfigSaveResult>;

const replaceTextByContext = new WeakMap<AppContext, ReplaceText>();

/** Audit target of the routes on one config file: `config:<name>`. */
const configTarget = (req: Request): string => `config:${String(req.params.name)}`;

export function configRoutes(ctx: AppContext, opts: ConfigRoutesOptions = {}): RouteDef[] {
  const dir = () => ctx.config.configDir;
  const history = new ConfigHistory(ctx.db, opts.now);
  const lock = new KeyedLock();

  /**
   * Replaces the file's text as PUT and restore do: validate, then under the file's lock check
   * If-Match, keep the bytes on disk as `before-edit` (unless the newest version already holds
   * them), write atomically re-checking the ETag just before the rename, record `reason`.
   */
  async function replaceText(
    req: Request,
    res: Response,
    name: string,
    text: string,
    reason: 'edit' | 'restore',
    extraAudit: Record<string, unknown> = {},
  ): Promise<ConfigSaveResult> {
    const path = configFilePath(dir(), name);
    let oldEtag: string | undefined;
    try {
      const ifMatch = requireIfMatch(req);
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length > CONFIG_MAX_BYTES) {
        throw new ApiError(
          'CONFIG_TOO_LARGE',
          `The text is ${bytes.length} bytes; a config file is at most ${CONFIG_MAX_BYTES} bytes (1 MiB)`,
          { sizeBytes: bytes.length, maxBytes: CONFIG_MAX_BYTES },
        );
      }
      const { errors, warnings, truncated } = analyse(text);
      if (errors.length) {
        const first = errors[0] as ConfigDiagnostic;
        const more = errors.length - 1 + (truncated?.errors ?? 0);
        throw new ApiError(
          'CONFIG_INVALID',
          `xl would refuse this config: line ${first.line}, column ${first.column}: ${first.message}${
            more > 0 ? ` (and ${more} more)` : ''
          }. Nothing was written.`,
          { path, errors, warnings, ...(truncated ? { truncated } : {}) },
        );
      }
      const kept = truncated ? { truncated } : {};
      const newEtag = etagOf(bytes);
      const result = await lock.run(path, async (): Promise<ConfigSaveResult> => {
        const cur = await readConfigFile(dir(), name);
        oldEtag = cur.etag;
        if (!ifMatchAccepts(ifMatch, cur.etag)) throw changedError(path, cur.etag);
        if (cur.bytes.equals(bytes)) {
          return { etag: cur.etag, warnings, ...kept, versionId: null, written: false };
        }
        const user = currentUser(res).username;
        if (history.newestSha(name) !== createSha(cur.bytes)) {
          history.add(name, 'before-edit', user, cur.text, cur.bytes);
        }
        await atomicWriteFile(cur.path, bytes, {
          mode: 'replace',
          fileMode: cur.stat.mode & 0o7777,
          uid: cur.stat.uid,
          gid: cur.stat.gid,
          ops: opts.commitOps,
          beforeCommit: async () => {
            const again = await readConfigFile(dir(), name);
            if (again.etag !== cur.etag) throw changedError(path, again.etag);
          },
          onDirSyncError: (err) => logDirSyncFailure(ctx.logger, err, path),
        });
        const versionId = history.add(name, reason, user, text, bytes);
        return { etag: newEtag, warnings, ...kept, versionId, written: true };
      });
      auditNote(res, {
        details: { ...extraAudit, oldEtag, newEtag: result.etag, written: result.written },
      });
      return result;
    } catch (err) {
      auditNote(res, { details: { ...extraAudit, oldEtag } });
      throw err;
    }
  }

  replaceTextByContext.set(ctx, replaceText);

  return [
    {
      method: 'get',
      path: '/configs',
      access: 'admin',
      summary: 'Domain config files in the config dir: name, path, running, domid, size, mtime',
      handler: async (_req, res) => {
        const [files, domains] = await Promise.all([
          listConfigFiles(ctx.config.configDir),
          ctx.hypervisor.listDomains(),
        ]);
        const byName = new Map(domains.map((d) => [d.name, d.domid]));
        const body: ConfigEntry[] = files.map((f) => {
          const domid = byName.get(f.name);
          return domid === undefined ? { ...f, running: false } : { ...f, running: true, domid };
        });
        res.json(body);
      },
    },
    {
      method: 'get',
      path: '/startable-domains',
      access: 'operator',
      summary:
        'Names of the config files of which no domain runs (what POST /domains/:name/start can start): {names}; no paths, no text',
      handler: async (_req, res) => {
        const [files, domains] = await Promise.all([
          listConfigFiles(ctx.config.configDir),
          ctx.hypervisor.listDomains(),
        ]);
        const body: StartableDomains = {
          names: startableNames(
            files.map((f) => f.name),
            domains,
          ),
        };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/configs',
      access: 'admin',
      summary: 'Create <configDir>/<name>.cfg from a new-guest model (never overwrites)',
      audit: { action: 'config.create' },
      handler: async (req, res) => {
        const body = parseBody(createConfigRequestSchema, req.body);
        const name = body.name;
        auditNote(res, { target: `config:${name}`, domain: name });
        const { path, etag } = await createConfigFile({
          configDir: dir(),
          name,
          model: toNewDomainConfig(name, body.model),
          user: currentUser(res).username,
          now: opts.now ?? Date.now,
          history,
          logger: ctx.logger,
          lock,
          commitOps: opts.commitOps,
        });
        auditNote(res, { details: { newEtag: etag } });
        const answer: CreateConfigResult = { name, path, etag };
        res.status(201).setHeader('ETag', etag).json(answer);
      },
    },
    {
      method: 'get',
      path: '/configs/:name',
      access: 'admin',
      summary: 'One config file: exact text, model, errors, warnings, ETag, running/domid',
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const [file, domid] = await Promise.all([
          readConfigFile(dir(), name),
          ctx.hypervisor.domidByName(name),
        ]);
        const { model, errors, warnings, truncated } = analyse(file.text);
        const body: ConfigDocument = {
          name,
          path: file.path,
          text: file.text,
          model: model as Record<string, unknown>,
          errors,
          warnings,
          ...(truncated ? { truncated } : {}),
          etag: file.etag,
          modifiedAt: file.stat.mtime.toISOString(),
          running: domid !== undefined,
          ...(domid === undefined ? {} : { domid }),
        };
        res.setHeader('ETag', file.etag);
        res.json(body);
      },
    },
    {
      method: 'put',
      path: '/configs/:name',
      access: 'admin',
      summary: "Replace a config file's text (If-Match required; validated; atomic; history)",
      audit: { action: 'config.save', domainParam: 'name', target: configTarget },
      bodyLimitBytes: CONFIG_BODY_LIMIT_BYTES,
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { text } = parseBody(configSaveRequestSchema, req.body);
        const result = await replaceText(req, res, name, text, 'edit');
        res.setHeader('ETag', result.etag);
        res.json(result);
      },
    },
    {
      method: 'get',
      path: '/configs/:name/history',
      access: 'admin',
      summary: 'Saved versions of a config file, newest first (no text)',
      handler: (req, res) => {
        const name = parseDomainName(req.params.name);
        res.json(history.list(name));
      },
    },
    {
      method: 'get',
      path: '/configs/:name/history/:id',
      access: 'admin',
      summary: 'One saved version of a config file, with its text',
      handler: (req, res) => {
        const name = parseDomainName(req.params.name);
        const id = parseVersionId(req.params.id);
        const v = history.get(name, id);
        if (!v) {
          throw new ApiError('VERSION_NOT_FOUND', `No version ${id} of config "${name}"`, {
            name,
            id,
          });
        }
        res.json(v);
      },
    },
    {
      method: 'post',
      path: '/configs/:name/history/:id/restore',
      access: 'admin',
      summary: 'Write a saved version back to the file, like a PUT (If-Match required)',
      audit: { action: 'config.restore', domainParam: 'name', target: configTarget },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const id = parseVersionId(req.params.id);
        const v = history.get(name, id);
        if (!v) {
          throw new ApiError('VERSION_NOT_FOUND', `No version ${id} of config "${name}"`, {
            name,
            id,
          });
        }
        const r = await replaceText(req, res, name, v.text, 'restore', { fromVersion: id });
        const answer: ConfigRestoreResult = {
          etag: r.etag,
          versionId: r.versionId,
          written: r.written,
        };
        res.setHeader('ETag', r.etag);
        res.json(answer);
      },
    },
  ];
}
