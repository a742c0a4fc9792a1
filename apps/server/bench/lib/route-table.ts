/**
 * Prints the server's own route table as JSON on stdout, for the fuzz run (bench/fuzz.mjs), which
 * is plain JavaScript against the bundle and cannot import the TypeScript sources: every REST
 * route of `createApp(...).routes` (method, full path, access) and every websocket route's path,
 * read from an app built on the simulated host in a temporary state dir (removed again). Run with
 * `node --import tsx bench/lib/route-table.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedHost } from '@xendeck/hypervisor';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { API_PREFIX } from '../../src/context.js';
import { openDatabase } from '../../src/db.js';

const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-route-table-'));
try {
  const config = loadConfig(
    {
      XENDECK_BACKEND: 'simulated',
      XENDECK_STATE_DIR: stateDir,
      XENDECK_CONFIG_DIR: join(stateDir, 'xen'),
      XENDECK_HTTP: '1',
      XENDECK_TRUSTED_PROXIES: '127.0.0.1',
      XENDECK_ALLOWED_HOSTS: '127.0.0.1',
    },
    { xenPresent: () => false },
  );
  const db = openDatabase(stateDir);
  const hypervisor = createSimulatedHost({});
  const x = createApp({
    config,
    db,
    hypervisor,
    logger: pino({ level: 'silent' }),
    options: { metrics: { autoStart: false } },
  });
  const out = {
    rest: x.routes.map((r) => ({
      method: r.method,
      path: `${API_PREFIX}${r.path}`,
      access: r.access,
    })),
    ws: x.wsRoutes.map((r) => r.path),
    plain: x.plainRoutes.map((r) => ({ method: r.method, path: r.path })),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await x.close();
  await hypervisor.close();
  db.close();
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(0);
