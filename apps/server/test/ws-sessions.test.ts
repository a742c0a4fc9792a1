/**
 * Websockets end with their session (src/ws/connections.ts): logout, expiry, user removal, role
 * change close them with 1008 and a reason; and they are capped per session and in total (the
 * extra one is accepted, then closed with 1013 and a reason). Runs on the app's own routes
 * (`/api/v1/events`, `/api/v1/metrics`), plus a router with a slow `authorize` for the race.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken, SESSION_IDLE_MS } from '../src/auth/sessions.js';
import { loadConfig } from '../src/config.js';
import { type AnyWsRoute, WsRouter } from '../src/ws/router.js';
import {
  ADMIN_PASSWORD,
  type Fixture,
  type FixtureOptions,
  login,
  makeFixture,
  type OpenedWs,
  opened,
  openWs,
} from './helpers.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

async function setup(opts: FixtureOptions = {}) {
  f = await makeFixture(opts);
  const base = await f.listen();
  return {
    f,
    ws: (path: string, cookie: string) =>
      openWs(`ws://127.0.0.1:${base.port}${path}`, { Cookie: cookie }),
  };
}

const isOpen = (c: OpenedWs) => c.ws.readyState === c.ws.OPEN;

describe('websockets end with their session', () => {
  it('logout closes that session’s events and metrics sockets with 1008 "logged out", not another session’s', async () => {
    const { f, ws } = await setup();
    const mine = await login(f, 'admin', ADMIN_PASSWORD);
    const events = opened(await ws('/api/v1/events', mine));
    const metrics = opened(await ws('/api/v1/metrics', mine));
    const others = opened(await ws('/api/v1/events', f.adminCookie));
    expect(f.context.connections.countFor(sessionHashOf(mine))).toBe(2);

    const res = await request(f.app)
      .delete('/api/v1/session')
      .set('Cookie', mine)
      .set('Content-Type', 'application/json');
    expect(res.status).toBe(204);
    expect(await events.closed).toEqual({ code: 1008, reason: 'logged out' });
    expect(await metrics.closed).toEqual({ code: 1008, reason: 'logged out' });
    expect(isOpen(others)).toBe(true);
    await expect.poll(() => f.context.connections.size).toBe(1);
    const audit = f.logs.find((l) => l.audit && l.action === 'session.logout');
    expect(audit).toMatchObject({ websockets: 2 });
    const closes = f.logs.filter((l) => l.audit && l.action === 'ws.close');
    expect(closes.map((l) => [l.target, l.closeCode, l.closeReason]).sort()).toEqual([
      ['/api/v1/events', 1008, 'logged out'],
      ['/api/v1/metrics', 1008, 'logged out'],
    ]);
    others.ws.close();
  });

  it('the periodic check closes sockets of an expired session with "session expired", without refreshing it', async () => {
    const { f, ws } = await setup();
    const stale = await login(f, 'admin', ADMIN_PASSWORD);
    const c = opened(await ws('/api/v1/events', stale));
    f.clock.now += SESSION_IDLE_MS - 1000;
    // Still valid: nothing closes (and the check must not refresh last_seen_at).
    expect(f.context.connections.check()).toBe(0);
    expect(isOpen(c)).toBe(true);
    f.clock.now += 2000;
    expect(f.context.connections.check()).toBe(1);
    expect(await c.closed).toEqual({ code: 1008, reason: 'session expired' });
  });

  it('runs the check on its timer', async () => {
    const { f, ws } = await setup({ wsSessionCheckMs: 50 });
    const c = opened(await ws('/api/v1/metrics', f.adminCookie));
    await new Promise((r) => setTimeout(r, 120));
    expect(isOpen(c)).toBe(true);
    f.clock.now += SESSION_IDLE_MS + 1;
    expect(await c.closed).toEqual({ code: 1008, reason: 'session expired' });
  });

  it('closes the sockets of a removed user with "user removed"; a demoted one keeps the events stream (every role has it, filtered)', async () => {
    const { f, ws } = await setup();
    const ops = await f.context.users.create('ops', 'ops password 123', 'admin');
    const dev = await f.context.users.create('dev', 'dev password 123', 'admin');
    const opsSocket = opened(await ws('/api/v1/events', await login(f, 'ops', 'ops password 123')));
    const devSocket = opened(await ws('/api/v1/events', await login(f, 'dev', 'dev password 123')));
    const adminSocket = opened(await ws('/api/v1/events', f.adminCookie));
    f.db.prepare('DELETE FROM users WHERE id = ?').run(ops.id);
    f.db.prepare("UPDATE users SET role = 'customer' WHERE id = ?").run(dev.id);
    expect(f.context.connections.check()).toBe(1);
    expect(await opsSocket.closed).toEqual({ code: 1008, reason: 'user removed' });
    expect(isOpen(devSocket)).toBe(true);
    expect(isOpen(adminSocket)).toBe(true);
    devSocket.ws.close();
    adminSocket.ws.close();
  });
});

describe('websocket caps', () => {
  it('per session: the one over XENDECK_WS_MAX_PER_SESSION opens and is closed with 1013 and the reason', async () => {
    const { f, ws } = await setup({ config: { wsMaxPerSession: 2 } });
    const a = opened(await ws('/api/v1/events', f.adminCookie));
    const b = opened(await ws('/api/v1/metrics', f.adminCookie));
    const c = opened(await ws('/api/v1/events', f.adminCookie));
    expect(await c.closed).toEqual({
      code: 1013,
      reason: 'too many websocket connections for this session (2)',
    });
    // Another session still gets its own.
    const other = opened(await ws('/api/v1/events', await login(f, 'admin', ADMIN_PASSWORD)));
    expect(isOpen(other)).toBe(true);
    // Closing one frees a place.
    a.ws.close();
    await a.closed;
    await expect.poll(() => f.context.connections.countFor(sessionHashOf(f.adminCookie))).toBe(1);
    const d = opened(await ws('/api/v1/events', f.adminCookie));
    await new Promise((r) => setTimeout(r, 50));
    expect(isOpen(d)).toBe(true);
    const refusedAudit = f.logs.find((l) => l.audit && l.result === 'TOO_MANY_CONNECTIONS');
    expect(refusedAudit).toMatchObject({ action: 'ws.open', target: '/api/v1/events' });
    for (const s of [b, other, d]) s.ws.close();
  });

  it('in total: the one over XENDECK_WS_MAX_TOTAL is closed with 1013, whatever the session', async () => {
    const { f, ws } = await setup({ config: { wsMaxTotal: 2 } });
    const second = await login(f, 'admin', ADMIN_PASSWORD);
    const a = opened(await ws('/api/v1/events', f.adminCookie));
    const b = opened(await ws('/api/v1/events', second));
    const c = opened(await ws('/api/v1/metrics', await login(f, 'admin', ADMIN_PASSWORD)));
    expect(await c.closed).toEqual({
      code: 1013,
      reason: 'too many websocket connections on this server (2)',
    });
    expect(f.context.connections.size).toBe(2);
    a.ws.close();
    b.ws.close();
  });

  it('counts upgrades still being authorized, so concurrent ones cannot overshoot the cap', async () => {
    f = await makeFixture({ config: { wsMaxPerSession: 1 } });
    const slow: AnyWsRoute = {
      path: '/api/v1/test/slow',
      access: 'admin',
      summary: 'slow authorize',
      authorize: () => new Promise((r) => setTimeout(r, 100)),
      onConnection: () => {},
    };
    const router = new WsRouter({ ctx: f.context, tickets: f.consoles.tickets, routes: [slow] });
    const server: Server = createServer();
    server.on('upgrade', router.handleUpgrade);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/test/slow`;
    try {
      const both = await Promise.all([
        openWs(url, { Cookie: f.adminCookie }),
        openWs(url, { Cookie: f.adminCookie }),
      ]);
      const closes = await Promise.race([
        Promise.all(both.map((r) => opened(r).closed)),
        new Promise<'one stayed open'>((r) => setTimeout(() => r('one stayed open'), 300)),
      ]);
      expect(closes).toBe('one stayed open');
      const codes = both.map((r) => opened(r).ws.readyState);
      expect(codes.sort()).toEqual([1, 3]);
    } finally {
      await router.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('configuration', () => {
  it('reads the websocket caps and console settings from the environment, with defaults', () => {
    const dom0 = { xenPresent: () => true };
    expect(loadConfig({}, dom0)).toMatchObject({
      wsMaxPerSession: 32,
      wsMaxTotal: 512,
      consoleLogDir: '/var/log/xen/console',
      consoleGraceMs: 10_000,
    });
    expect(
      loadConfig(
        {
          XENDECK_WS_MAX_PER_SESSION: '4',
          XENDECK_WS_MAX_TOTAL: '40',
          XENDECK_CONSOLE_LOG_DIR: '/srv/log/console/',
          XENDECK_CONSOLE_GRACE_MS: '0',
        },
        dom0,
      ),
    ).toMatchObject({
      wsMaxPerSession: 4,
      wsMaxTotal: 40,
      consoleLogDir: '/srv/log/console',
      consoleGraceMs: 0,
    });
    expect(() => loadConfig({ XENDECK_WS_MAX_PER_SESSION: '0' }, dom0)).toThrow(
      /XENDECK_WS_MAX_PER_SESSION/,
    );
    expect(() => loadConfig({ XENDECK_CONSOLE_LOG_DIR: 'relative/dir' }, dom0)).toThrow(
      /XENDECK_CONSOLE_LOG_DIR="relative\/dir": must be an absolute path/,
    );
  });
});

/** The session hash of a `Cookie` header value `xendeck_session=<token>`. */
function sessionHashOf(cookie: string): string {
  const token = decodeURIComponent(cookie.split('=')[1] ?? '');
  return hashToken(token);
}
