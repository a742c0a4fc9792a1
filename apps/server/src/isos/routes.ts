/**
 * `/api/v1/isos`: the ISO library (issue 9 §3), admin only. Listing with sizes, times, SHA-256 and
 * users; upload as a raw `application/octet-stream` body (`PUT /isos/:filename`, streamed, see
 * upload.ts); delete with a typed confirmation, refused while a config or a running domain names
 * the file. "Used by" comes from the server's one used-by index (`storage/used-by.ts`: config
 * disk targets and `hypervisor.domainDisks()` of running domains).
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ISO_CHECKSUM_HEADER,
  type IsoEntry,
  type IsoList,
  isoNameProblem,
  sha256HexSchema,
} from '@xendeck/api';
import type { Request } from 'express';
import { auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import { syncDir } from '../configs/atomic.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import { imageRemovalRefusal } from '../storage/routes.js';
import { type DiskUsers, describeUsers, diskUsers } from '../storage/used-by.js';
import { originMatchesHost } from '../ws/router.js';
import { IsoChecksums } from './checksums.js';
import {
  type IsoFile,
  prepareIsoDir,
  readIsoFile,
  readIsoFiles,
  statfsFreeBytes,
} from './library.js';
import { liftRequestDeadline } from './request-deadline.js';
import { receiveUpload } from './upload.js';

/** Test hooks of the ISO routes. */
export interface IsoRouteOptions {
  /** Free bytes in the ISO dir (default: statfs). Tests inject a small figure for 507. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Idle timeout of an upload body, ms (default 60 000). */
  uploadIdleMs?: number;
  /** How long a refused upload's body is drained before the answer, ms (default 10 000). */
  refusalLingerMs?: number;
}

/**
 * How long the server reads (and drops) the body of an upload it refused before reading it (409,
 * 411, 413, 507 …) before it answers, so a client still sending can read the answer: 10 000 ms.
 */
export const UPLOAD_REFUSAL_LINGER_MS = 10_000;

/**
 * Reads and drops what is left of `req`'s body; resolves true once it ended, false after `ms`
 * or when the connection went away.
 */
function drainBody(req: Request, ms: number): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  if (req.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(drained);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(req.complete);
    const timer = setTimeout(() => finish(false), ms);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.resume();
  });
}

