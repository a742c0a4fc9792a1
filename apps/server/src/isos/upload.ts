/**
 * Receiving one ISO upload: the raw request body streamed to a temporary file in the library's own
 * directory (same filesystem, so the final rename is atomic), hashed (SHA-256) and counted on the
 * way, never held in memory beyond the stream's buffers. The temp file is `.upload-<16 hex>.part`
 * (hidden, never ending `.iso`: nothing half-written looks like an ISO), created with O_EXCL and
 * mode 0600. On success: fsync, mode 0644, then `link` to the final name (refused if it exists) or,
 * with `replace`, `rename` over it (atomic); the temp name is removed and the directory fsynced.
 * Any failure — a body shorter than Content-Length, a client that hung up, a checksum mismatch, an
 * idle body, a disk error — removes the temp file and leaves the directory as it was.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type Stats } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { syncDir } from '../configs/atomic.js';
import { ApiError } from '../errors.js';

/** A body that sends nothing for this long is abandoned (ms). */
export const UPLOAD_IDLE_TIMEOUT_MS = 60_000;

export interface ReceiveOptions {
  /** The request whose body is the file (Content-Length already checked by the caller). */
  req: IncomingMessage;
  /** The library's directory. */
  dir: string;
  /** The validated final file name. */
  name: string;
  /** Content-Length of the request, bytes: the body must be exactly this long. */
  lengthBytes: number;
  /** Expected SHA-256 (hex, any case) from `X-Checksum-Sha256`, if given. */
  expectedSha256?: string | undefined;
  /** Rename over an existing file of that name (else ISO_EXISTS when it exists). */
  replace: boolean;
  /** Idle timeout of the body, ms (default {@link UPLOAD_IDLE_TIMEOUT_MS}). */
  idleMs?: number;
  /**
   * Called with the finished file's sha256 and stat after the fsync and before it gets its final
   * name (so the checksum cache knows the file before any listing can see it).
   */
  beforeCommit?: (sha256: string, st: Stats) => void;
}

export interface Received {
  sha256: string;
  sizeBytes: number;
  mtimeMs: number;
  /** The final name existed and was replaced. */
  replaced: boolean;
}

/**
 * Streams `req`'s body into `dir/name` as described above. Throws ApiError UPLOAD_INCOMPLETE (the
 * body ended or the client went away before Content-Length bytes, or went idle),
 * CHECKSUM_MISMATCH (422, with both digests), ISO_EXISTS (409: the name appeared meanwhile and
 * `replace` is off), or the fs error (ENOSPC, EIO …). The temp file never survives a throw.
 */
export async function receiveUpload(o: ReceiveOptions): Promise<Received> {
  const temp = join(o.dir, `.upload-${randomBytes(8).toString('hex')}.part`);
  const finalPath = join(o.dir, o.name);
  // O_CREAT|O_EXCL, 0600: never follows or reuses a file someone planted under that name.
  const out = createWriteStream(temp, { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024 });
  let created = false;
  out.once('open', () => {
    created = true;
  });
  let committed = false;
  const hash = createHash('sha256');
  let received = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleMs = o.idleMs ?? UPLOAD_IDLE_TIMEOUT_MS;
  try {
    const armIdle = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        o.req.destroy(
          new ApiError('UPLOAD_INCOMPLETE', `The upload sent nothing for ${idleMs / 1000} s`),
        );
      }, idleMs);
    };
    armIdle();
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        armIdle();
        received += chunk.length;
        if (received > o.lengthBytes) {
          done(new ApiError('UPLOAD_INCOMPLETE', 'The body is longer than Content-Length'));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(o.req, meter, out);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (received < o.lengthBytes && !(err as NodeJS.ErrnoException).syscall) {
        throw new ApiError(
          'UPLOAD_INCOMPLETE',
          `The upload ended after ${received} of ${o.lengthBytes} bytes (the client went away)`,
          { receivedBytes: received, lengthBytes: o.lengthBytes },
        );
      }
      throw err;
    } finally {
      clearTimeout(idleTimer);
    }
    if (received !== o.lengthBytes) {
      throw new ApiError(
        'UPLOAD_INCOMPLETE',
        `The upload ended after ${received} of ${o.lengthBytes} bytes`,
        { receivedBytes: received, lengthBytes: o.lengthBytes },
      );
    }
    const sha256 = hash.digest('hex');
    if (o.expectedSha256 !== undefined && o.expectedSha256.toLowerCase() !== sha256) {
      throw new ApiError(
        'CHECKSUM_MISMATCH',
        `SHA-256 of the upload is ${sha256}, not ${o.expectedSha256.toLowerCase()}: nothing was kept`,
        { expected: o.expectedSha256.toLowerCase(), actual: sha256 },
      );
    }
    // The write stream has closed its fd; fsync through a new one (fsync is per file, not per fd).
    const handle = await open(temp, 'r+');
    let st: Stats;
    try {
      await handle.sync();
      await handle.chmod(0o644);
      st = await handle.stat();
    } finally {
      await handle.close();
    }
    o.beforeCommit?.(sha256, st);
    let replaced = false;
    if (o.replace) {
      replaced = await link(temp, finalPath).then(
        () => false,
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
          return true;
        },
      );
      if (replaced) await rename(temp, finalPath);
      else await unlink(temp);
    } else {
      try {
        await link(temp, finalPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new ApiError(
            'ISO_EXISTS',
            `${o.name} already exists (add ?replace=1 to replace it)`,
            {
              name: o.name,
            },
          );
        }
        throw err;
      }
      await unlink(temp);
    }
    committed = true;
    await syncDir(o.dir);
    return { sha256, sizeBytes: st.size, mtimeMs: Math.trunc(st.mtimeMs), replaced };
  } finally {
    // Wait for the stream's own open/close to settle, so a file it creates late is removed too.
    if (!out.closed) {
      await new Promise<void>((resolve) => {
        out.once('close', () => resolve());
        out.destroy();
      });
    }
    if (created && !committed) await unlink(temp).catch(() => {});
  }
}
