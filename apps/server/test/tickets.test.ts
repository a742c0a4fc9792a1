/**
 * One-time console tickets: `POST /api/v1/domains/:name/console/tickets`, and their redemption by
 * the websocket router (`?ticket=` instead of the cookie): single use, 30 s, bound to user,
 * session, domain and kind, one message for every refusal, Origin still checked.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ConsoleKind, consoleKindSchema, consoleTicketSchema } from '@xendeck/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
  ConsoleTickets,
  MAX_TICKETS_PER_SESSION,
  TICKET_INVALID_MESSAGE,
  TICKET_TTL_MS,
} from '../src/consoles/tickets.js';
import type { AnyWsRoute, WsConnectionInfo } from '../src/ws/router.js';
import { WsRouter } from '../src/ws/router.js';
import { type Fixture, login, makeFixture, opened, openWs, refused } from './helpers.js';

let f: Fixture;
let server: Server;
let router: WsRouter;
let port: number;
let connected: WsConnectionInfo<unknown>[];

/** A console-like route: `?type=` picks the kind, as the text console does. */
const consoleRoute: AnyWsRoute = {
  path: '/api/v1/domains/:name/console/test',
  access: 'admin',
  summary: 'test console',
  ticketKind: (_params: Record<string, string>, query: URLSearchParams) =>
    consoleKindSchema.parse(query.get('type') ?? 'vnc'),
  onConnection: (ws: WebSocket, _req: IncomingMessage, info: WsConnectionInfo<unknown>) => {
    connected.push(info);
    ws.send('welcome');
  },
};