/** Validates `:filename`; throws ApiError INVALID_INPUT with status 400 saying what is wrong. */
export function parseIsoName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw : '';
  const problem = isoNameProblem(name);
  if (problem) {
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid ISO file name ${JSON.stringify(raw)}: ${problem}`,
      { where: 'path', issues: [{ path: 'filename', message: problem }] },
      400,
    );
  }
  return name;
}

/** Audit target of the routes on one ISO: `iso:<filename>`. */
const isoTarget = (req: Request): string => `iso:${String(req.params.filename)}`;

export function isoRoutes(ctx: AppContext, opts: IsoRouteOptions = {}): RouteDef[] {
  const dir = ctx.config.isoDir;
  prepareIsoDir(ctx.config, ctx.logger);
  const checksums = new IsoChecksums({
    db: ctx.db,
    tasks: ctx.tasks,
    logger: ctx.logger.child({ component: 'isos' }),
    dir,
  });
  const freeBytes = opts.freeBytes ?? statfsFreeBytes;
  /** Names being uploaded now: one upload per name at a time. */
  const uploading = new Set<string>();

  const entry = (f: IsoFile, sha256: string | null, users: DiskUsers | undefined): IsoEntry => ({
    name: f.name,
    sizeBytes: f.sizeBytes,
    modified: new Date(f.mtimeMs).toISOString(),
    sha256,
    usedBy: users ? users.usersOf(join(dir, f.name)) : [],
  });

  return [
    {
      method: 'get',
      path: '/isos',
      access: 'operator',
      summary: 'The ISO library: directory, free bytes, ISOs (size, modified, sha256, used by)',
      handler: async (_req, res) => {
        const files = await readIsoFiles(dir);
        const users = await diskUsers(ctx);
        const sums = checksums.forListing(files, currentUser(res).username);
        const body: IsoList = {
          directory: dir,
          freeBytes: await freeBytes(dir),
          isos: files.map((f) => entry(f, sums.get(f.name) ?? null, users)),
          usedByGaps: { configs: users.skipped, domains: users.unknownDomains },
        };
        res.json(body);
      },
    },
    {
      method: 'put',
      path: '/isos/:filename',
      access: 'admin',
      summary:
        'Upload an ISO: raw application/octet-stream body with Content-Length, optional X-Checksum-Sha256, ?replace=1; 201 with the entry',
      audit: { action: 'iso.upload', target: isoTarget },
      handler: async (req, res) => {
        const name = parseIsoName(req.params.filename);
        const replace = req.query.replace === '1';
        let claimed = false;
        try {
          const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
          if (type !== 'application/octet-stream') {
            throw new ApiError(
              'UNSUPPORTED_MEDIA_TYPE',
              `PUT /isos/:filename takes the file as Content-Type: application/octet-stream (got ${type ? `"${type}"` : 'none'})`,
            );
          }
          // Defence in depth beside SameSite=Strict and the CORS preflight a PUT needs: a browser
          // page on another origin says so in Origin / Sec-Fetch-Site.
          const fetchSite = req.headers['sec-fetch-site'];
          if (!originMatchesHost(req) || fetchSite === 'cross-site' || fetchSite === 'same-site') {
            throw new ApiError('FORBIDDEN', 'Uploads are accepted only from Xendeck’s own pages');
          }
          const lengthHeader = req.headers['content-length'];
          if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader)) {
            throw new ApiError(
              'LENGTH_REQUIRED',
              'An upload needs Content-Length (the file size in bytes; chunked bodies are refused)',
            );
          }
          const lengthBytes = Number(lengthHeader);
          if (lengthBytes > ctx.config.isoMaxBytes) {
            throw new ApiError(
              'PAYLOAD_TOO_LARGE',
              `${name} is ${lengthBytes} bytes; one upload may bring at most ${ctx.config.isoMaxBytes} (XENDECK_ISO_MAX_BYTES)`,
              { lengthBytes, maxBytes: ctx.config.isoMaxBytes },
            );
          }
          const checksumHeader = req.headers[ISO_CHECKSUM_HEADER.toLowerCase()];
          let expectedSha256: string | undefined;
          if (checksumHeader !== undefined) {
            const r = sha256HexSchema.safeParse(checksumHeader);
            if (!r.success) {
              throw new ApiError(
                'INVALID_INPUT',
                `${ISO_CHECKSUM_HEADER} must be 64 hexadecimal digits`,
                { where: 'header' },
                400,
              );
            }
            expectedSha256 = r.data;
          }
          if (uploading.has(name)) {
            throw new ApiError('UPLOAD_IN_PROGRESS', `${name} is being uploaded already`, { name });
          }
          // Claimed before the first await: a second request for the name now gets 409.
          uploading.add(name);
          claimed = true;
          const existing = await readIsoFile(dir, name);
          if (existing && !replace) {
            throw new ApiError(
              'ISO_EXISTS',
              `${name} already exists (add ?replace=1 to replace it)`,
              { name },
            );
          }
          if (existing) {
            const inserted = (await diskUsers(ctx))
              .usersOf(join(dir, name))
              .filter((u) => u.kind === 'domain');
            if (inserted.length > 0) {
              throw new ApiError(
                'ISO_IN_USE',
                `${name} is inserted in ${describeUsers(inserted)}: eject it before replacing it`,
                { usedBy: inserted },
              );
            }
          }
          const free = await freeBytes(dir);
          if (lengthBytes > free) {
            throw new ApiError(
              'INSUFFICIENT_STORAGE',
              `${name} needs ${lengthBytes} bytes; ${dir} has ${free} bytes free`,
              { neededBytes: lengthBytes, freeBytes: free },
            );
          }
          liftRequestDeadline(req);
          const received = await receiveUpload({
            req,
            dir,
            name,
            lengthBytes,
            expectedSha256,
            replace,
            idleMs: opts.uploadIdleMs,
            beforeCommit: (sha256, st) =>
              checksums.put({ name, sizeBytes: st.size, mtimeMs: Math.trunc(st.mtimeMs) }, sha256),
          });
          auditNote(res, {
            details: {
              sizeBytes: received.sizeBytes,
              sha256: received.sha256,
              replaced: received.replaced,
            },
          });
          const users = await diskUsers(ctx).catch(() => undefined);
          res.status(201).json(entry({ name, ...received }, received.sha256, users));
        } catch (err) {
          // A refusal before the body was read: Node stops reading a request once its answer
          // is sent, so a client still sending (a browser) would be reset and lose the answer.
          // Read and drop the rest first, for at most UPLOAD_REFUSAL_LINGER_MS; a body that
          // takes longer gets the answer with Connection: close.
          if (
            !(await drainBody(req, opts.refusalLingerMs ?? UPLOAD_REFUSAL_LINGER_MS)) &&
            !res.headersSent
          ) {
            res.setHeader('Connection', 'close');
          }
          throw err;
        } finally {
          if (claimed) uploading.delete(name);
        }
      },
    },
    {
      method: 'delete',
      path: '/isos/:filename',
      access: 'admin',
      summary:
        'Delete an ISO (?confirm=<filename>); 409 ISO_IN_USE naming the configs and running domains that use it',
      audit: { action: 'iso.delete', target: isoTarget },
      handler: async (req, res) => {
        const name = parseIsoName(req.params.filename);
        if (req.query.confirm !== name) {
          throw new ApiError(
            'INVALID_INPUT',
            `Deleting ${name} needs ?confirm=${name} (the file name typed again)`,
            { where: 'query' },
            400,
          );
        }
        const file = await readIsoFile(dir, name);
        if (!file) throw new ApiError('ISO_NOT_FOUND', `No ISO named ${name} in ${dir}`, { name });
        const path = join(dir, name);
        const users = await diskUsers(ctx);
        const refusal = imageRemovalRefusal(path, users);
        if (refusal) {
          throw new ApiError('ISO_IN_USE', refusal, {
            reason: refusal,
            usedBy: users.usersOf(path),
          });
        }
        await unlink(join(dir, name));
        await syncDir(dir);
        checksums.forget(name);
        auditNote(res, { details: { sizeBytes: file.sizeBytes } });
        res.status(204).end();
      },
    },
  ];
}
