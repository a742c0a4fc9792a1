/**
 * The synthetic RFB server (simulated/rfb-server.ts) spoken to by a small RFB client written here
 * from RFC 6143, and the simulated host's `vncEndpoint` around it.
 */
import { createCipheriv } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ByteReader, vncAuthResponse } from '../src/rfb-protocol.js';
import { RfbServer } from '../src/simulated/rfb-server.js';
import { createSimulatedHost } from '../src/simulated-host.js';

interface TestClient {
  socket: Socket;
  r: ByteReader;
  width: number;
  height: number;
  name: string;
  closed: Promise<void>;
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const s32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return [...b];
};

/** Connects and runs the handshake; `password` answers VNC authentication. */
async function open(
  port: number,
  opts: { password?: string; shared?: boolean; version?: string } = {},
): Promise<TestClient> {
  const socket = connect(port, '127.0.0.1');
  const r = new ByteReader();
  socket.on('data', (b: Buffer) => r.push(b));
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      r.fail(new Error('closed'));
      resolve();
    });
  });
  socket.on('error', () => {});
  expect((await r.read(12)).toString()).toBe('RFB 003.008\n');
  const version = opts.version ?? 'RFB 003.008\n';
  socket.write(version);
  let type: number;
  if (version === 'RFB 003.003\n') {
    type = await r.readU32();
  } else {
    const n = (await r.read(1))[0] ?? 0;
    const types = [...(await r.read(n))];
    type = types[0] ?? 0;
    socket.write(Buffer.from([type]));
  }
  if (type === 2) {
    const challenge = await r.read(16);
    socket.write(vncAuthResponse(opts.password ?? '', challenge));
  }
  if (type === 2 || version === 'RFB 003.008\n') {
    const result = await r.readU32();
    if (result !== 0) throw new Error(`security failed: ${await r.readString()}`);
  }
  socket.write(Buffer.from([opts.shared === false ? 0 : 1]));
  const init = await r.read(20);
  const name = await r.readString();
  return {
    socket,
    r,
    width: init.readUInt16BE(0),
    height: init.readUInt16BE(2),
    name,
    closed,
  };
}

function requestUpdate(c: TestClient, incremental: boolean): void {
  c.socket.write(
    Buffer.from([3, incremental ? 1 : 0, ...u16(0), ...u16(0), ...u16(c.width), ...u16(c.height)]),
  );
}

/** Reads one FramebufferUpdate: its rectangles, with their pixels (4 bytes each) for Raw. */
async function readUpdate(
  c: TestClient,
): Promise<{ x: number; y: number; w: number; h: number; encoding: number; pixels: Buffer }[]> {
  const head = await c.r.read(4);
  expect(head[0]).toBe(0);
  const rects = [];
  for (let i = 0; i < head.readUInt16BE(2); i++) {
    const rh = await c.r.read(12);
    const rect = {
      x: rh.readUInt16BE(0),
      y: rh.readUInt16BE(2),
      w: rh.readUInt16BE(4),
      h: rh.readUInt16BE(6),
      encoding: rh.readInt32BE(8),
      pixels: Buffer.alloc(0),
    };
    if (rect.encoding === 0) rect.pixels = await c.r.read(rect.w * rect.h * 4);
    rects.push(rect);
  }
  return rects;
}

/** The first element, or a test failure. */
function first<T>(xs: T[]): T {
  const x = xs[0];
  if (x === undefined) throw new Error('expected at least one element');
  return x;
}

const servers: RfbServer[] = [];
const clients: TestClient[] = [];
async function start(opts: ConstructorParameters<typeof RfbServer>[0]): Promise<RfbServer> {
  const s = new RfbServer(opts);
  servers.push(s);
  await s.listen();
  return s;
}
async function client(port: number, opts?: Parameters<typeof open>[1]): Promise<TestClient> {
  const c = await open(port, opts);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  for (const s of servers.splice(0)) await s.close();
});

describe('vncAuthResponse', () => {
  it('is DES-ECB of the challenge under the bit-mirrored password (FIPS 81 test vector)', () => {
    // Key 0123456789abcdef encrypts "Now is t" to 3fa40e8a984d4815; VNC mirrors each key byte,
    // so the password is the mirrored key: 80 c4 a2 e6 91 d5 b3 f7.
    const password = Buffer.from('80c4a2e691d5b3f7', 'hex').toString('latin1');
    const challenge = Buffer.from('Now is tNow is t', 'latin1');
    expect(vncAuthResponse(password, challenge).toString('hex')).toBe('3fa40e8a984d4815'.repeat(2));
    // Cut at 8 bytes; shorter passwords are zero-padded (independent check: node:crypto 3DES
    // with K1 = K2 = K3, which is single DES).
    expect(vncAuthResponse(`${password}extra`, challenge)).toEqual(
      vncAuthResponse(password, challenge),
    );
    const key = Buffer.from([0x86, 0xf6, 0, 0, 0, 0, 0, 0]); // "ao" mirrored: a=0x61→0x86, o=0x6f→0xf6
    const c = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
    c.setAutoPadding(false);
    expect(vncAuthResponse('ao', challenge)).toEqual(
      Buffer.concat([c.update(challenge), c.final()]),
    );
    expect(() => vncAuthResponse('x', Buffer.alloc(8))).toThrow(RangeError);
  });
});

