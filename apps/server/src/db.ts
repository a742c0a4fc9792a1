/**
 * The server's SQLite database (better-sqlite3): users, grants, API tokens, sessions, the audit
 * log, config file history, metrics history, settings and tasks, in
 * `<stateDir>/xendeck.sqlite` (directory mode 0700, file mode 0600: it holds password hashes).
 * Schema changes are numbered migrations tracked with `PRAGMA user_version`.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  // 1: users and sessions.
  `CREATE TABLE users (
     id            INTEGER PRIMARY KEY,
     username      TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     role          TEXT NOT NULL CHECK (role IN ('admin', 'customer')),
     created_at    INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash    TEXT PRIMARY KEY,
     user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at    INTEGER NOT NULL,
     last_seen_at  INTEGER NOT NULL,
     remote_addr   TEXT
   );
   CREATE INDEX sessions_user ON sessions(user_id);`,
  // 2: config file history (src/configs/history.ts). saved_at in ms since the epoch; text is the
  // exact file content (valid UTF-8), sha256 the hex digest of its bytes, size_bytes their count.
  `CREATE TABLE config_versions (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     name       TEXT NOT NULL,
     saved_at   INTEGER NOT NULL,
     saved_by   TEXT NOT NULL,
     reason     TEXT NOT NULL CHECK (reason IN ('before-edit', 'edit', 'restore', 'create')),
     sha256     TEXT NOT NULL,
     size_bytes INTEGER NOT NULL,
     text       TEXT NOT NULL
   );
   CREATE INDEX config_versions_name ON config_versions(name, id);`,
  // 3: metrics history (src/metrics/store.ts) and small settings (the /metrics token).
  // `name` is the domain name ('' = the host); t is the start of the step in ms since the epoch;
  // n the number of 1-second samples behind the row; *_avg / *_max over those samples; cpu in
  // percent (of one pCPU for a domain, of the whole host for ''), mem in bytes (used, for the
  // host), net in bytes/s (backend view), vbd in requests/s. A null avg = no sample had a value.
  `CREATE TABLE metrics_1m (
     name TEXT NOT NULL, t INTEGER NOT NULL, domid INTEGER, n INTEGER NOT NULL,
     cpu_avg REAL, cpu_max REAL, mem_avg REAL, mem_max REAL,
     net_rx_avg REAL, net_rx_max REAL, net_tx_avg REAL, net_tx_max REAL,
     vbd_rd_avg REAL, vbd_rd_max REAL, vbd_wr_avg REAL, vbd_wr_max REAL,
     PRIMARY KEY (name, t)
   ) WITHOUT ROWID;
   CREATE INDEX metrics_1m_t ON metrics_1m(t);
   CREATE TABLE metrics_1h (
     name TEXT NOT NULL, t INTEGER NOT NULL, domid INTEGER, n INTEGER NOT NULL,
     cpu_avg REAL, cpu_max REAL, mem_avg REAL, mem_max REAL,
     net_rx_avg REAL, net_rx_max REAL, net_tx_avg REAL, net_tx_max REAL,
     vbd_rd_avg REAL, vbd_rd_max REAL, vbd_wr_avg REAL, vbd_wr_max REAL,
     PRIMARY KEY (name, t)
   ) WITHOUT ROWID;
   CREATE INDEX metrics_1h_t ON metrics_1h(t);
   CREATE TABLE metrics_series (
     name      TEXT PRIMARY KEY,
     domid     INTEGER,
     last_seen INTEGER NOT NULL
   );
   CREATE TABLE settings (
     key        TEXT PRIMARY KEY,
     value      TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // 4: tasks (src/tasks/registry.ts). Times in ms since the epoch (null until reached); steps,
  // result and error are JSON text (shapes of taskSchema in @xendeck/api); progress 0..1 or null.
  `CREATE TABLE tasks (
     id          TEXT PRIMARY KEY,
     kind        TEXT NOT NULL,
     username    TEXT NOT NULL,
     target      TEXT NOT NULL,
     state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
     progress    REAL,
     steps       TEXT NOT NULL,
     result      TEXT,
     error       TEXT,
     created_at  INTEGER NOT NULL,
     started_at  INTEGER,
     ended_at    INTEGER
   );
   CREATE INDEX tasks_created ON tasks(created_at);
   CREATE INDEX tasks_state ON tasks(state);`,
  // 5: SHA-256 of the files in the ISO library (src/isos/checksums.ts), keyed by what identifies
  // one version of a file: its name, size in bytes and mtime in ms since the epoch. sha256 is hex.
  `CREATE TABLE iso_checksums (
     name       TEXT NOT NULL,
     size_bytes INTEGER NOT NULL,
     mtime_ms   INTEGER NOT NULL,
     sha256     TEXT NOT NULL,
     PRIMARY KEY (name, size_bytes, mtime_ms)
   ) WITHOUT ROWID;`,
  // 6: roles admin/operator/customer, grants, API tokens, the audit log (issue 11).
  // users is rebuilt to widen its role CHECK; dropping the old table ends every session (logins
  // after an upgrade), nothing else refers to users yet. password_changed_at and times in ms since
  // the epoch; totp_secret is base32 (null = no TOTP). grants.permissions is a comma list of
  // PERMISSIONS (@xendeck/api access.ts), view included. api_tokens stores only the SHA-256 (hex)
  // of a token. audit_log: one row per change (src/audit.ts); domain is the domain it acted on (a
  // customer sees the rows of their domains), details JSON text.
  `CREATE TABLE users_v6 (
     id                  INTEGER PRIMARY KEY,
     username            TEXT NOT NULL UNIQUE,
     password_hash       TEXT NOT NULL,
     role                TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'customer')),
     created_at          INTEGER NOT NULL,
     password_changed_at INTEGER,
     totp_secret         TEXT
   );
   INSERT INTO users_v6 (id, username, password_hash, role, created_at)
     SELECT id, username, password_hash, role, created_at FROM users;
   DROP TABLE users;
   ALTER TABLE users_v6 RENAME TO users;
   CREATE TABLE grants (
     user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     domain      TEXT NOT NULL,
     permissions TEXT NOT NULL,
     PRIMARY KEY (user_id, domain)
   ) WITHOUT ROWID;
   CREATE INDEX grants_domain ON grants(domain);
   CREATE TABLE api_tokens (
     id           INTEGER PRIMARY KEY,
     user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     token_hash   TEXT NOT NULL UNIQUE,
     created_at   INTEGER NOT NULL,
     last_used_at INTEGER,
     expires_at   INTEGER
   );
   CREATE INDEX api_tokens_user ON api_tokens(user_id);
   CREATE TABLE audit_log (
     id          INTEGER PRIMARY KEY,
     at          INTEGER NOT NULL,
     username    TEXT,
     remote_addr TEXT,
     action      TEXT NOT NULL,
     target      TEXT,
     domain      TEXT,
     result      TEXT NOT NULL,
     command     TEXT,
     details     TEXT
   );
   CREATE INDEX audit_log_at ON audit_log(at);
   CREATE INDEX audit_log_domain ON audit_log(domain, at);
   CREATE INDEX audit_log_user ON audit_log(username, at);`,
];

/** Applies pending migrations in one transaction each. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** SQLite busy timeout after the migrations, ms (see openDatabase). */
export const REQUEST_BUSY_TIMEOUT_MS = 250;

/**
 * Opens (creating if needed) the database in `stateDir` (mode 0700, set at every start) and
 * migrates it. Throws the fs / SQLite error when the directory cannot be created or the file opened.
 */
export function openDatabase(stateDir: string): Db {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only when it creates the directory: an existing one keeps whatever it
  // had, so it is narrowed at every start (it holds the database, the TLS key, secrets). Never a
  // shared sticky directory such as /tmp (XENDECK_STATE_DIR=/tmp by mistake, as root).
  if ((statSync(stateDir).mode & 0o1000) === 0) chmodSync(stateDir, 0o700);
  const file = join(stateDir, 'xendeck.sqlite');
  const db = new Database(file);
  chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // Every later query runs on the event loop, most on the request path (the session lookup):
  // waiting up to 5 s for another process's write lock (an operator's sqlite3, a backup) would
  // stall every request and websocket ping. Wait 250 ms at most, then fail that one request.
  db.pragma(`busy_timeout = ${REQUEST_BUSY_TIMEOUT_MS}`);
  return db;
}