beforeEach(async () => {
  f = await makeFixture();
  connected = [];
  router = new WsRouter({ ctx: f.context, tickets: f.consoles.tickets, routes: [consoleRoute] });
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

async function issue(name: string, kind: ConsoleKind, agent = f.admin) {
  const res = await agent
    .post(`/api/v1/domains/${name}/console/tickets`)
    .set('Content-Type', 'application/json')
    .send({ kind });
  expect(res.status, res.text).toBe(201);
  return consoleTicketSchema.parse(res.body);
}

/** The store's private map (by ticket hash), to see what it keeps. */
const heldBy = (store: ConsoleTickets) =>
  (store as unknown as { byHash: Map<string, unknown> }).byHash;

const ticketUrl = (name: string, ticket: string, type = 'vnc') =>
  `ws://127.0.0.1:${port}/api/v1/domains/${name}/console/test?type=${type}&ticket=${encodeURIComponent(ticket)}`;

describe('POST /api/v1/domains/:name/console/tickets', () => {
  it('answers 201 with 32 random bytes (base64url), expiry 30 s ahead by the clock, domain and kind', async () => {
    const a = await issue('web-01', 'vnc');
    const b = await issue('web-01', 'vnc');
    expect(a.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.ticket, 'base64url')).toHaveLength(32);
    expect(a.ticket).not.toBe(b.ticket);
    expect(Date.parse(a.expiresAt)).toBe(f.clock.now + TICKET_TTL_MS);
    expect(a).toMatchObject({ domain: 'web-01', kind: 'vnc' });
    const audit = f.logs.find((l) => l.audit && l.action === 'console.ticket');
    expect(audit).toMatchObject({
      user: 'admin',
      target: 'domain:web-01',
      kind: 'vnc',
      result: 'ok',
    });
    expect(JSON.stringify(f.logs)).not.toContain(a.ticket);
  });

  it('keeps only a SHA-256 of each ticket in memory', async () => {
    const t = await issue('db-01', 'pv');
    const stored = JSON.stringify([...heldBy(f.consoles.tickets).entries()]);
    expect(stored).not.toContain(t.ticket);
    expect(f.consoles.tickets.size).toBe(1);
  });

  it('404 DOMAIN_NOT_FOUND for a domain that does not exist, 422 for a bad name or kind, 401 without a session', async () => {
    const missing = await f.admin
      .post('/api/v1/domains/nope/console/tickets')
      .set('Content-Type', 'application/json')
      .send({ kind: 'vnc' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('DOMAIN_NOT_FOUND');
    const badName = await f.admin
      .post('/api/v1/domains/.bad/console/tickets')
      .set('Content-Type', 'application/json')
      .send({ kind: 'vnc' });
    expect(badName.status).toBe(422);
    const badKind = await f.admin
      .post('/api/v1/domains/web-01/console/tickets')
      .set('Content-Type', 'application/json')
      .send({ kind: 'rdp' });
    expect(badKind.status).toBe(422);
    const anon = await request(f.app)
      .post('/api/v1/domains/web-01/console/tickets')
      .set('Content-Type', 'application/json')
      .send({ kind: 'vnc' });
    expect(anon.status).toBe(401);
    expect(f.consoles.tickets.size).toBe(0);
  });

  it(`refuses a ${MAX_TICKETS_PER_SESSION + 1}th unused ticket of one session with 429`, async () => {
    for (let i = 0; i < MAX_TICKETS_PER_SESSION; i++) {
      f.consoles.tickets.issue(
        { user: { id: 1, username: 'admin', role: 'admin' }, sessionHash: 'a'.repeat(64) },
        'web-01',
        'vnc',
      );
    }
    expect(() =>
      f.consoles.tickets.issue(
        { user: { id: 1, username: 'admin', role: 'admin' }, sessionHash: 'a'.repeat(64) },
        'web-01',
        'vnc',
      ),
    ).toThrow(/unused console tickets/);
    // Another session is not affected, and expiry frees the place.
    await issue('web-01', 'vnc');
    f.clock.now += TICKET_TTL_MS;
    expect(f.consoles.tickets.size).toBe(0);
  });
});

describe('redeeming a ticket on a console websocket', () => {
  it('opens the console without a cookie, as the user who asked, with the ticket not logged', async () => {
    const t = await issue('web-01', 'vnc');
    const c = opened(await openWs(ticketUrl('web-01', t.ticket)));
    await expect.poll(() => c.messages).toEqual(['welcome']);
    expect(connected[0]?.user).toMatchObject({ username: 'admin' });
    expect(connected[0]?.params).toEqual({ name: 'web-01' });
    const open = f.logs.find((l) => l.audit && l.action === 'ws.open' && l.result === 'ok');
    expect(open).toMatchObject({ auth: 'ticket', kind: 'vnc', params: { name: 'web-01' } });
    expect(JSON.stringify(f.logs)).not.toContain(t.ticket);
    c.ws.close();
  });

  it('is single use: the second upgrade with the same ticket is 401 TICKET_INVALID', async () => {
    const t = await issue('web-01', 'serial');
    opened(await openWs(ticketUrl('web-01', t.ticket, 'serial'))).ws.close();
    const again = await refused(await openWs(ticketUrl('web-01', t.ticket, 'serial')));
    expect(again).toEqual({ status: 401, body: `${TICKET_INVALID_MESSAGE}\n` });
  });

  it('refuses another domain, another kind, an expired, a malformed ticket — all with the same answer', async () => {
    const answers: { status: number; body: string }[] = [];
    const forWeb = await issue('web-01', 'vnc');
    answers.push(await refused(await openWs(ticketUrl('db-01', forWeb.ticket))));
    // Presenting it consumed it, even for the wrong domain.
    answers.push(await refused(await openWs(ticketUrl('web-01', forWeb.ticket))));
    const vnc = await issue('web-01', 'vnc');
    answers.push(await refused(await openWs(ticketUrl('web-01', vnc.ticket, 'pv'))));
    const late = await issue('web-01', 'vnc');
    f.clock.now += TICKET_TTL_MS;
    answers.push(await refused(await openWs(ticketUrl('web-01', late.ticket))));
    answers.push(await refused(await openWs(ticketUrl('web-01', 'x'.repeat(43)))));
    answers.push(await refused(await openWs(ticketUrl('web-01', 'short'))));
    expect(answers).toHaveLength(6);
    for (const a of answers)
      expect(a).toEqual({ status: 401, body: `${TICKET_INVALID_MESSAGE}\n` });
    expect(connected).toHaveLength(0);
    const results = f.logs
      .filter((l) => l.audit && l.action === 'ws.open')
      .map((l) => [l.result, l.auth]);
    expect(results).toEqual(Array(6).fill(['TICKET_INVALID', 'ticket']));
  });

  it('a kind the route cannot read (?type=bogus): 422 for a ticket request, after the Origin check; 401 without any', async () => {
    const t = await issue('web-01', 'vnc');
    const foreign = await refused(
      await openWs(ticketUrl('web-01', t.ticket, 'bogus'), { Origin: 'https://evil.example' }),
    );
    expect(foreign.status).toBe(403);
    expect((await refused(await openWs(ticketUrl('web-01', t.ticket, 'bogus')))).status).toBe(422);
    const anon = await refused(
      await openWs(`ws://127.0.0.1:${port}/api/v1/domains/web-01/console/test?type=bogus`),
    );
    expect(anon.status).toBe(401);
  });

  it('is valid until just before 30 s', async () => {
    const t = await issue('web-01', 'vnc');
    f.clock.now += TICKET_TTL_MS - 1;
    opened(await openWs(ticketUrl('web-01', t.ticket))).ws.close();
  });

  it('still needs a matching Origin (refused 403 without consuming the ticket)', async () => {
    const t = await issue('web-01', 'vnc');
    const foreign = await refused(
      await openWs(ticketUrl('web-01', t.ticket), { Origin: 'https://evil.example' }),
    );
    expect(foreign.status).toBe(403);
    opened(
      await openWs(ticketUrl('web-01', t.ticket), { Origin: `http://127.0.0.1:${port}` }),
    ).ws.close();
  });

  it('dies with its session: refused after logout, and a console opened with it closes at logout', async () => {
    const cookie = await login(f, 'admin', 'correct horse battery staple');
    const agent = request.agent(f.app);
    agent.set('Cookie', cookie);
    const before = await issue('web-01', 'vnc', agent);
    const after = await issue('web-01', 'vnc', agent);
    const c = opened(await openWs(ticketUrl('web-01', before.ticket)));
    // The fixture's own session is unaffected by the other session's logout.
    const other = opened(await openWs(ticketUrl('web-01', (await issue('web-01', 'vnc')).ticket)));
    const out = await agent.delete('/api/v1/session').set('Content-Type', 'application/json');
    expect(out.status).toBe(204);
    expect(await c.closed).toEqual({ code: 1008, reason: 'logged out' });
    const r = await refused(await openWs(ticketUrl('web-01', after.ticket)));
    expect(r.status).toBe(401);
    expect(other.ws.readyState).toBe(other.ws.OPEN);
    other.ws.close();
  });

  it('is ignored on routes without a ticket kind (the cookie is needed there)', async () => {
    const t = await issue('web-01', 'vnc');
    const base = await f.listen();
    const events = await refused(
      await openWs(`ws://127.0.0.1:${base.port}/api/v1/events?ticket=${t.ticket}`),
    );
    expect(events.status).toBe(401);
  });
});

describe('ConsoleTickets (store)', () => {
  it('purges expired tickets on issue and redeem', () => {
    let now = 1_000_000;
    const sessions = {
      check: () => ({ id: 1, username: 'admin', role: 'admin' as const }),
    } as unknown as ConstructorParameters<typeof ConsoleTickets>[0];
    const store = new ConsoleTickets(sessions, () => now);
    const who = { user: { id: 1, username: 'admin', role: 'admin' as const }, sessionHash: 'h' };
    const a = store.issue(who, 'web-01', 'vnc');
    store.issue(who, 'web-01', 'pv');
    now += TICKET_TTL_MS;
    const c = store.issue(who, 'web-01', 'serial');
    expect(heldBy(store).size).toBe(1);
    expect(() => store.redeem(a.ticket, 'web-01', 'vnc')).toThrow(TICKET_INVALID_MESSAGE);
    expect(store.redeem(c.ticket, 'web-01', 'serial')).toEqual(
      expect.objectContaining({ sessionHash: 'h', user: expect.objectContaining({ id: 1 }) }),
    );
    expect(heldBy(store).size).toBe(0);
  });
});

describe('tickets on the app’s console routes', () => {
  it('text console: a pv ticket opens ?type=pv; it does not open ?type=serial nor the VNC console', async () => {
    const base = await f.listen();
    const ws = (path: string) => openWs(`ws://127.0.0.1:${base.port}${path}`);
    const pv = await issue('web-01', 'pv');
    const c = opened(await ws(`/api/v1/domains/web-01/console/text?type=pv&ticket=${pv.ticket}`));
    await expect.poll(() => c.messages.length).toBeGreaterThan(0);
    c.ws.close();
    const forSerial = await issue('web-01', 'pv');
    const serial = await refused(
      await ws(`/api/v1/domains/web-01/console/text?type=serial&ticket=${forSerial.ticket}`),
    );
    expect(serial.status).toBe(401);
    const forVnc = await issue('db-01', 'pv');
    const vnc = await refused(
      await ws(`/api/v1/domains/db-01/console/vnc?ticket=${forVnc.ticket}`),
    );
    expect(vnc.status).toBe(401);
    expect(vnc.body).toBe(`${TICKET_INVALID_MESSAGE}\n`);
  });

  it('a console opened with a ticket closes at its session’s logout', async () => {
    const base = await f.listen();
    const cookie = await login(f, 'admin', 'correct horse battery staple');
    const agent = request.agent(f.app);
    agent.set('Cookie', cookie);
    const t = await issue('web-01', 'pv', agent);
    const c = opened(
      await openWs(
        `ws://127.0.0.1:${base.port}/api/v1/domains/web-01/console/text?type=pv&ticket=${t.ticket}`,
      ),
    );
    await agent.delete('/api/v1/session').set('Content-Type', 'application/json').expect(204);
    expect(await c.closed).toEqual({ code: 1008, reason: 'logged out' });
  });
});