describe('synthetic RFB server', () => {
  it('handshakes with security None and sends a non-uniform picture of the given size and name', async () => {
    const s = await start({ name: 'db-01', width: 640, height: 480 });
    const c = await client(s.port);
    expect(c).toMatchObject({ width: 640, height: 480, name: 'db-01' });
    requestUpdate(c, false);
    const rect = first(await readUpdate(c));
    expect(rect).toMatchObject({ x: 0, y: 0, w: 640, h: 480, encoding: 0 });
    const colours = new Set<number>();
    for (let i = 0; i < rect.pixels.length; i += 4) colours.add(rect.pixels.readUInt32LE(i));
    expect(colours.size).toBeGreaterThan(100);
    // Default pixel format (QEMU's): little-endian 0x00RRGGBB; the first colour bar is grey C0C0C0.
    expect(rect.pixels.readUInt32LE(0)).toBe(0xc0c0c0);
    expect(s.connectionCount).toBe(1);
    expect(s.clientCount).toBe(1);
  });

  it("honours SetPixelFormat (noVNC's red-in-the-low-byte format)", async () => {
    const s = await start({ name: 'pf', width: 64, height: 64 });
    const c = await client(s.port);
    // 32 bpp, depth 24, little-endian, true colour, max 255, shifts red 0 green 8 blue 16.
    c.socket.write(
      Buffer.from([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0]),
    );
    // The second bar (yellow C0C000) starts at x = 8 of 64: red and green set, blue 0.
    c.socket.write(Buffer.from([3, 0, ...u16(8), ...u16(10), ...u16(1), ...u16(1)]));
    const rect = first(await readUpdate(c));
    expect(rect).toMatchObject({ x: 8, y: 10, w: 1, h: 1 });
    expect([...rect.pixels]).toEqual([0xc0, 0xc0, 0x00, 0]);
  });

  it('asks for the VNC password when it has one: right one passes, wrong one gets a reason', async () => {
    const s = await start({ name: 'locked', password: 's3cret' });
    const ok = await client(s.port, { password: 's3cret' });
    expect(ok.name).toBe('locked');
    await expect(client(s.port, { password: 'wrong' })).rejects.toThrow(/Authentication failed/);
    expect(s.connectionCount).toBe(2);
  });

  it('accepts RFB 3.3 and 3.7 clients', async () => {
    const s = await start({ name: 'old', width: 32, height: 32 });
    expect((await client(s.port, { version: 'RFB 003.003\n' })).width).toBe(32);
    expect((await client(s.port, { version: 'RFB 003.007\n' })).height).toBe(32);
  });

  it('answers an incremental request only when the picture changed, and shows the key received', async () => {
    const s = await start({ name: 'keys', width: 400, height: 300 });
    const c = await client(s.port);
    requestUpdate(c, false);
    const full = first(await readUpdate(c));
    requestUpdate(c, true);
    let answered = false;
    const next = readUpdate(c).then((u) => {
      answered = true;
      return u;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    c.socket.write(Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x41])); // 'A' down
    c.socket.write(Buffer.from([4, 0, 0, 0, 0, 0, 0, 0x41])); // 'A' up
    const [rect] = await next;
    expect(s.keyEvents[0]).toEqual({ keysym: 0x41, down: true });
    // Only the status line changed, and its pixels differ from before.
    expect(rect.h).toBeLessThan(300);
    const before = Buffer.alloc(rect.pixels.length);
    for (let y = 0; y < rect.h; y++) {
      full.pixels.copy(
        before,
        y * rect.w * 4,
        ((rect.y + y) * 400 + rect.x) * 4,
        ((rect.y + y) * 400 + rect.x + rect.w) * 4,
      );
    }
    expect(rect.pixels.equals(before)).toBe(false);
    c.socket.write(Buffer.from([5, 1, ...u16(10), ...u16(250)]));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.pointerEvents).toEqual([{ x: 10, y: 250, buttons: 1 }]);
    // Typed text is kept (press only, Return as a newline, last 48 characters).
    for (const k of [0x68, 0x69, 0xff0d, 0x4f, 0x4b])
      c.socket.write(Buffer.from([4, 1, 0, 0, ...s32(k)]));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.typedText).toBe('Ahi\nOK');
  });

  it('a non-shared ClientInit drops the other clients; shared ones coexist', async () => {
    const s = await start({ name: 'share' });
    const a = await client(s.port);
    await client(s.port);
    expect(s.clientCount).toBe(2);
    await client(s.port, { shared: false });
    await a.closed;
    expect(s.clientCount).toBe(1);
  });

  it('tells a DesktopSize client about a resize (Ctrl-Alt-Del toggles the video mode)', async () => {
    const s = await start({ name: 'resize' });
    const c = await client(s.port);
    c.socket.write(Buffer.from([2, 0, ...u16(2), ...s32(0), ...s32(-223)]));
    requestUpdate(c, false);
    await readUpdate(c);
    for (const [down, keysym] of [
      [1, 0xffe3],
      [1, 0xffe9],
      [1, 0xffff],
      [0, 0xffff],
    ] as const) {
      c.socket.write(Buffer.from([4, down, 0, 0, ...s32(keysym)]));
    }
    while (s.size.width !== 1024) await new Promise((r) => setTimeout(r, 10));
    requestUpdate(c, true);
    const rect = first(await readUpdate(c));
    expect(rect).toMatchObject({ x: 0, y: 0, w: 1024, h: 768, encoding: -223 });
    expect(s.size).toEqual({ width: 1024, height: 768 });
    c.width = 1024;
    c.height = 768;
    requestUpdate(c, true);
    const full = first(await readUpdate(c));
    expect(full).toMatchObject({ w: 1024, h: 768, encoding: 0 });
  });

  it('stream mode sends the bytes asked for; echo mode answers ClientCutText', async () => {
    const s = await start({
      name: 'bench',
      width: 64,
      height: 64,
      streamBytes: 100_000,
      echoCutText: true,
    });
    const c = await client(s.port);
    requestUpdate(c, false);
    let pixels = 0;
    while (pixels < 100_000) pixels += first(await readUpdate(c)).pixels.length + 16;
    expect(s.streamedBytes).toBe(pixels);
    c.socket.write(Buffer.from([6, 0, 0, 0, 0, 0, 0, 4, ...Buffer.from('ping')]));
    const echo = await c.r.read(12);
    expect(echo[0]).toBe(3);
    expect(echo.subarray(8).toString()).toBe('ping');
  });
});

