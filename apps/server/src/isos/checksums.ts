/**
 * SHA-256 of the ISO library's files, kept in the server's SQLite (`iso_checksums`, migration 5
 * in db.ts) keyed by (name, size in bytes, mtime in ms): a file replaced or touched by hand gets a
 * new key and is hashed again. Why SQLite and not a sidecar file in the ISO dir: the database is
 * already written atomically and survives restarts, and the ISO dir stays holding ISOs only (a
 * sidecar would be one more hidden file beside the hoster's images, to keep in step with renames
 * made by hand).
 *
 * Uploads give their digest for free (hashed while the body streams: upload.ts calls
 * {@link IsoChecksums.put}). Files put there by other means (scp) are hashed in the background,
 * one at a time, each as an `iso.checksum` task (progress = bytes read / size), when a listing
 * first sees them without a digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../db.js';
import { ApiError } from '../errors.js';
import type { TaskRegistry } from '../tasks/registry.js';
import { type IsoFile, readIsoFile } from './library.js';

interface Row {
  name: string;
  size_bytes: number;
  mtime_ms: number;
  sha256: string;
}

const keyOf = (f: IsoFile) => `${f.name}\0${f.sizeBytes}\0${f.mtimeMs}`;

export class IsoChecksums {
  private readonly queue: { file: IsoFile; user: string }[] = [];
  /** Keys queued or being hashed, so a listing does not queue one file twice. */
  private readonly pending = new Set<string>();
  private working = false;

  constructor(
    private readonly deps: { db: Db; tasks: TaskRegistry; logger: Logger; dir: string },
  ) {}

  /** The cached lower-case hex digest of this version of the file, or null. */
  get(f: IsoFile): string | null {
    const row = this.deps.db
      .prepare(
        'SELECT sha256 FROM iso_checksums WHERE name = ? AND size_bytes = ? AND mtime_ms = ?',
      )
      .get(f.name, f.sizeBytes, f.mtimeMs) as Pick<Row, 'sha256'> | undefined;
    return row?.sha256 ?? null;
  }

  /** Stores the digest of this version of the file (rows of other versions go at the next listing). */
  put(f: IsoFile, sha256: string): void {
    this.deps.db
      .prepare(
        'INSERT OR REPLACE INTO iso_checksums (name, size_bytes, mtime_ms, sha256) VALUES (?, ?, ?, ?)',
      )
      .run(f.name, f.sizeBytes, f.mtimeMs, sha256.toLowerCase());
  }

  /** Forgets every digest of `name` (after a delete). */
  forget(name: string): void {
    this.deps.db.prepare('DELETE FROM iso_checksums WHERE name = ?').run(name);
  }

  /**
   * Digests for a listing: the cached one of each file, or null after queueing an
   * `iso.checksum` task for it (started by `user`). Rows of versions no longer present are dropped.
   */
  forListing(files: readonly IsoFile[], user: string): Map<string, string | null> {
    const rows = this.deps.db.prepare('SELECT * FROM iso_checksums').all() as Row[];
    const cached = new Map<string, string>();
    for (const r of rows) {
      cached.set(keyOf({ name: r.name, sizeBytes: r.size_bytes, mtimeMs: r.mtime_ms }), r.sha256);
    }
    const present = new Set(files.map(keyOf));
    const out = new Map<string, string | null>();
    for (const f of files) {
      const sha = cached.get(keyOf(f)) ?? null;
      out.set(f.name, sha);
      if (sha === null) this.enqueue(f, user);
    }
    const drop = this.deps.db.prepare(
      'DELETE FROM iso_checksums WHERE name = ? AND size_bytes = ? AND mtime_ms = ?',
    );
    for (const r of rows) {
      const k = keyOf({ name: r.name, sizeBytes: r.size_bytes, mtimeMs: r.mtime_ms });
      if (!present.has(k)) drop.run(r.name, r.size_bytes, r.mtime_ms);
    }
    return out;
  }

  private enqueue(file: IsoFile, user: string): void {
    const k = keyOf(file);
    if (this.pending.has(k)) return;
    this.pending.add(k);
    this.queue.push({ file, user });
    void this.work();
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        try {
          await this.hashAsTask(job.file, job.user);
        } catch (err) {
          this.deps.logger.warn({ err, iso: job.file.name }, 'iso.checksum could not run');
        } finally {
          this.pending.delete(keyOf(job.file));
        }
      }
    } finally {
      this.working = false;
    }
  }

  /**
   * One `iso.checksum` task: reads the file once (progress by bytes), and stores the digest only
   * if the file's size and mtime are the same after the read as before (else the task fails with
   * INVALID_STATE "changed while being hashed"; the next listing queues the new version).
   */
  private async hashAsTask(file: IsoFile, user: string): Promise<void> {
    const { tasks, dir } = this.deps;
    const task = tasks.run(
      'iso.checksum',
      { user, target: `iso:${file.name}`, steps: ['sha256'] },
      async (t) =>
        t.step('sha256', async (s) => {
          const path = join(dir, file.name);
          s.log(`sha256sum ${path} (${file.sizeBytes} bytes)`);
          const hash = createHash('sha256');
          let readBytes = 0;
          for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
            hash.update(chunk as Buffer);
            readBytes += (chunk as Buffer).length;
            if (file.sizeBytes > 0) s.progress(readBytes / file.sizeBytes);
          }
          const after = await readIsoFile(dir, file.name);
          if (!after || keyOf(after) !== keyOf(file)) {
            throw new ApiError('INVALID_STATE', `${file.name} changed while being hashed`);
          }
          const sha256 = hash.digest('hex');
          this.put(file, sha256);
          s.log(`${sha256}  ${file.name}`);
          return { name: file.name, sha256 };
        }),
    );
    await tasks.settled(task.id);
  }
}
