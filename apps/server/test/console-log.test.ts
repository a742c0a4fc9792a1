/**
 * `GET /api/v1/domains/:name/console/log`: xenconsoled's `guest-<name>.log` (in a temp dir standing
 * for /var/log/xen/console), its tail and download forms, symlinks refused, the fallback to the
 * server's scrollback, 404 when there is nothing, 422 for a bad name or query.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textConsoleServerMessageSchema } from '@xendeck/api';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, makeFixture, opened, openWs } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

async function setup(): Promise<{ fx: Fixture; logDir: string }> {
  const fx = await makeFixture({
    sim: {
      initialDomains: [{ name: 'Domain-0' }, { name: 'pv-1' }, { name: 'hvm-1', type: 'hvm' }],
    },
  });
  f = fx;
  const logDir = fx.config.consoleLogDir;
  mkdirSync(logDir, { recursive: true });
  return { fx, logDir };
}

/** Raw body of a supertest text response. */
const body = (res: request.Response): string => res.text;

describe('console log route', () => {
  it("serves xenconsoled's guest-<name>.log, its tail, and as a download", async () => {
    const { fx, logDir } = await setup();
    const log = 'Linux version 6.1.0\r\nlogin: \x1b[1mroot\x1b[0m\r\nlast line\r\n';
    writeFileSync(join(logDir, 'guest-pv-1.log'), log);
    const all = await fx.admin.get('/api/v1/domains/pv-1/console/log');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(all.headers['x-xendeck-log-source']).toBe('xenconsoled');
    expect(all.headers['content-disposition']).toBeUndefined();
    expect(body(all)).toBe(log);
    const tail = await fx.admin.get('/api/v1/domains/pv-1/console/log?tailBytes=11');
    expect(body(tail)).toBe('last line\r\n');
    expect(tail.headers['content-length']).toBe('11');
    const bigTail = await fx.admin.get('/api/v1/domains/pv-1/console/log?tailBytes=100000');
    expect(body(bigTail)).toBe(log);
    const dl = await fx.admin.get('/api/v1/domains/pv-1/console/log?download=1');
    expect(dl.headers['content-disposition']).toBe('attachment; filename="pv-1-console.log"');
    expect(body(dl)).toBe(log);
    const status = await fx.admin.get('/api/v1/domains/pv-1/console');
    expect(status.body.log).toEqual({ source: 'xenconsoled', sizeBytes: Buffer.byteLength(log) });
  });

  it("falls back to the server's scrollback of the PV console when xenconsoled has no file", async () => {
    const { fx } = await setup();
    expect((await fx.admin.get('/api/v1/domains/hvm-1/console/log')).status).toBe(404);
    const { url } = await fx.listen();
    const v = opened(
      await openWs(`${url.replace('http:', 'ws:')}/api/v1/domains/hvm-1/console/text?type=pv`, {
        Cookie: fx.adminCookie,
      }),
    );
    const text = () =>
      Buffer.concat(v.messages.filter((m): m is Buffer => Buffer.isBuffer(m))).toString();
    const deadline = Date.now() + 5_000;
    while (!text().endsWith('hvm-1:~# ') && Date.now() < deadline) await sleep(10);
    v.ws.send(Buffer.from('echo kept by the server\r'), { binary: true });
    while (!text().endsWith('server\r\nhvm-1:~# ') && Date.now() < deadline) await sleep(10);
    const status = v.messages
      .filter((m): m is string => typeof m === 'string')
      .map((m) => textConsoleServerMessageSchema.parse(JSON.parse(m)))
      .at(-1);
    expect(status?.state).toBe('attached');
    const res = await fx.admin.get('/api/v1/domains/hvm-1/console/log');
    expect(res.status).toBe(200);
    expect(res.headers['x-xendeck-log-source']).toBe('server');
    expect(body(res)).toBe(text());
    expect(body(res)).toContain('Booting simulated hvm-1');
    const tail = await fx.admin.get('/api/v1/domains/hvm-1/console/log?tailBytes=9');
    expect(body(tail)).toBe('hvm-1:~# ');
    const st = await fx.admin.get('/api/v1/domains/hvm-1/console');
    expect(st.body.log).toEqual({ source: 'server', sizeBytes: Buffer.byteLength(text()) });
    v.ws.close();
  });

  it('does not follow a symlink nor read a directory in the log dir', async () => {
    const { fx, logDir } = await setup();
    writeFileSync(join(logDir, 'secret'), 'not a console log\n');
    symlinkSync(join(logDir, 'secret'), join(logDir, 'guest-pv-1.log'));
    mkdirSync(join(logDir, 'guest-hvm-1.log'));
    expect((await fx.admin.get('/api/v1/domains/pv-1/console/log')).status).toBe(404);
    expect((await fx.admin.get('/api/v1/domains/hvm-1/console/log')).status).toBe(404);
    const status = await fx.admin.get('/api/v1/domains/pv-1/console');
    expect(status.body.log.source).not.toBe('xenconsoled');
  });

  it('404 NOT_FOUND when there is nothing; 422 for a bad name or query; 401 without a session', async () => {
    const { fx } = await setup();
    const none = await fx.admin.get('/api/v1/domains/pv-1/console/log');
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NOT_FOUND');
    const bad = await fx.admin.get('/api/v1/domains/..%2Fetc/console/log');
    expect(bad.status).toBe(422);
    expect((await fx.admin.get('/api/v1/domains/-x/console/log')).status).toBe(422);
    expect((await fx.admin.get('/api/v1/domains/pv-1/console/log?tailBytes=-1')).status).toBe(422);
    expect((await fx.admin.get('/api/v1/domains/pv-1/console/log?tailBytes=abc')).status).toBe(422);
    expect((await fx.admin.get('/api/v1/domains/pv-1/console/log?download=yes')).status).toBe(422);
    expect((await request(fx.app).get('/api/v1/domains/pv-1/console/log')).status).toBe(401);
  });
});