describe('simulated host vncEndpoint', () => {
  it('serves HVM domains (with vncpasswd from the config), not PV; closes with the domain', async () => {
    const host = createSimulatedHost({
      initialDomains: [
        { name: 'hvm-open', type: 'hvm' },
        { name: 'hvm-locked', type: 'hvm', vncPassword: 'pw' },
        { name: 'hvm-novnc', type: 'hvm', vnc: false },
        { name: 'hvm-any', type: 'hvm', vncListen: '0.0.0.0' },
        { name: 'pv', type: 'pv' },
      ],
    });
    try {
      const id = async (n: string) => (await host.domidByName(n)) as number;
      const ep = await host.vncEndpoint(await id('hvm-open'));
      expect(ep).toMatchObject({ host: '127.0.0.1' });
      expect(ep?.password).toBeUndefined();
      expect(await host.vncEndpoint(await id('hvm-open'))).toEqual(ep);
      const c = await client(ep?.port ?? 0);
      expect(c.name).toBe('hvm-open');
      const locked = await host.vncEndpoint(await id('hvm-locked'));
      expect(locked?.password).toBe('pw');
      expect((await client(locked?.port ?? 0, { password: 'pw' })).name).toBe('hvm-locked');
      expect(await host.vncEndpoint(await id('hvm-novnc'))).toBeUndefined();
      expect((await host.vncEndpoint(await id('hvm-any')))?.host).toBe('0.0.0.0');
      expect(await host.vncEndpoint(await id('pv'))).toBeUndefined();

      const domid = await id('hvm-open');
      expect(host.syntheticVnc(domid)?.connectionCount).toBe(1);
      host.external.destroy('hvm-open');
      await c.closed;
      expect(host.syntheticVnc(domid)).toBeUndefined();
    } finally {
      await host.close();
    }
  });
  it('a domain destroyed while its RFB server starts: DOMAIN_NOT_FOUND, nothing left listening', async () => {
    const host = createSimulatedHost({ initialDomains: [{ name: 'brief', type: 'hvm' }] });
    try {
      const domid = (await host.domidByName('brief')) as number;
      const pending = host.vncEndpoint(domid);
      const server = host.syntheticVnc(domid);
      await host.domainOperation(domid, 'destroy');
      await expect(pending).rejects.toMatchObject({ code: 'DOMAIN_NOT_FOUND' });
      expect(server?.port).toBe(0);
    } finally {
      await host.close();
    }
  });
});
