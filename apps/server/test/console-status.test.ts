/**
 * Console viewer counts (src/consoles/viewers.ts), their `console.viewers` events on
 * `/api/v1/events`, and `GET /api/v1/domains/:name/console` (src/consoles/routes.ts) on the
 * simulated host with a fake `vncEndpoint` (what the VNC engineer's backend returns is not this
 * test's concern: only how the route reports it).
 */
import { consoleStatusSchema, eventMessageSchema } from '@xendeck/api';
import { type Hypervisor, HypervisorError, type VncEndpoint } from '@xendeck/hypervisor';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleViewers } from '../src/consoles/viewers.js';
import { type Fixture, makeFixture, opened, openWs, type SimHost } from './helpers.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

/** VNC endpoints by domain name the fake `vncEndpoint` answers (undefined: no VNC). */
let endpoints: Record<string, VncEndpoint | 'gone'>;

/** The simulated host with `vncEndpoint` answering from {@link endpoints}. */
function withFakeVnc(sim: SimHost): Hypervisor {
  return new Proxy(sim, {
    get(target, prop, receiver) {
      if (prop === 'vncEndpoint') {
        return async (domid: number) => {
          const d = await target.domainInfo(domid);
          const e = endpoints[d.name];
          if (e === 'gone') throw new HypervisorError('DOMAIN_NOT_FOUND', `No domain ${domid}`);
          return e;
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  }) as Hypervisor;
}

describe('ConsoleViewers', () => {
  it('counts per (name, kind); release is idempotent; listeners hear each change', () => {
    const v = new ConsoleViewers();
    const heard: [string, string, number][] = [];
    const off = v.onChange((name, kind, n) => heard.push([name, kind, n]));
    const r1 = v.add('web-01', 'vnc');
    const r2 = v.add('web-01', 'vnc');
    const r3 = v.add('web-01', 'pv');
    expect([v.count('web-01', 'vnc'), v.count('web-01', 'pv'), v.count('db-01', 'vnc')]).toEqual([
      2, 1, 0,
    ]);
    r1();
    r1();
    expect(v.count('web-01', 'vnc')).toBe(1);
    r2();
    off();
    r3();
    expect(v.count('web-01', 'pv')).toBe(0);
    expect(heard).toEqual([
      ['web-01', 'vnc', 1],
      ['web-01', 'vnc', 2],
      ['web-01', 'pv', 1],
      ['web-01', 'vnc', 1],
      ['web-01', 'vnc', 0],
    ]);
  });

  it('a throwing listener does not stop the others', () => {
    const v = new ConsoleViewers();
    const heard: number[] = [];
    v.onChange(() => {
      throw new Error('boom');
    });
    v.onChange((_n, _k, n) => heard.push(n));
    v.add('web-01', 'serial')();
    expect(heard).toEqual([1, 0]);
  });

  it('changes are broadcast on /api/v1/events as console.viewers', async () => {
    f = await makeFixture();
    const base = await f.listen();
    const c = opened(
      await openWs(`ws://127.0.0.1:${base.port}/api/v1/events`, { Cookie: f.adminCookie }),
    );
    await expect.poll(() => c.messages.length).toBe(1); // the snapshot
    const release = f.consoles.viewers.add('db-01', 'vnc');
    f.consoles.viewers.add('db-01', 'serial');
    release();
    release();
    await expect.poll(() => c.messages.length).toBe(4);
    const events = c.messages.slice(1).map((m) => eventMessageSchema.parse(JSON.parse(String(m))));
    expect(events).toEqual([
      { type: 'console.viewers', name: 'db-01', kind: 'vnc', viewers: 1 },
      { type: 'console.viewers', name: 'db-01', kind: 'serial', viewers: 1 },
      { type: 'console.viewers', name: 'db-01', kind: 'vnc', viewers: 0 },
    ]);
    c.ws.close();
  });
});

describe('GET /api/v1/domains/:name/console', () => {
  it('reports a running domain’s domid, VNC availability and password, and viewer counts', async () => {
    endpoints = { 'db-01': { host: '127.0.0.1', port: 5901, password: 'secret' } };
    f = await makeFixture({ hypervisor: withFakeVnc });
    f.consoles.viewers.add('db-01', 'vnc');
    f.consoles.viewers.add('db-01', 'vnc');
    f.consoles.viewers.add('db-01', 'pv');
    const res = await f.admin.get('/api/v1/domains/db-01/console');
    expect(res.status, res.text).toBe(200);
    const body = consoleStatusSchema.parse(res.body);
    expect(body.domid).toBe(await f.sim.domidByName('db-01'));
    expect(body).toMatchObject({
      domain: 'db-01',
      vnc: { available: true, viewers: 2, passwordProtected: true },
      pv: { viewers: 1 },
      serial: { viewers: 0 },
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('VNC without a password, and a domain without VNC', async () => {
    endpoints = { 'db-01': { host: '127.0.0.1', port: 5900 } };
    f = await makeFixture({ hypervisor: withFakeVnc });
    const db = consoleStatusSchema.parse((await f.admin.get('/api/v1/domains/db-01/console')).body);
    expect(db.vnc).toEqual({ available: true, viewers: 0, passwordProtected: false });
    const web = consoleStatusSchema.parse(
      (await f.admin.get('/api/v1/domains/web-01/console')).body,
    );
    expect(web.vnc).toEqual({ available: false, viewers: 0, passwordProtected: false });
    expect(web.domid).toBeTypeOf('number');
  });

  it('text consoles: the type’s primary console until the hub tried, then what it found; attached while viewed', async () => {
    endpoints = {};
    f = await makeFixture({ hypervisor: withFakeVnc });
    const status = async (name: string) =>
      consoleStatusSchema.parse((await f?.admin.get(`/api/v1/domains/${name}/console`))?.body);
    // db-01 is HVM (serial is its primary console), web-01 PVH (pv).
    const db = await status('db-01');
    expect([db.pv.available, db.serial.available]).toEqual([false, true]);
    const web = await status('web-01');
    expect(web.pv).toEqual({ available: true, viewers: 0, attached: false });
    expect(web.serial).toEqual({ available: false, viewers: 0, attached: false });

    const base = await f.listen();
    const c = opened(
      await openWs(`ws://127.0.0.1:${base.port}/api/v1/domains/web-01/console/text?type=pv`, {
        Cookie: f.adminCookie,
      }),
    );
    await expect.poll(async () => (await status('web-01')).pv.attached).toBe(true);
    expect((await status('web-01')).pv).toEqual({ available: true, viewers: 1, attached: true });
    c.ws.close();
    await c.closed;
    await expect.poll(async () => (await status('web-01')).pv.viewers).toBe(0);
  });

  it('404 DOMAIN_NOT_FOUND for a domain that is not running and left nothing; 422 for a bad name; 401 without a session', async () => {
    endpoints = {};
    f = await makeFixture({ hypervisor: withFakeVnc });
    const missing = await f.admin.get('/api/v1/domains/nope/console');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('DOMAIN_NOT_FOUND');
    expect((await f.admin.get('/api/v1/domains/-x/console')).status).toBe(422);
    const { default: request } = await import('supertest');
    expect((await request(f.app).get('/api/v1/domains/db-01/console')).status).toBe(401);
  });

  it('a domain that is gone but still watched answers without a domid', async () => {
    endpoints = { 'db-01': 'gone' };
    f = await makeFixture({ hypervisor: withFakeVnc });
    f.consoles.viewers.add('db-01', 'vnc');
    const res = await f.admin.get('/api/v1/domains/db-01/console');
    expect(res.status, res.text).toBe(200);
    const body = consoleStatusSchema.parse(res.body);
    expect(body.domid).toBeUndefined();
    expect(body.vnc).toEqual({ available: false, viewers: 1, passwordProtected: false });
  });
});
