/**
 * What every live change of a running domain (memory, vCPUs, pinning, credit2) shares: the run
 * itself — audited with its `xl` twin in `command` — and, only when the request asks
 * (`persist: true`), the same change written into `<configDir>/<name>.cfg` with
 * `@xendeck/xl-config`'s lossless document (only the changed values are rewritten) through the
 * config editor's save path (`configReplaceText`: lock, If-Match, history, atomic write).
 *
 * Order: the config file is read and parsed BEFORE the domain is touched (a missing or unreadable
 * file refuses the whole request, nothing changed); then the live change; then the write, with
 * If-Match = the request's `If-Match` header when it has one, else the ETag read before the
 * change (so an edit made meanwhile is refused with CONFIG_CHANGED, never overwritten). A write
 * that fails after the live change succeeded answers an error that says the domain WAS changed.
 */
import type { ConfigKeyChange, ConfigWrite, LiveChangeResult } from '@xendeck/api';
import {
  formatValue,
  parseXlConfig,
  type XlAction,
  type XlDocument,
  type XlValueInput,
  xlCommand,
} from '@xendeck/xl-config';
import type { Request, Response } from 'express';
import { type ConfigFile, readConfigFile } from '../configs/files.js';
import type { AppContext } from '../context.js';
import { ApiError, toApiError } from '../errors.js';
import { configReplaceText } from '../routes/configs.js';
import { auditedDomainAction, domidOf } from '../routes/domains.js';

/** One key the change writes into the config file, with the value xl should read. */
export interface ConfigKeyEdit {
  key: string;
  value: XlValueInput;
}

/** A live change: what it does to the running domain, its twin, and what `persist` writes. */
export interface LiveChange {
  /** Audit action, e.g. `domain.vcpu-set`. */
  action: string;
  /** The `xl` twin (for the answer and the audit line's `command`). */
  xl: XlAction;
  /** Changes the running domain (the hypervisor call). */
  apply: (domid: number) => Promise<void>;
  /**
   * The config keys to write, computed AFTER `apply` (pinning reads the vCPUs' new affinities);
   * `doc` is the file as read before the change. Called only with `persist`.
   */
  configEdits: (domid: number, doc: XlDocument) => Promise<ConfigKeyEdit[]>;
  /** Extra fields for the audit line (the request's values). */
  audit?: Record<string, unknown>;
}

/**
 * The text of a key's value as written in the file now (the last `=` statement's value, as is),
 * or null when the key is absent.
 */
function valueText(doc: XlDocument, text: string, key: string): string | null {
  const setting = doc.getSetting(key);
  const last = setting?.statements.at(-1);
  if (!setting || !last) return null;
  return setting.statements.length === 1
    ? text.slice(last.valueStart, last.end)
    : formatValue(setting.value);
}

/** The file read before the change, parsed; refuses (422 CONFIG_INVALID) a file xl could not read. */
async function readForEdit(
  ctx: AppContext,
  name: string,
): Promise<{ file: ConfigFile; doc: XlDocument }> {
  const file = await readConfigFile(ctx.config.configDir, name);
  const doc = parseXlConfig(file.text);
  const first = doc.errors[0];
  if (first) {
    throw new ApiError(
      'CONFIG_INVALID',
      `xl would refuse ${file.path} (line ${first.line}, column ${first.column}: ${first.message}); fix it in the editor first. Nothing was changed.`,
      { path: file.path, errors: doc.errors },
    );
  }
  return { file, doc };
}

/**
 * Runs `change` on the running domain `name` for the request's user (admin routes only), audited
 * as `change.action` with `command` = its `xl` twin, and with `persist` writes its config edits.
 * Answers what was done. Throws DOMAIN_NOT_FOUND (404); with persist first CONFIG_NOT_FOUND (404),
 * CONFIG_INVALID (422), or 422 PERSIST_NOT_POSSIBLE for dom0 (it has no config file) — all before
 * anything changes; then whatever the hypervisor call throws; then CONFIG_CHANGED (409) or a
 * write error, whose message and `details.applied: true` say the domain was changed anyway.
 */
export async function runLiveChange(
  ctx: AppContext,
  req: Request,
  res: Response,
  name: string,
  persist: boolean,
  change: LiveChange,
): Promise<LiveChangeResult> {
  const command = xlCommand(change.xl);
  return auditedDomainAction(
    ctx,
    res,
    async (): Promise<LiveChangeResult> => {
      const domid = await domidOf(ctx.hypervisor, name);
      if (persist && domid === 0) {
        throw new ApiError(
          'INVALID_INPUT',
          'persist: dom0 has no config file in the config dir; its memory and vCPUs are set on the Xen command line (dom0_mem=, dom0_max_vcpus=)',
          { where: 'body', issues: [{ path: 'persist', message: 'not for dom0' }] },
        );
      }
      const before = persist ? await readForEdit(ctx, name) : undefined;
      await change.apply(domid);
      if (!before) return { name, domid, command, persisted: null };
      try {
        const persisted = await writeEdits(
          ctx,
          req,
          res,
          name,
          before,
          await change.configEdits(domid, before.doc),
        );
        return { name, domid, command, persisted };
      } catch (err) {
        const e = toApiError(err);
        throw new ApiError(
          e.code,
          `The running domain was changed (${command}), but ${before.file.path} was not written: ${e.message}`,
          { ...e.details, applied: true, path: before.file.path },
          e.status,
        );
      }
    },
    { action: change.action, command, details: { persist, ...change.audit } },
  );
}

/** Applies `edits` to the document read before the change and saves it with history. */
async function writeEdits(
  ctx: AppContext,
  req: Request,
  res: Response,
  name: string,
  before: { file: ConfigFile; doc: XlDocument },
  edits: ConfigKeyEdit[],
): Promise<ConfigWrite> {
  const { file, doc } = before;
  const changes: ConfigKeyChange[] = [];
  for (const { key, value } of edits) {
    const was = valueText(doc, doc.toString(), key);
    const now = formatValue(value);
    if (was === now) continue;
    doc.set(key, value);
    changes.push({ key, before: was, after: now });
  }
  // The save path takes If-Match from the request: the client's when it sent one, else the ETag
  // of the bytes the edit was computed from.
  const ifMatch = req.headers['if-match'] ? req : withIfMatch(req, file.etag);
  const saved = await configReplaceText(ctx)(ifMatch, res, name, doc.toString(), 'edit', {
    via: 'live-change',
  });
  return {
    path: file.path,
    changes,
    written: saved.written,
    etag: saved.etag,
    versionId: saved.versionId,
  };
}

/** `req` seen with an `If-Match` header of `etag` (everything else read through to `req`). */
function withIfMatch(req: Request, etag: string): Request {
  return Object.create(req, {
    headers: { value: { ...req.headers, 'if-match': etag }, enumerable: true },
  }) as Request;
}

/**
 * A hypervisor INVALID_ARGUMENT (a value outside what the domain or host allows: vCPU count above
 * maxvcpus, a pCPU the host lacks, a weight out of range) as 422 INVALID_INPUT naming the request
 * field, with the hypervisor's message and figures; anything else unchanged.
 */
export function asFieldError(err: unknown, field: string): unknown {
  const e = toApiError(err);
  if (e.code !== 'INVALID_ARGUMENT') return err;
  return new ApiError('INVALID_INPUT', `Invalid request body: ${field}: ${e.message}`, {
    ...e.details,
    where: 'body',
    issues: [{ path: field, message: e.message }],
  });
}
