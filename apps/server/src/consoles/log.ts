/**
 * A domain's console log: `GET /api/v1/domains/:name/console/log`, and the one rule for where
 * xenconsoled's log of a guest is and how it is opened safely.
 *
 * xenconsoled, when it logs guests (`XENCONSOLED_TRACE=guest`, `--log-dir`), appends everything a
 * guest writes on its PV console to `<log dir>/guest-<name>.log` (named from xenstore
 * `/local/domain/<domid>/name`, kept across boots). The server serves that file when it exists;
 * otherwise what its own text console hub kept (the scrollback of the PV console, else of the
 * serial port, at most `scrollbackBytes`). The name is validated (domainNameSchema) before it
 * reaches a path, and the file is opened `O_NOFOLLOW|O_NONBLOCK` and must be a regular file.
 */
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { domainNameSchema } from '@xendeck/api';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ApiError, zodToApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import { parseDomainName } from '../validate.js';
import type { TextConsoleHub } from './text-console.js';

/** Response header naming where a console log came from: `xenconsoled` or `server`. */
export const LOG_SOURCE_HEADER = 'X-Xendeck-Log-Source';

/**
 * xenconsoled's log file of the domain `name` in `logDir`, or undefined when `name` is not a valid
 * domain name (so it can never climb out of `logDir`).
 */
export function consoleLogPath(logDir: string, name: string): string | undefined {
  if (!domainNameSchema.safeParse(name).success) return undefined;
  return join(logDir, `guest-${name}.log`);
}

/**
 * Opens xenconsoled's log of `name` for reading: undefined when the name is invalid, the file does
 * not exist, is a symlink (O_NOFOLLOW) or is not a regular file. The caller closes the handle.
 * `sizeBytes` is the size when opened (the file keeps growing).
 */
export async function openConsoleLog(
  logDir: string,
  name: string,
): Promise<{ file: FileHandle; sizeBytes: number } | undefined> {
  const path = consoleLogPath(logDir, name);
  if (!path) return undefined;
  let file: FileHandle;
  try {
    file = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = await file.stat();
    if (!st.isFile()) {
      await file.close();
      return undefined;
    }
    return { file, sizeBytes: st.size };
  } catch {
    await file.close();
    return undefined;
  }
}

/** Query of the log route: `?download=1`, `?tailBytes=N`. */
const logQuerySchema = z.object({
  download: z.enum(['0', '1']).optional(),
  tailBytes: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 40)
    .optional(),
});

/**
 * `GET /api/v1/domains/:name/console/log` (admin): text/plain, the whole log or its last
 * `tailBytes` bytes; `download=1` adds `Content-Disposition: attachment; filename="<name>-console.log"`.
 * Source: xenconsoled's `guest-<name>.log` in the hub's `consoleLogDir` (header
 * `X-Xendeck-Log-Source: xenconsoled`), else the hub's scrollback of the PV console, else of the
 * serial port (`server`). 422 INVALID_INPUT for a bad name or query, 404 NOT_FOUND when neither
 * has anything.
 */
export function consoleLogRoutes(_ctx: AppContext, hub: TextConsoleHub): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/domains/:name/console/log',
      access: { domain: 'console' },
      summary:
        "A domain's console log as text/plain: xenconsoled's guest-<name>.log, else the server's scrollback (X-Xendeck-Log-Source); ?tailBytes=N, ?download=1; 404 NOT_FOUND",
      handler: async (req: Request, res: Response) => {
        const name = parseDomainName(req.params.name);
        const q = logQuerySchema.safeParse(req.query);
        if (!q.success) throw zodToApiError(q.error, 'query');
        const { tailBytes } = q.data;
        const headers = (source: 'xenconsoled' | 'server', length: number) => {
          res.status(200);
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.setHeader('Content-Length', String(length));
          res.setHeader(LOG_SOURCE_HEADER, source);
          if (q.data.download === '1') {
            res.setHeader('Content-Disposition', `attachment; filename="${name}-console.log"`);
          }
        };
        const opened = hub.consoleLogDir
          ? await openConsoleLog(hub.consoleLogDir, name)
          : undefined;
        if (opened) {
          const { file, sizeBytes } = opened;
          try {
            const start = tailBytes === undefined ? 0 : Math.max(0, sizeBytes - tailBytes);
            headers('xenconsoled', sizeBytes - start);
            if (sizeBytes - start === 0) {
              res.end();
              return;
            }
            // Up to the size seen at open: the file grows while we read.
            await pipeline(
              file.createReadStream({ start, end: sizeBytes - 1, autoClose: false }),
              res,
            );
          } finally {
            await file.close();
          }
          return;
        }
        let kept = hub.scrollback(name, 'pv');
        if (kept.length === 0) kept = hub.scrollback(name, 'serial');
        if (kept.length === 0) {
          throw new ApiError(
            'NOT_FOUND',
            `No console log for "${name}": xenconsoled has no guest-${name}.log${hub.consoleLogDir ? ` in ${hub.consoleLogDir}` : ''} and the server kept nothing of its consoles`,
            { name },
          );
        }
        const body =
          tailBytes === undefined ? kept : kept.subarray(Math.max(0, kept.length - tailBytes));
        headers('server', body.length);
        res.end(body);
      },
    },
  ];
}
