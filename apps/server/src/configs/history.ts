/**
 * Versions of config files, in the `config_versions` table (migration 2): every text Xendeck
 * wrote, and the bytes it overwrote. At most {@link MAX_VERSIONS_PER_FILE} per file name; the
 * oldest are dropped first.
 */
import type { ConfigHistoryEntry, ConfigVersion, ConfigVersionReason } from '@xendeck/api';
import type { Db } from '../db.js';
import { etagOfSha, sha256Hex } from './files.js';

/** Versions kept per config file. */
export const MAX_VERSIONS_PER_FILE = 100;

interface Row {
  id: number;
  name: string;
  saved_at: number;
  saved_by: string;
  reason: ConfigVersionReason;
  sha256: string;
  size_bytes: number;
  text?: string;
}

function toEntry(r: Row): ConfigHistoryEntry {
  return {
    id: r.id,
    savedAt: new Date(r.saved_at).toISOString(),
    savedBy: r.saved_by,
    reason: r.reason,
    sizeBytes: r.size_bytes,
    etag: etagOfSha(r.sha256),
  };
}

export class ConfigHistory {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records `bytes` (valid UTF-8, `text` decoded from them) as a version of `name`, then drops
   * versions beyond the cap. Returns the new id.
   */
  add(
    name: string,
    reason: ConfigVersionReason,
    savedBy: string,
    text: string,
    bytes: Uint8Array,
  ): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          'INSERT INTO config_versions (name, saved_at, saved_by, reason, sha256, size_bytes, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(name, this.now(), savedBy, reason, sha256Hex(bytes), bytes.length, text);
      this.db
        .prepare(
          `DELETE FROM config_versions WHERE name = ? AND id NOT IN
             (SELECT id FROM config_versions WHERE name = ? ORDER BY id DESC LIMIT ?)`,
        )
        .run(name, name, MAX_VERSIONS_PER_FILE);
      return Number(info.lastInsertRowid);
    })();
  }

  /** SHA-256 (hex) of the newest version of `name`, if any. */
  newestSha(name: string): string | undefined {
    const r = this.db
      .prepare('SELECT sha256 FROM config_versions WHERE name = ? ORDER BY id DESC LIMIT 1')
      .get(name) as { sha256: string } | undefined;
    return r?.sha256;
  }

  /** Versions of `name`, newest first, without their text. */
  list(name: string): ConfigHistoryEntry[] {
    const rows = this.db
      .prepare(
        'SELECT id, name, saved_at, saved_by, reason, sha256, size_bytes FROM config_versions WHERE name = ? ORDER BY id DESC',
      )
      .all(name) as Row[];
    return rows.map(toEntry);
  }

  /** One version of `name` with its text, or undefined. */
  get(name: string, id: number): ConfigVersion | undefined {
    const r = this.db
      .prepare('SELECT * FROM config_versions WHERE name = ? AND id = ?')
      .get(name, id) as Row | undefined;
    return r ? { ...toEntry(r), text: r.text ?? '' } : undefined;
  }
}
