/**
 * `WS /api/v1/domains/:name/console/vnc` (consoles/vnc-proxy.ts) end to end: the real app on the
 * simulated host, whose HVM domains are served by the synthetic RFB server, and a websocket client
 * speaking RFB through the proxy as noVNC does.
 */
import { connect } from 'node:net';
import { ByteReader, RfbServer } from '@xendeck/hypervisor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type VncConsoleRoute, vncConnectHost } from '../src/consoles/vnc-proxy.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
let base: { url: string; port: number };

beforeAll(async () => {
  f = await makeFixture({
    sim: {
      initialDomains: [
        { name: 'Domain-0' },
        { name: 'vnc-open', type: 'hvm' },
        { name: 'vnc-locked', type: 'hvm', vncPassword: 'hunter2' },
        { name: 'vnc-off', type: 'hvm', vnc: false },
        { name: 'vnc-any', type: 'hvm', vncListen: '0.0.0.0' },
        { name: 'vnc-routed', type: 'hvm', vncListen: '10.0.0.5' },
        { name: 'pv-guest', type: 'pv' },
      ],
    },
  });
  base = await f.listen();
});
afterAll(async () => {
  await f.cleanup();
});

const domid = async (name: string) => {
  const id = await f.sim.domidByName(name);
  if (id === undefined) throw new Error(`no domain ${name}`);
  return id;
};

/** The synthetic RFB server behind a domain (started if it was not). */
async function rfbOf(name: string): Promise<RfbServer> {
  const id = await domid(name);
  await f.sim.vncEndpoint(id);
  const s = f.sim.syntheticVnc(id);
  if (!s) throw new Error(`no synthetic VNC server for ${name}`);
  return s;
}

const vncRoute = () =>
  f.wsRoutes.find((r) => r.path.endsWith('/console/vnc')) as unknown as VncConsoleRoute;

interface RfbClient {
  ws: WebSocket;
  r: ByteReader;
  width: number;
  height: number;
  name: string;
  /** Security types the proxy offered. */
  offered: number[];
  closed: Promise<{ code: number; reason: string }>;
  send: (bytes: number[] | Buffer) => void;
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];

