/**
 * The websocket router (src/ws/router.ts): path parameters, the order of the checks before the
 * upgrade (path, Origin, session, role, caps, authorize), refusals as plain status lines, per-route
 * payload limits, audit lines. Runs a router of test routes on its own HTTP server, with the app's
 * context (sessions, audit, connection registry) from the usual fixture.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HypervisorError } from '@xendeck/hypervisor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ApiError } from '../src/errors.js';
import { type AnyWsRoute, type WsConnectionInfo, WsRouter } from '../src/ws/router.js';
import { type Fixture, login, makeFixture, opened, openWs, refused } from './helpers.js';

let f: Fixture;
let server: Server;
let router: WsRouter;
let port: number;
/** What the test routes saw. */
let seen: {
  authorized: Omit<WsConnectionInfo<never>, 'prepared'>[];
  connected: WsConnectionInfo<unknown>[];
};

/** An echo route with a parameter; `authorize` answers by the name. */
const paramRoute: AnyWsRoute = {
  path: '/api/v1/test/:name/echo',
  access: 'admin',
  summary: 'test: echo with a parameter',
  maxPayloadBytes: 1024,
  ticketKind: () => 'vnc',
  authorize: async (_req: IncomingMessage, info: Omit<WsConnectionInfo<never>, 'prepared'>) => {
    seen.authorized.push(info);
    await new Promise((r) => setTimeout(r, info.params.name === 'slow' ? 300 : 5));
    if (info.params.name === 'missing') {
      throw new ApiError('DOMAIN_NOT_FOUND', 'No domain named "missing"');
    }
    if (info.params.name === 'novnc') {
      throw new HypervisorError('CONSOLE_UNAVAILABLE', 'Domain novnc has no VNC console');
    }
    if (info.params.name === 'boom') throw new Error('a bug');
    return { prepared: `for ${info.params.name}` };
  },
  onConnection: (ws: WebSocket, _req: IncomingMessage, info: WsConnectionInfo<unknown>) => {
    seen.connected.push(info);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  },
};

/** A route without authorize and the default payload limit. */
const plainRoute: AnyWsRoute = {
  path: '/api/v1/test/plain',
  access: 'admin',
  summary: 'test: echo',
  onConnection: (ws: WebSocket, _req: IncomingMessage, info: WsConnectionInfo<unknown>) => {
    seen.connected.push(info);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  },
};

