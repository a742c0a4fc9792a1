/**
 * Test fixture: the real app on the simulated host, a temp state dir and config dir, a log sink
 * that keeps every pino line, and a logged-in supertest agent.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Task, taskAcceptedSchema, taskSchema } from '@xendeck/api';
import {
  createSimulatedHost,
  type Hypervisor,
  type SimulatedHostOptions,
} from '@xendeck/hypervisor';
import { pino } from 'pino';
import request from 'supertest';
import WebSocket from 'ws';
import { createApp, type XendeckApp } from '../src/app.js';
import { ensureAdmin, Users } from '../src/auth/users.js';
import type { Config } from '../src/config.js';
import type { CommitOps } from '../src/configs/atomic.js';
import { type Db, openDatabase } from '../src/db.js';
import type { IsoRouteOptions } from '../src/isos/routes.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export type SimHost = ReturnType<typeof createSimulatedHost>;

export interface Fixture extends XendeckApp {
  sim: SimHost;
  db: Db;
  config: Config;
  stateDir: string;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** A supertest agent holding an admin session cookie. */
  admin: ReturnType<typeof request.agent>;
  /** Cookie header value of the admin session. */
  adminCookie: string;
  /** Mutable clock used by sessions and throttling. */
  clock: { now: number };
  /** Starts a real HTTP server with websockets on 127.0.0.1; returns its base URL. */
  listen: () => Promise<{ url: string; port: number }>;
  cleanup: () => Promise<void>;
}

export interface FixtureOptions {
  sim?: SimulatedHostOptions;
  config?: Partial<Config>;
  pingMs?: number;
  maxBufferedBytes?: number;
  /** Replaces the rename/link that commit config file writes. */
  configCommitOps?: CommitOps;
  /** Metrics clock and whether the sampler starts its timer. */
  metrics?: { now?: () => number; autoStart?: boolean };
  /** Period of the websockets' session re-check, ms (default 30 000). */
  wsSessionCheckMs?: number;
  /** Wraps the simulated host the app gets (to fake one method, e.g. `vncEndpoint`). */
  hypervisor?: (sim: SimHost) => Hypervisor;
  /** ISO library hooks (free-space figure, upload idle timeout). */
  isos?: IsoRouteOptions;
}