/** Opens the websocket; resolves once open, or with the refused upgrade's status. */
function openWs(
  name: string,
  headers: Record<string, string> = { Cookie: f.adminCookie, Origin: base.url },
  query = '',
): Promise<{ ws: WebSocket; r: ByteReader; closed: RfbClient['closed'] } | { status: number }> {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${base.port}/api/v1/domains/${name}/console/vnc${query}`;
    const ws = new WebSocket(url, { headers });
    const r = new ByteReader();
    const closed = new Promise<{ code: number; reason: string }>((res) =>
      ws.on('close', (code, reason) => {
        r.fail(new Error(`websocket closed ${code}`));
        res({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data: Buffer, isBinary) => {
      expect(isBinary).toBe(true);
      r.push(data);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.on('open', () => resolve({ ws, r, closed }));
    ws.on('error', (err) => {
      if (!ws.listenerCount('unexpected-response')) reject(err);
    });
  });
}

/** Opens the console and speaks RFB 3.8 up to ServerInit, as noVNC does (shared flag as given). */
async function rfbClient(name: string, shared = true): Promise<RfbClient> {
  const opened = await openWs(name);
  if ('status' in opened) throw new Error(`upgrade refused: ${opened.status}`);
  const { ws, r, closed } = opened;
  const send = (bytes: number[] | Buffer) => ws.send(Buffer.from(bytes));
  expect((await r.read(12)).toString()).toBe('RFB 003.008\n');
  send(Buffer.from('RFB 003.008\n'));
  const n = (await r.read(1))[0] ?? 0;
  const offered = [...(await r.read(n))];
  send([1]);
  expect(await r.readU32()).toBe(0);
  send([shared ? 1 : 0]);
  const init = await r.read(20);
  return {
    ws,
    r,
    closed,
    send,
    offered,
    width: init.readUInt16BE(0),
    height: init.readUInt16BE(2),
    name: await r.readString(),
  };
}

function requestUpdate(c: RfbClient, incremental: boolean): void {
  c.send([3, incremental ? 1 : 0, ...u16(0), ...u16(0), ...u16(c.width), ...u16(c.height)]);
}

/** Reads one FramebufferUpdate (Raw, 32 bpp): its rectangles. */
async function readUpdate(c: RfbClient): Promise<{ w: number; h: number; pixels: Buffer }[]> {
  const head = await c.r.read(4);
  expect(head[0]).toBe(0);
  const rects = [];
  for (let i = 0; i < head.readUInt16BE(2); i++) {
    const rh = await c.r.read(12);
    const w = rh.readUInt16BE(4);
    const h = rh.readUInt16BE(6);
    expect(rh.readInt32BE(8)).toBe(0);
    rects.push({ w, h, pixels: await c.r.read(w * h * 4) });
  }
  return rects;
}

/** Resolves once `cond()` holds (checked every 10 ms); rejects after `ms` naming `what`. */
const until = (what: string, cond: () => boolean, ms = 3000): Promise<void> =>
  vi.waitFor(
    () => {
      if (!cond()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: ms, interval: 10 },
  );

describe('VNC console proxy', () => {
  it('a client gets ServerInit and a framebuffer update through the proxy; viewers counted', async () => {
    const c = await rfbClient('vnc-open');
    expect(c.offered).toEqual([1]);
    expect(c).toMatchObject({ name: 'vnc-open', width: 800, height: 600 });
    expect(f.consoles.viewers.count('vnc-open', 'vnc')).toBe(1);
    requestUpdate(c, false);
    const [rect] = await readUpdate(c);
    expect(rect).toMatchObject({ w: 800, h: 600 });
    expect(new Set([0, 4000, 1_000_000].map((o) => rect?.pixels.readUInt32LE(o))).size).toBe(3);
    c.ws.close(1000);
    await c.closed;
    await until('viewer released', () => f.consoles.viewers.count('vnc-open', 'vnc') === 0);
  });

  it('what arrives through the proxy is byte for byte what the RFB server sends', async () => {
    const s = await rfbOf('vnc-open');
    // Straight from the RFB server over TCP: handshake (None), ClientInit, one full update.
    const direct = connect(s.port, '127.0.0.1');
    const dr = new ByteReader();
    direct.on('data', (b: Buffer) => dr.push(b));
    await dr.read(12);
    direct.write('RFB 003.008\n');
    await dr.read(2);
    direct.write(Buffer.from([1]));
    await dr.readU32();
    direct.write(Buffer.from([1]));
    await dr.read(20);
    await dr.readString();
    direct.write(Buffer.from([3, 0, ...u16(0), ...u16(0), ...u16(800), ...u16(600)]));
    const expected = await dr.read(16 + 800 * 600 * 4);
    direct.destroy();
    // The same request through the proxy, twice (the proxy reuses its read buffers).
    const c = await rfbClient('vnc-open');
    for (let i = 0; i < 2; i++) {
      requestUpdate(c, false);
      expect((await c.r.read(expected.length)).equals(expected)).toBe(true);
    }
    c.ws.close();
    await c.closed;
  });

  it('a guest with vncpasswd opens without the browser knowing it (offered None only)', async () => {
    const s = await rfbOf('vnc-locked');
    const before = s.connectionCount;
    const c = await rfbClient('vnc-locked');
    expect(c.offered).toEqual([1]);
    expect(c.name).toBe('vnc-locked');
    expect(s.connectionCount).toBe(before + 1);
    requestUpdate(c, false);
    expect((await readUpdate(c))[0]?.w).toBe(800);
    c.ws.close();
    await c.closed;
  });

  it('the wrong password in xenstore closes the websocket with 4502 and the reason', async () => {
    const id = await domid('vnc-locked');
    const real = await f.sim.vncEndpoint(id);
    const spy = vi
      .spyOn(f.sim, 'vncEndpoint')
      .mockResolvedValue({ host: '127.0.0.1', port: real?.port ?? 0, password: 'wrong' });
    try {
      const opened = await openWs('vnc-locked');
      if ('status' in opened) throw new Error(`refused ${opened.status}`);
      // The browser's half may finish; the close comes from the upstream half.
      opened.ws.send(Buffer.from('RFB 003.008\n'));
      const { code, reason } = await opened.closed;
      expect(code).toBe(4502);
      expect(reason).toMatch(/VNC authentication .* failed/);
    } finally {
      spy.mockRestore();
    }
  });

  it('two clients at once, both asking for exclusive access: both stay and both see input', async () => {
    const s = await rfbOf('vnc-open');
    const a = await rfbClient('vnc-open', false);
    const b = await rfbClient('vnc-open', false);
    expect(s.clientCount).toBe(2);
    expect(f.consoles.viewers.count('vnc-open', 'vnc')).toBe(2);
    for (const c of [a, b]) {
      requestUpdate(c, false);
      await readUpdate(c);
      requestUpdate(c, true);
    }
    a.send([4, 1, 0, 0, 0, 0, 0, 0x78]); // 'x' pressed in viewer A
    const [ua, ub] = await Promise.all([readUpdate(a), readUpdate(b)]);
    expect(ua[0]?.h).toBeGreaterThan(0);
    expect(ub[0]?.pixels.equals(ua[0]?.pixels ?? Buffer.alloc(0))).toBe(true);
    expect(s.keyEvents.at(-1)).toEqual({ keysym: 0x78, down: true });
    a.ws.close();
    b.ws.close();
    await Promise.all([a.closed, b.closed]);
    await until('both gone upstream', () => s.clientCount === 0);
  });

  it('frames sent before the upstream is ready are queued, in order', async () => {
    const s = await rfbOf('vnc-open');
    const opened = await openWs('vnc-open');
    if ('status' in opened) throw new Error(`refused ${opened.status}`);
    const { ws, r } = opened;
    // Everything at once, without waiting for the server: version, None, ClientInit, a key, an update request.
    ws.send(Buffer.from('RFB 003.008\n'));
    ws.send(Buffer.from([1]));
    ws.send(Buffer.from([1, 4, 1, 0, 0, 0, 0, 0, 0x71]));
    ws.send(Buffer.from([3, 0, ...u16(0), ...u16(0), ...u16(8), ...u16(8)]));
    await r.read(12 + 2 + 4 + 20);
    await r.readString();
    const head = await r.read(16);
    expect(head.readUInt16BE(2)).toBe(1);
    expect(head.readUInt16BE(8)).toBe(8);
    expect(s.keyEvents.at(-1)).toEqual({ keysym: 0x71, down: true });
    ws.close();
  });

  it('a client that does not read: the TCP socket is paused and the proxy buffers at most ~1 MiB', async () => {
    const stream = new RfbServer({
      name: 'flood',
      width: 1024,
      height: 768,
      streamBytes: 512 * 1024 * 1024,
    });
    await stream.listen();
    const spy = vi
      .spyOn(f.sim, 'vncEndpoint')
      .mockResolvedValue({ host: '127.0.0.1', port: stream.port });
    try {
      const c = await rfbClient('vnc-open');
      let received = 0;
      c.ws.on('message', (d: Buffer) => {
        received += d.length;
      });
      requestUpdate(c, false);
      c.ws.pause(); // stop reading the websocket's TCP socket
      await until(
        'the proxy to pause its TCP read',
        () =>
          vncRoute()
            .sessions()
            .some((x) => x.tcpPaused),
        5000,
      );
      // Let the kernel buffers fill, then check the stream stalled: nothing moves any more.
      await new Promise((r) => setTimeout(r, 800));
      const stalledAt = stream.streamedBytes;
      await new Promise((r) => setTimeout(r, 400));
      expect(stream.streamedBytes).toBe(stalledAt);
      expect(stalledAt).toBeLessThan(512 * 1024 * 1024);
      const [session] = vncRoute().sessions();
      expect(session?.tcpPaused).toBe(true);
      expect(session?.bufferedBytes).toBeLessThanOrEqual(1024 * 1024 + 256 * 1024);
      // Reading again resumes the flow.
      const before = received;
      c.ws.resume();
      await until('bytes to flow again', () => received > before + 32 * 1024 * 1024, 10_000);
      expect(stream.streamedBytes).toBeGreaterThan(stalledAt);
      c.ws.close();
      await c.closed;
    } finally {
      spy.mockRestore();
      await stream.close();
    }
  });

  it("the guest's VNC server closing gives 4410; the browser closing closes the TCP connection", async () => {
    const s = await rfbOf('vnc-open');
    const a = await rfbClient('vnc-open');
    s.dropClients();
    const closed = await a.closed;
    expect(closed.code).toBe(4410);
    expect(closed.reason).toMatch(/VNC server closed/);

    const b = await rfbClient('vnc-open');
    expect(s.clientCount).toBe(1);
    b.ws.close(1000);
    await until('the upstream connection to close', () => s.clientCount === 0);
  });

  it('destroying the domain closes its viewers with 4410', async () => {
    // Created and destroyed within the simulated watch delay: no domain event in between.
    f.sim.external.create({ name: 'vnc-doomed', type: 'hvm' });
    const c = await rfbClient('vnc-doomed');
    f.sim.external.destroy('vnc-doomed');
    expect((await c.closed).code).toBe(4410);
  });

  it('a domain without VNC → 409 before the upgrade, and no TCP connection is made', async () => {
    const s = await rfbOf('vnc-open');
    const before = s.connectionCount;
    for (const name of ['pv-guest', 'vnc-off']) {
      const r = await openWs(name);
      expect(r).toEqual({ status: 409 });
    }
    expect(await openWs('no-such-domain')).toEqual({ status: 404 });
    expect(s.connectionCount).toBe(before);
    expect(f.sim.syntheticVnc(await domid('vnc-off'))).toBeUndefined();
  });

  it('connects only to loopback: 0.0.0.0 and :: become 127.0.0.1, a routed vnc-listen is 409', async () => {
    expect(vncConnectHost('127.0.0.1')).toBe('127.0.0.1');
    expect(vncConnectHost('127.1.2.3')).toBe('127.1.2.3');
    expect(vncConnectHost('localhost')).toBe('127.0.0.1');
    expect(vncConnectHost('::1')).toBe('::1');
    expect(vncConnectHost('[::1]')).toBe('::1');
    expect(vncConnectHost('0.0.0.0')).toBe('127.0.0.1');
    expect(vncConnectHost('::')).toBe('127.0.0.1');
    for (const routed of ['10.0.0.5', '192.168.1.1', '2001:db8::1', 'vnc.example.com', '']) {
      expect(vncConnectHost(routed)).toBeUndefined();
    }
    // vnclisten = "0.0.0.0": reached on 127.0.0.1.
    const any = await rfbClient('vnc-any');
    expect(any.name).toBe('vnc-any');
    any.ws.close();
    await any.closed;
    // vnclisten on a routed address: refused before the upgrade, nothing connects.
    const routed = await rfbOf('vnc-routed');
    expect(await openWs('vnc-routed')).toEqual({ status: 409 });
    expect(routed.connectionCount).toBe(0);
  });

  it('no session, or a foreign Origin: refused, and no TCP connection reaches the RFB server', async () => {
    const s = await rfbOf('vnc-open');
    const before = s.connectionCount;
    expect(await openWs('vnc-open', { Origin: base.url })).toEqual({ status: 401 });
    expect(
      await openWs('vnc-open', { Cookie: f.adminCookie, Origin: 'http://evil.example' }),
    ).toEqual({ status: 403 });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.connectionCount).toBe(before);
  });

  it('opens with a one-time vnc ticket instead of the cookie, once', async () => {
    const res = await f.admin
      .post('/api/v1/domains/vnc-open/console/tickets')
      .set('Content-Type', 'application/json')
      .send({ kind: 'vnc' });
    expect(res.status).toBe(201);
    const query = `?ticket=${encodeURIComponent(res.body.ticket)}`;
    const opened = await openWs('vnc-open', { Origin: base.url }, query);
    if ('status' in opened) throw new Error(`refused ${opened.status}`);
    expect((await opened.r.read(12)).toString()).toBe('RFB 003.008\n');
    opened.ws.close();
    await opened.closed;
    expect(await openWs('vnc-open', { Origin: base.url }, query)).toEqual({ status: 401 });
  });

  it('a text frame closes the socket with 1003', async () => {
    const opened = await openWs('vnc-open');
    if ('status' in opened) throw new Error(`refused ${opened.status}`);
    opened.ws.send('RFB 003.008\n');
    expect((await opened.closed).code).toBe(1003);
  });
});
