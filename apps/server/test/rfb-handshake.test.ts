/**
 * Both halves of the VNC proxy's RFB handshake (consoles/rfb-handshake.ts): upstream against the
 * synthetic RFB server of @xendeck/hypervisor (None, VNC authentication right and wrong) and
 * scripted servers for what it cannot play (RFB 3.3, a refusal, an unknown security type);
 * downstream against scripted clients (noVNC's 3.8, a 3.3 viewer, bad answers). When this machine
 * has QEMU (`/usr/bin/qemu-system-x86_64`), the upstream half also answers a real QEMU VNC server's
 * authentication (the lab's Xen device model has no DES, so the lab cannot: lab/README.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteReader, RfbServer } from '@xendeck/hypervisor';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  downstreamHandshake,
  RfbHandshakeError,
  upstreamHandshake,
} from '../src/consoles/rfb-handshake.js';

const servers: RfbServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
});

/** A TCP connection to `port` with a ByteReader fed by it. */
async function dial(port: number): Promise<{ socket: Socket; r: ByteReader }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  const r = new ByteReader();
  socket.on('data', (b: Buffer) => r.push(b));
  socket.on('close', () => r.fail(new Error('connection closed')));
  socket.on('error', () => {});
  return { socket, r };
}

async function synthetic(password?: string): Promise<RfbServer> {
  const s = new RfbServer({ name: 'hs-guest', width: 64, height: 48, password });
  servers.push(s);
  await s.listen();
  return s;
}

/** Finishes a connection after the upstream handshake: ClientInit, then reads ServerInit's name. */
async function serverInitName(socket: Socket, r: ByteReader): Promise<string> {
  socket.write(Buffer.from([1]));
  await r.read(20);
  return r.readString();
}

/**
 * A scripted peer: `script` gets a reader of what the other side wrote and a writer to it, and the
 * function under test gets the mirror pair. No sockets.
 */
function pipePair(): {
  a: { r: ByteReader; write: (b: Buffer) => void };
  b: { r: ByteReader; write: (b: Buffer) => void };
} {
  const ra = new ByteReader();
  const rb = new ByteReader();
  return {
    a: { r: ra, write: (b) => rb.push(Buffer.from(b)) },
    b: { r: rb, write: (b) => ra.push(Buffer.from(b)) },
  };
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('upstream half (Xendeck → the guest VNC server)', () => {
  it('takes security None when offered and reaches ServerInit', async () => {
    const s = await synthetic();
    const { socket, r } = await dial(s.port);
    const res = await upstreamHandshake(r, (b) => socket.write(b), 'unused-password');
    expect(res).toEqual({ minor: 8, securityType: 1 });
    expect(await serverInitName(socket, r)).toBe('hs-guest');
  });

  it("answers VNC authentication with the guest's password", async () => {
    const s = await synthetic('vncpw');
    const { socket, r } = await dial(s.port);
    expect(await upstreamHandshake(r, (b) => socket.write(b), 'vncpw')).toEqual({
      minor: 8,
      securityType: 2,
    });
    expect(await serverInitName(socket, r)).toBe('hs-guest');
  });

  it('a wrong password is a clean error carrying the server reason', async () => {
    const s = await synthetic('vncpw');
    const { socket, r } = await dial(s.port);
    const err = await upstreamHandshake(r, (b) => socket.write(b), 'nope').catch((e) => e);
    expect(err).toBeInstanceOf(RfbHandshakeError);
    expect(err.side).toBe('upstream');
    expect(err.message).toMatch(/VNC authentication .* failed: Authentication failed/);
    expect(s.clientCount).toBe(0);
  });

  it('a password asked for and none known: clean error, nothing sent', async () => {
    const s = await synthetic('vncpw');
    const { socket, r } = await dial(s.port);
    const written: Buffer[] = [];
    const err = await upstreamHandshake(
      r,
      (b) => {
        written.push(b);
        socket.write(b);
      },
      undefined,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(RfbHandshakeError);
    expect(err.message).toMatch(/asks for a password .* has none/);
    // Only the ProtocolVersion went out: no security type was chosen.
    expect(Buffer.concat(written).toString('latin1')).toBe('RFB 003.008\n');
  });

  it('speaks RFB 3.3 to an old server (server-chosen security type, no result for None)', async () => {
    const { a, b } = pipePair();
    const peer = (async () => {
      b.write(Buffer.from('RFB 003.003\n'));
      expect((await b.r.read(12)).toString()).toBe('RFB 003.003\n');
      b.write(u32(1));
      expect((await b.r.read(1))[0]).toBe(1); // the caller's ClientInit, after the handshake
    })();
    expect(await upstreamHandshake(a.r, a.write, undefined)).toEqual({
      minor: 3,
      securityType: 1,
    });
    a.write(Buffer.from([1]));
    await peer;
  });

  it('reports a refusal, unknown security types, and a peer that is not RFB', async () => {
    const refuse = pipePair();
    refuse.b.write(
      Buffer.concat([
        Buffer.from('RFB 003.008\n'),
        Buffer.from([0]),
        u32(9),
        Buffer.from('too many!'),
      ]),
    );
    await expect(upstreamHandshake(refuse.a.r, refuse.a.write, undefined)).rejects.toThrow(
      /refused the connection: too many!/,
    );
    const tls = pipePair();
    tls.b.write(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([2, 18, 19])]));
    await expect(upstreamHandshake(tls.a.r, tls.a.write, 'pw')).rejects.toThrow(
      /only security types 18, 19/,
    );
    const http = pipePair();
    http.b.write(Buffer.from('HTTP/1.1 400'));
    await expect(upstreamHandshake(http.a.r, http.a.write, undefined)).rejects.toThrow(
      /did not answer as one/,
    );
  });
});

