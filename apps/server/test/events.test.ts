import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type EventMessage, eventMessageSchema } from '@xendeck/api';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventHub } from '../src/ws/events.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
let base: { url: string; port: number };
beforeEach(async () => {
  f = await makeFixture({ config: { reconcileMs: 200 } });
  base = await f.listen();
});
afterEach(async () => {
  await f.cleanup();
});

/** Opens a websocket; resolves with the HTTP status of a refused handshake, or the open socket. */
function connect(
  path: string,
  headers: Record<string, string>,
  options: { autoPong?: boolean } = {},
): Promise<
  | {
      ws: WebSocket;
      messages: EventMessage[];
      next: (pred?: (m: EventMessage) => boolean, ms?: number) => Promise<EventMessage>;
    }
  | { status: number; body: string }
> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${base.port}${path}`, { headers, ...options });
    const messages: EventMessage[] = [];
    const waiters: { pred: (m: EventMessage) => boolean; resolve: (m: EventMessage) => void }[] =
      [];
    let seen = 0;
    ws.on('message', (data) => {
      const m = eventMessageSchema.parse(JSON.parse(String(data)));
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (err) => {
      if (!ws.listenerCount('unexpected-response')) reject(err);
    });
    ws.on('open', () => {
      resolve({
        ws,
        messages,
        next: (pred = () => true, ms = 1000) =>
          new Promise((res, rej) => {
            const already = messages.slice(seen).find(pred);
            if (already) {
              seen = messages.indexOf(already) + 1;
              res(already);
              return;
            }
            const timer = setTimeout(
              () =>
                rej(
                  new Error(
                    `no matching event within ${ms} ms; got ${JSON.stringify(messages.slice(seen))}`,
                  ),
                ),
              ms,
            );
            waiters.push({
              pred,
              resolve: (m) => {
                clearTimeout(timer);
                seen = messages.indexOf(m) + 1;
                res(m);
              },
            });
          }),
      });
    });
  });
}

async function open(options: { autoPong?: boolean } = {}) {
  const r = await connect('/api/v1/events', { Cookie: f.adminCookie, Origin: base.url }, options);
  if ('status' in r) throw new Error(`handshake refused: ${r.status} ${r.body}`);
  return r;
}

describe('WS /api/v1/events', () => {
  it('refuses a handshake without a session cookie with 401, before upgrading', async () => {
    const r = await connect('/api/v1/events', { Origin: base.url });
    expect(r).toMatchObject({ status: 401 });
    expect(f.events.size).toBe(0);
    expect(f.logs).toContainEqual(
      expect.objectContaining({ audit: true, action: 'ws.open', result: 'UNAUTHENTICATED' }),
    );
  });

  it('refuses a foreign Origin with 403 even with a valid cookie', async () => {
    const r = await connect('/api/v1/events', {
      Cookie: f.adminCookie,
      Origin: 'http://evil.example',
    });
    expect(r).toMatchObject({ status: 403 });
    expect(f.events.size).toBe(0);
  });

  it('answers 404 to an upgrade on a path no websocket route handles', async () => {
    const r = await connect('/api/v1/nope', { Cookie: f.adminCookie, Origin: base.url });
    expect(r).toMatchObject({ status: 404 });
  });

  it('accepts a same-origin handshake and sends a snapshot of every domain first', async () => {
    const c = await open();
    const first = await c.next();
    expect(first.type).toBe('snapshot');
    if (first.type !== 'snapshot') return;
    expect(first.domains.map((d) => d.name)).toEqual(['Domain-0', 'web-01', 'db-01', 'build-pv']);
    expect(c.messages[0]).toBe(first);
    c.ws.close();
  });

  it('sends domain.removed within 1 s of a destroy made outside Xendeck', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    const t0 = Date.now();
    f.sim.external.destroy('db-01');
    const m = await c.next((x) => x.type === 'domain.removed', 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(m).toEqual({ type: 'domain.removed', domid: 2, name: 'db-01' });
    c.ws.close();
  });

  it('sends domain.added for a domain created outside, and for one started through the API', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    f.sim.external.create({ name: 'outside-1', type: 'hvm', memoryMiB: 256 });
    const added = await c.next((m) => m.type === 'domain.added');
    expect(added).toMatchObject({
      type: 'domain.added',
      domain: { name: 'outside-1', type: 'hvm', memoryKiB: 256 * 1024 },
    });
    writeFileSync(join(f.config.configDir, 'api-1.cfg'), 'name = "api-1"\nmemory = 128\n');
    await f.admin
      .post('/api/v1/domains/api-1/start')
      .set('Content-Type', 'application/json')
      .expect(201);
    const started = await c.next((m) => m.type === 'domain.added');
    expect(started).toMatchObject({ domain: { name: 'api-1', memoryKiB: 128 * 1024 } });
    c.ws.close();
  });

  it('sends domain.changed after a pause made in a shell, found by the reconcile timer', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    f.sim.external.pause('web-01');
    const m = await c.next((x) => x.type === 'domain.changed', 1500);
    expect(m).toMatchObject({
      type: 'domain.changed',
      previousState: 'blocked',
      domain: { name: 'web-01', state: 'paused' },
    });
    c.ws.close();
  });

  it("pushes the server's own operations at once", async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    await f.admin
      .post('/api/v1/domains/db-01/pause')
      .set('Content-Type', 'application/json')
      .expect(204);
    const m = await c.next((x) => x.type === 'domain.changed', 150);
    expect(m).toMatchObject({
      domain: { name: 'db-01', state: 'paused' },
      previousState: 'running',
    });
    c.ws.close();
  });

  it('broadcasts to every client, and a logout does not leak events to a closed socket', async () => {
    const a = await open();
    const b = await open();
    await a.next((m) => m.type === 'snapshot');
    await b.next((m) => m.type === 'snapshot');
    expect(f.events.size).toBe(2);
    f.sim.external.destroy('web-01');
    await a.next((m) => m.type === 'domain.removed');
    await b.next((m) => m.type === 'domain.removed');
    a.ws.close();
    await expect.poll(() => f.events.size).toBe(1);
    b.ws.close();
    await expect.poll(() => f.events.size).toBe(0);
  });
});

describe('keepalive and slow clients', () => {
  it('drops a client that stops answering pings', async () => {
    await f.cleanup();
    f = await makeFixture({ pingMs: 100 });
    base = await f.listen();
    // A client that never answers pings.
    const c = await open({ autoPong: false });
    await c.next((m) => m.type === 'snapshot');
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    expect(await closed).toBe(1006);
    expect(f.events.size).toBe(0);
  });

  it('drops a client whose send buffer grows beyond the cap', async () => {
    // A stand-in socket whose send buffer we control: the kernel would absorb small test
    // messages on loopback, so a real socket would not back up reliably.
    const fake = Object.assign(new EventEmitter(), {
      readyState: WebSocket.OPEN as number,
      bufferedAmount: 0,
      sent: [] as string[],
      terminated: false,
      send(data: string) {
        this.sent.push(data);
      },
      ping() {},
      close() {},
      terminate() {
        this.terminated = true;
        this.readyState = WebSocket.CLOSED;
      },
    });
    const hub = new EventHub(f.sim, pino({ level: 'silent' }), {
      reconcileMs: 60_000,
      maxBufferedBytes: 4096,
    });
    hub.route(f.context.grants).onConnection(fake as unknown as WebSocket, {} as IncomingMessage, {
      user: { id: 1, username: 'admin', role: 'admin' },
      params: {},
      query: new URLSearchParams(),
      prepared: undefined,
      remoteAddr: undefined,
    });
    await expect.poll(() => fake.sent.length).toBe(1);
    expect(JSON.parse(fake.sent[0] ?? '{}').type).toBe('snapshot');
    f.sim.external.create({ name: 'one' });
    await expect.poll(() => fake.sent.length).toBe(2);
    fake.bufferedAmount = 4097;
    f.sim.external.create({ name: 'two' });
    await expect.poll(() => fake.terminated).toBe(true);
    expect(fake.sent.length).toBe(2);
    expect(hub.size).toBe(0);
    await hub.close();
  });
});