export async function makeFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-server-test-'));
  const configDir = join(stateDir, 'etc-xen');
  mkdirSync(configDir);
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    tls: { mode: 'off' },
    trustedProxies: [],
    allowedHosts: undefined,
    loginMaxHashes: 2,
    stateDir,
    configDir,
    simulatedConfigDir: false,
    backend: 'simulated',
    adminPassword: ADMIN_PASSWORD,
    dom0MinMiB: 512,
    createTimeoutMs: 300_000,
    webDir: join(stateDir, 'no-web-app'),
    logLevel: 'info',
    cookieSecure: 'auto',
    reconcileMs: 200,
    metricsIntervalMs: 1000,
    metricsToken: undefined,
    simSyntheticDomains: 0,
    wsMaxPerSession: 32,
    wsMaxTotal: 512,
    consoleLogDir: join(stateDir, 'console-logs'),
    consoleGraceMs: 10_000,
    imageDir: join(stateDir, 'images'),
    simulatedImageDir: false,
    isoDir: join(stateDir, 'iso'),
    simulatedIsoDir: false,
    isoMaxBytes: 64 * 1024 ** 3,
    saveDir: join(stateDir, 'save'),
    autoDir: join(stateDir, 'etc-xen', 'auto'),
    ...opts.config,
  };
  const sim = createSimulatedHost({ createDelayMs: 10, shutdownDelayMs: 50, ...opts.sim });
  const db = openDatabase(stateDir);
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const clock = { now: Date.now() };
  const x = createApp({
    config,
    db,
    hypervisor: opts.hypervisor ? opts.hypervisor(sim) : sim,
    logger,
    options: {
      now: () => clock.now,
      pingMs: opts.pingMs,
      wsSessionCheckMs: opts.wsSessionCheckMs,
      maxBufferedBytes: opts.maxBufferedBytes,
      configCommitOps: opts.configCommitOps,
      metrics: opts.metrics,
      isos: opts.isos,
    },
  });
  await ensureAdmin(new Users(db), ADMIN_PASSWORD);

  const admin = request.agent(x.app);
  const res = await admin
    .post('/api/v1/session')
    .set('Content-Type', 'application/json')
    .send({ username: 'admin', password: ADMIN_PASSWORD });
  if (res.status !== 204) throw new Error(`fixture login failed: ${res.status} ${res.text}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const adminCookie = (setCookie[0] ?? '').split(';')[0] ?? '';

  const servers: Server[] = [];
  return {
    ...x,
    sim,
    db,
    config,
    stateDir,
    logs,
    admin,
    adminCookie,
    clock,
    listen: async () => {
      const server = createServer(x.app);
      x.attachWebsockets(server);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      return { url: `http://127.0.0.1:${port}`, port };
    },
    cleanup: async () => {
      await x.close();
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await sim.close();
      db.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Fills a route path's parameters: `:name` with a name, `:id` with 1
 * (`/configs/:name/history/:id` → `/configs/web-01/history/1`).
 */
export function concretePath(path: string, name = 'web-01'): string {
  return `/api/v1${path.replace(':name', name).replace(':id', '1')}`;
}

/** Logs in `username` on `app`; returns the session's `Cookie` header value. */
export async function login(x: XendeckApp, username: string, password: string): Promise<string> {
  const res = await request(x.app)
    .post('/api/v1/session')
    .set('Content-Type', 'application/json')
    .send({ username, password });
  if (res.status !== 204) throw new Error(`login of ${username} failed: ${res.status} ${res.text}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return (setCookie[0] ?? '').split(';')[0] ?? '';
}

/** An open test websocket: every message received, and how it closed. */
export interface OpenedWs {
  ws: WebSocket;
  /** Messages received so far (text frames as strings, binary as Buffers). */
  messages: (string | Buffer)[];
  /** Resolves with the close code and reason once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A refused upgrade: the HTTP status and text body the server answered. */
export interface RefusedWs {
  status: number;
  body: string;
}

/**
 * Opens a websocket on `url` (`ws://127.0.0.1:<port>/path?query`) with these headers; resolves
 * with the open socket, or with the status of a refused handshake. Rejects on network errors.
 */
export function openWs(
  url: string,
  headers: Record<string, string> = {},
): Promise<OpenedWs | RefusedWs> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: (string | Buffer)[] = [];
    const closed = new Promise<{ code: number; reason: string }>((res) => {
      ws.on('close', (code, reason) => res({ code, reason: reason.toString() }));
    });
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      messages.push(isBinary ? buf : buf.toString());
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () => resolve({ ws, messages, closed }));
  });
}

/** Narrows {@link openWs}'s answer to an open socket; throws with the status otherwise. */
export function opened(r: OpenedWs | RefusedWs): OpenedWs {
  if ('status' in r) throw new Error(`websocket refused: ${r.status} ${r.body}`);
  return r;
}

/** Narrows {@link openWs}'s answer to a refusal; throws when the socket opened. */
export async function refused(r: OpenedWs | RefusedWs): Promise<RefusedWs> {
  if ('status' in r) return r;
  r.ws.close();
  throw new Error('websocket opened where a refusal was expected');
}

/** Polls `GET /api/v1/tasks/:id` (every 10 ms, up to 3 s) until the task ends; returns it. */
export async function settleTask(f: Fixture, id: string): Promise<Task> {
  for (let i = 0; i < 300; i++) {
    const t = taskSchema.parse((await f.admin.get(`/api/v1/tasks/${id}`)).body);
    if (t.state === 'succeeded' || t.state === 'failed') return t;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${id} did not end`);
}

/** Checks a 202 `{task}` answer and waits for that task to end ({@link settleTask}). */
export async function runTask(
  f: Fixture,
  res: { status: number; body: unknown; text: string },
): Promise<Task> {
  if (res.status !== 202) throw new Error(`expected 202 {task}, got ${res.status}: ${res.text}`);
  return settleTask(f, taskAcceptedSchema.parse(res.body).task.id);
}