describe('downstream half (browser → Xendeck)', () => {
  it('offers only None to an RFB 3.8 client and forces ClientInit shared', async () => {
    const { a, b } = pipePair();
    const client = (async () => {
      expect((await b.r.read(12)).toString()).toBe('RFB 003.008\n');
      b.write(Buffer.from('RFB 003.008\n'));
      expect([...(await b.r.read(2))]).toEqual([1, 1]);
      b.write(Buffer.from([1]));
      expect((await b.r.readU32()) === 0).toBe(true);
      // Exclusive ClientInit, then a SetEncodings already queued behind it.
      b.write(Buffer.from([0, 2, 0, 0, 1, 0, 0, 0, 0]));
    })();
    const clientInit = await downstreamHandshake(a.r, a.write);
    await client;
    expect([...clientInit]).toEqual([1]);
    // What followed ClientInit is left for the pump, untouched.
    expect([...a.r.takeRest()]).toEqual([2, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('serves an RFB 3.3 viewer (security type as a u32, no result)', async () => {
    const { a, b } = pipePair();
    const client = (async () => {
      await b.r.read(12);
      b.write(Buffer.from('RFB 003.003\n'));
      expect(await b.r.readU32()).toBe(1);
      b.write(Buffer.from([1]));
    })();
    expect([...(await downstreamHandshake(a.r, a.write))]).toEqual([1]);
    await client;
    expect(b.r.buffered).toBe(0);
  });

  it('refuses another security type (with a reason) and a client that is not RFB', async () => {
    const vnc = pipePair();
    const client = (async () => {
      await vnc.b.r.read(12);
      vnc.b.write(Buffer.from('RFB 003.008\n'));
      expect([...(await vnc.b.r.read(2))]).toEqual([1, 1]);
    })();
    const pending = downstreamHandshake(vnc.a.r, vnc.a.write).catch((e) => e);
    await client;
    vnc.b.write(Buffer.from([2]));
    const err = await pending;
    expect(err).toBeInstanceOf(RfbHandshakeError);
    expect(err.side).toBe('downstream');
    expect(await vnc.b.r.readU32()).toBe(1);
    expect(await vnc.b.r.readString()).toMatch(/only security type None/);

    const junk = pipePair();
    junk.b.write(Buffer.from('GET / HTTP/1.1\r\n'));
    await expect(downstreamHandshake(junk.a.r, junk.a.write)).rejects.toThrow(
      /did not answer as an RFB viewer/,
    );
  });
});

const QEMU = '/usr/bin/qemu-system-x86_64';

describe.skipIf(!existsSync(QEMU))('upstream half against a real QEMU VNC server', () => {
  let dir: string;
  let qemu: ChildProcess;
  let sock: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xendeck-qemu-vnc-'));
    sock = join(dir, 'vnc.sock');
    // No machine, no disk: only QEMU's VNC server, on a unix socket, with a password.
    qemu = spawn(
      QEMU,
      [
        '-machine',
        'none',
        '-nodefaults',
        '-display',
        'none',
        '-object',
        'secret,id=vncpw,data=qemu-pw',
        '-vnc',
        `unix:${sock},password-secret=vncpw`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; !existsSync(sock); i++) {
      if (i > 100 || qemu.exitCode !== null) throw new Error('QEMU did not open its VNC socket');
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 15_000);
  afterAll(() => {
    qemu?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const dialUnix = () => {
    const socket = connect(sock);
    sockets.push(socket);
    const r = new ByteReader();
    socket.on('data', (b: Buffer) => r.push(b));
    socket.on('close', () => r.fail(new Error('connection closed')));
    socket.on('error', () => {});
    return { socket, r };
  };

  it('passes VNC authentication with the right password and reaches ServerInit', async () => {
    const { socket, r } = dialUnix();
    expect(await upstreamHandshake(r, (b) => socket.write(b), 'qemu-pw')).toEqual({
      minor: 8,
      securityType: 2,
    });
    socket.write(Buffer.from([1]));
    const init = await r.read(20);
    expect(init.readUInt16BE(0)).toBeGreaterThan(0);
    expect(await r.readString()).toMatch(/QEMU/);
  });

  it('a wrong password is a clean error with QEMU’s reason', async () => {
    const { socket, r } = dialUnix();
    const err = await upstreamHandshake(r, (b) => socket.write(b), 'wrong').catch((e) => e);
    expect(err).toBeInstanceOf(RfbHandshakeError);
    expect(err.message).toMatch(/VNC authentication .* failed/);
  });
});