beforeEach(async () => {
  f = await makeFixture();
  seen = { authorized: [], connected: [] };
  router = new WsRouter({
    ctx: f.context,
    tickets: f.consoles.tickets,
    routes: [paramRoute, plainRoute],
  });
  server = createServer((_req, res) => res.end());
  server.on('upgrade', router.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await router.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await f.cleanup();
});

const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
const audits = (action: string) =>
  f.logs.filter((l) => l.audit === true && l.action === action) as Record<string, unknown>[];

describe('websocket router', () => {
  it('decodes path parameters, passes the query, and hands authorize’s result to onConnection', async () => {
    const c = opened(
      await openWs(url('/api/v1/test/caf%C3%A9%20web/echo?type=serial&x=1'), {
        Cookie: f.adminCookie,
      }),
    );
    expect(seen.authorized).toHaveLength(1);
    expect(seen.connected).toHaveLength(1);
    const info = seen.connected[0];
    expect(info?.params).toEqual({ name: 'café web' });
    expect(info?.query.get('type')).toBe('serial');
    expect(info?.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(info?.prepared).toEqual({ prepared: 'for café web' });
    expect(info?.remoteAddr).toBe('127.0.0.1');
    c.ws.send('hello');
    await expect.poll(() => c.messages).toEqual(['hello']);
    c.ws.close();
    await c.closed;
  });

  it('answers 404 for a path no route matches and 400 for a malformed %-escape, before authenticating', async () => {
    const none = await refused(await openWs(url('/api/v1/nothing-here')));
    expect(none.status).toBe(404);
    expect(none.body).toMatch(/No websocket endpoint at \/api\/v1\/nothing-here/);
    const bad = await refused(await openWs(url('/api/v1/test/%E0%A4%A/echo')));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/%-escape/);
    expect(seen.authorized).toHaveLength(0);
    expect(f.logs.some((l) => l.level === 50)).toBe(false);
  });

  it('refuses a foreign Origin with 403 and a missing or unknown session with 401, before authorize', async () => {
    const foreign = await refused(
      await openWs(url('/api/v1/test/web/echo'), {
        Cookie: f.adminCookie,
        Origin: 'http://evil.example',
      }),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatch(/Origin http:\/\/evil.example does not match/);
    expect((await refused(await openWs(url('/api/v1/test/web/echo')))).status).toBe(401);
    const wrongCookie = await refused(
      await openWs(url('/api/v1/test/web/echo'), { Cookie: 'xendeck_session=nope' }),
    );
    expect(wrongCookie.status).toBe(401);
    expect(seen.authorized).toHaveLength(0);
    // A same-origin browser request passes.
    const ok = opened(
      await openWs(url('/api/v1/test/web/echo'), {
        Cookie: f.adminCookie,
        Origin: `http://127.0.0.1:${port}`,
      }),
    );
    ok.ws.close();
    const refusedOpen = audits('ws.open').filter((a) => a.result !== 'ok');
    expect(refusedOpen.map((a) => a.result)).toEqual([
      'FORBIDDEN',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
  });

  it('refuses another role with 403', async () => {
    await f.context.users.create('cust', 'customer password 1', 'customer');
    const cookie = await login(f, 'cust', 'customer password 1');
    const r = await refused(await openWs(url('/api/v1/test/web/echo'), { Cookie: cookie }));
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/needs the admin role; you are customer/);
    expect(seen.authorized).toHaveLength(0);
  });

  it('answers what authorize throws with its status as a plain status line, and never upgrades', async () => {
    const missing = await refused(
      await openWs(url('/api/v1/test/missing/echo'), { Cookie: f.adminCookie }),
    );
    expect(missing).toEqual({ status: 404, body: 'No domain named "missing"\n' });
    const novnc = await refused(
      await openWs(url('/api/v1/test/novnc/echo'), { Cookie: f.adminCookie }),
    );
    expect(novnc.status).toBe(409);
    expect(novnc.body).toMatch(/no VNC console/);
    const boom = await refused(
      await openWs(url('/api/v1/test/boom/echo'), { Cookie: f.adminCookie }),
    );
    expect(boom).toEqual({ status: 500, body: 'Internal server error\n' });
    expect(seen.connected).toHaveLength(0);
    expect(router.clients).toHaveLength(0);
    // Refused upgrades give their reserved place back.
    expect(f.context.connections.size).toBe(0);
    expect(audits('ws.open').map((a) => a.result)).toEqual([
      'DOMAIN_NOT_FOUND',
      'CONSOLE_UNAVAILABLE',
      'INTERNAL',
    ]);
  });

  it('applies each route’s maxPayloadBytes (1009 above it) and 64 KiB by default', async () => {
    const small = opened(await openWs(url('/api/v1/test/web/echo'), { Cookie: f.adminCookie }));
    small.ws.send(Buffer.alloc(1024, 1));
    await expect.poll(() => small.messages.length).toBe(1);
    small.ws.send(Buffer.alloc(1025, 1));
    expect((await small.closed).code).toBe(1009);

    const plain = opened(await openWs(url('/api/v1/test/plain'), { Cookie: f.adminCookie }));
    plain.ws.send(Buffer.alloc(64 * 1024, 2));
    await expect.poll(() => plain.messages.length).toBe(1);
    expect((plain.messages[0] as Buffer).length).toBe(64 * 1024);
    plain.ws.send(Buffer.alloc(64 * 1024 + 1, 2));
    expect((await plain.closed).code).toBe(1009);
  });

  it('offers no per-message compression', async () => {
    const c = opened(await openWs(url('/api/v1/test/plain'), { Cookie: f.adminCookie }));
    expect(c.ws.extensions).toBe('');
    c.ws.close();
  });

  it('audits ws.open and ws.close with the path, its parameters and the console kind', async () => {
    const c = opened(await openWs(url('/api/v1/test/web1/echo'), { Cookie: f.adminCookie }));
    c.ws.close(1000, 'bye');
    await c.closed;
    await expect.poll(() => audits('ws.close').length).toBe(1);
    expect(audits('ws.open')[0]).toMatchObject({
      user: 'admin',
      remoteAddr: '127.0.0.1',
      target: '/api/v1/test/web1/echo',
      params: { name: 'web1' },
      kind: 'vnc',
      auth: 'cookie',
      result: 'ok',
    });
    expect(audits('ws.close')[0]).toMatchObject({
      user: 'admin',
      target: '/api/v1/test/web1/echo',
      params: { name: 'web1' },
      closeCode: 1000,
      closeReason: 'bye',
    });
  });

  it('gives up quietly when the client leaves while authorize runs (nothing opened, place released)', async () => {
    const { connect } = await import('node:net');
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(
      'GET /api/v1/test/slow/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
        'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: ${f.adminCookie}\r\n\r\n`,
    );
    await expect.poll(() => seen.authorized.length).toBe(1);
    sock.destroy();
    await new Promise((r) => setTimeout(r, 400));
    expect(seen.connected).toHaveLength(0);
    expect(f.context.connections.size).toBe(0);
  });

  it('keeps the bytes a client sent while authorize ran (they reach the route after the 101)', async () => {
    const { connect } = await import('node:net');
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let answer = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => {
      answer = Buffer.concat([answer, c]);
    });
    sock.write(
      'GET /api/v1/test/slow/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
        'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: ${f.adminCookie}\r\n\r\n`,
    );
    await expect.poll(() => seen.authorized.length).toBe(1);
    // A masked text frame "hi", sent before the server answered the handshake.
    const mask = Buffer.from([1, 2, 3, 4]);
    const payload = Buffer.from('hi').map((b, i) => b ^ (mask[i % 4] ?? 0));
    sock.write(Buffer.concat([Buffer.from([0x81, 0x82]), mask, payload]));
    await expect
      .poll(() => answer.includes(Buffer.from([0x81, 0x02, 0x68, 0x69])), { timeout: 2000 })
      .toBe(true);
    expect(answer.toString('latin1')).toMatch(/^HTTP\/1.1 101 /);
    sock.destroy();
  });
});

describe('malformed handshakes', () => {
  it('ws answers 400 to a handshake without Sec-WebSocket-Key, and the reserved place is given back', async () => {
    const { connect } = await import('node:net');
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let answer = '';
    sock.on('data', (c: Buffer) => {
      answer += c.toString('latin1');
    });
    const ended = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write(
      'GET /api/v1/test/plain HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n' +
        `Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nCookie: ${f.adminCookie}\r\n\r\n`,
    );
    await ended;
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    await expect.poll(() => f.context.connections.size).toBe(0);
    expect(seen.connected).toHaveLength(0);
  });
});

describe('the app’s own websocket routes', () => {
  it('builds their paths from API_PREFIX and lists them', () => {
    expect(f.wsRoutes.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/events',
        '/api/v1/metrics',
        '/api/v1/domains/:name/console/vnc',
        '/api/v1/domains/:name/console/text',
      ]),
    );
  });

  it('every one refuses a foreign Origin (403) and a missing session (401) before the upgrade', async () => {
    const base = await f.listen();
    for (const route of f.wsRoutes) {
      const path = route.path.replace(':name', 'db-01');
      const u = `ws://127.0.0.1:${base.port}${path}`;
      const anon = await refused(await openWs(u));
      expect(anon.status, path).toBe(401);
      const foreign = await refused(
        await openWs(u, { Cookie: f.adminCookie, Origin: 'http://evil.example' }),
      );
      expect(foreign.status, path).toBe(403);
    }
    expect(f.context.connections.size).toBe(0);
  });
});
