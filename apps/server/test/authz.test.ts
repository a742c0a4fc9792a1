/**
 * Authorization (issue 11 §1): the grants store, each access level, a customer's 404 (no grant,
 * same answer as a missing domain) vs 403 (grant without the permission), the filtering of lists
 * (domains, tasks) and of both websockets (events, metrics), console sockets closed when the grant
 * goes, and what customer-reachable answers contain (no dom0 path, no config text, no other
 * domain). The route-by-route sweep is test/route-probe.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EventMessage,
  isoChoicesSchema,
  type MetricsFrame,
  MetricsFrameDecoder,
  type MetricsMessage,
  sessionInfoSchema,
  startableDomainsSchema,
  type Task,
} from '@xendeck/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import { type Fixture, login, makeFixture, type OpenedWs, opened, openWs } from './helpers.js';

let f: Fixture;
let users: Users;

/** A customer holding `permissions` on each of `domains`; returns their session cookie. */
async function customer(
  name: string,
  grants: {
    domain: string;
    permissions: ('view' | 'console' | 'power' | 'reinstall' | 'metrics')[];
  }[],
): Promise<{ cookie: string; id: number }> {
  const u = await users.create(name, `${name} password 123`, 'customer');
  f.context.grants.replace(u.id, grants);
  return { cookie: await login(f, name, `${name} password 123`), id: u.id };
}

const as = (cookie: string) => ({
  get: (path: string) => request(f.app).get(`/api/v1${path}`).set('Cookie', cookie),
  post: (path: string, body: object = {}) =>
    request(f.app)
      .post(`/api/v1${path}`)
      .set('Cookie', cookie)
      .set('Content-Type', 'application/json')
      .send(body),
});

/** Parsed JSON text messages of a socket so far. */
const messagesOf = <T>(s: OpenedWs): T[] =>
  s.messages.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m) as T);

beforeEach(async () => {
  f = await makeFixture({ metrics: { autoStart: false } });
  users = new Users(f.db);
});
afterEach(async () => {
  await f.cleanup();
});

describe('the grants store', () => {
  it('replaces in one go, adds view, merges a domain named twice, lists A→Z; never dom0', async () => {
    const u = await users.create('carol', 'carol password 1', 'customer');
    const g = f.context.grants;
    g.replace(u.id, [
      { domain: 'web-01', permissions: ['power'] },
      { domain: 'db-01', permissions: ['metrics', 'console'] },
      { domain: 'web-01', permissions: ['console', 'power'] },
    ]);
    expect(g.of(u.id)).toEqual([
      { domain: 'db-01', permissions: ['view', 'console', 'metrics'] },
      { domain: 'web-01', permissions: ['view', 'console', 'power'] },
    ]);
    expect(g.permissionsOn(u.id, 'web-01')).toEqual(['view', 'console', 'power']);
    expect(g.permissionsOn(u.id, 'build-pv')).toBeUndefined();
    expect(g.visibleDomains({ id: u.id, username: 'carol', role: 'customer' })).toEqual(
      new Set(['db-01', 'web-01']),
    );
    expect(g.visibleDomains({ id: 1, username: 'admin', role: 'admin' })).toBe('all');
    // dom0 is never granted: refused, and the previous grants stay.
    expect(() => g.replace(u.id, [{ domain: 'Domain-0', permissions: ['console'] }])).toThrow(
      /cannot be granted/,
    );
    expect(g.of(u.id)).toHaveLength(2);
    // A failing replace (unknown user: foreign key) changes nothing either.
    expect(() => g.replace(9999, [{ domain: 'web-01', permissions: ['view'] }])).toThrow();
    expect(f.db.prepare('SELECT count(*) AS n FROM grants').get()).toEqual({ n: 2 });
    g.replace(u.id, []);
    expect(g.of(u.id)).toEqual([]);
    g.replace(u.id, [{ domain: 'web-01', permissions: ['view'] }]);
    expect(g.removeDomain('web-01')).toBe(1);
    expect(g.of(u.id)).toEqual([]);
  });
});

describe('REST access levels', () => {
  it('operator: domain operations and resources, not host settings, config text or storage', async () => {
    await users.create('olga', 'olga password 1', 'operator');
    const op = as(await login(f, 'olga', 'olga password 1'));
    expect((await op.get('/domains')).body.map((d: { name: string }) => d.name)).toContain(
      'Domain-0',
    );
    expect((await op.get('/domains/db-01/memory')).status).toBe(200);
    expect((await op.post('/domains/build-pv/unpause')).status).toBe(204);
    // dom0 is the host: an operator sees it, but its console and lifecycle are admins'.
    expect((await op.get('/domains/Domain-0')).status).toBe(200);
    expect((await op.get('/domains/Domain-0/console')).status).toBe(403);
    expect((await op.post('/domains/Domain-0/reboot')).status).toBe(403);
    for (const path of ['/configs', '/storage/volume-groups', '/settings/metrics-token']) {
      const res = await op.get(path);
      expect(res.status, path).toBe(403);
      expect(res.body.error.message).toBe('This needs the admin role; you are operator');
    }
  });

  it('customer: 404 without a grant (the same answer as a missing domain), 403 with a grant lacking the permission', async () => {
    const { cookie } = await customer('carol', [{ domain: 'db-01', permissions: ['view'] }]);
    const c = as(cookie);
    expect((await c.get('/domains/db-01')).body).toMatchObject({ name: 'db-01', state: 'running' });

    const hidden = await c.get('/domains/web-01');
    const missing = await f.admin.get('/api/v1/domains/web-99');
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.body).toEqual(
      JSON.parse(JSON.stringify(missing.body).replaceAll('web-99', 'web-01')),
    );
    // Power on an ungranted domain: 404 too, and nothing happened to it.
    expect((await c.post('/domains/web-01/destroy')).status).toBe(404);
    expect((await f.sim.listDomains()).map((d) => d.name)).toContain('web-01');

    const noPower = await c.post('/domains/db-01/destroy');
    expect(noPower.status).toBe(403);
    expect(noPower.body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { name: 'db-01', needed: 'power' },
    });
    expect((await f.sim.listDomains()).find((d) => d.name === 'db-01')?.state).toBe('running');
    // Operator-level and admin-level routes: 403 (they are not about one domain).
    expect((await c.get('/domains/db-01/memory')).status).toBe(403);
    expect((await c.get('/host')).status).toBe(403);
  });

  it('customer with power restarts their domain; GET /session lists their grants', async () => {
    const { cookie } = await customer('dave', [
      { domain: 'build-pv', permissions: ['power', 'console'] },
    ]);
    const c = as(cookie);
    expect((await c.post('/domains/build-pv/unpause')).status).toBe(204);
    await expect
      .poll(async () => (await f.sim.listDomains()).find((d) => d.name === 'build-pv')?.state)
      .not.toBe('paused');
    const me = sessionInfoSchema.parse((await c.get('/session')).body);
    expect(me).toEqual({
      username: 'dave',
      role: 'customer',
      grants: [{ domain: 'build-pv', permissions: ['view', 'console', 'power'] }],
      totpEnabled: false,
      backend: 'simulated',
    });
    // Admins get no grants field.
    expect((await f.admin.get('/api/v1/session')).body.grants).toBeUndefined();
  });
});

describe('starting a domain that is not running', () => {
  it('GET /startable-domains gives operators the names of configs not running, no paths; customers 403', async () => {
    await users.create('olga', 'olga password 1', 'operator');
    const op = as(await login(f, 'olga', 'olga password 1'));
    writeFileSync(join(f.config.configDir, 'zz-off.cfg'), 'name = "zz-off"\nmemory = 256\n');
    writeFileSync(join(f.config.configDir, 'web-01.cfg'), 'name = "web-01"\nmemory = 256\n');
    const res = await op.get('/startable-domains');
    expect(res.status, res.text).toBe(200);
    const names = startableDomainsSchema.parse(res.body).names;
    expect(names).toContain('zz-off');
    // web-01 runs: not startable. Sorted A→Z.
    expect(names).not.toContain('web-01');
    expect(names).toEqual([...names].sort());
    expect(res.text).not.toContain(f.config.configDir);
    // Once web-01 is gone it is startable; the operator starts it.
    f.sim.external.destroy('web-01');
    await expect.poll(async () => f.sim.domidByName('web-01')).toBeUndefined();
    expect(startableDomainsSchema.parse((await op.get('/startable-domains')).body).names).toContain(
      'web-01',
    );
    expect((await op.post('/domains/web-01/start')).status).toBe(201);

    const { cookie } = await customer('gina', [{ domain: 'zz-off', permissions: ['power'] }]);
    expect((await as(cookie).get('/startable-domains')).status).toBe(403);
  });

  it('a customer with power starts their shut-off domain; without a config file: 404 CONFIG_NOT_FOUND, no dom0 path', async () => {
    const { cookie } = await customer('hank', [
      { domain: 'hank-off', permissions: ['power'] },
      { domain: 'hank-gone', permissions: ['power'] },
    ]);
    const c = as(cookie);
    // Not running: not in their domain list, but in their session's grants.
    expect((await c.get('/domains')).body).toEqual([]);
    writeFileSync(join(f.config.configDir, 'hank-off.cfg'), 'name = "hank-off"\nmemory = 256\n');
    const started = await c.post('/domains/hank-off/start');
    expect(started.status, started.text).toBe(201);
    expect((await c.get('/domains')).body.map((d: { name: string }) => d.name)).toEqual([
      'hank-off',
    ]);
    const missing = await c.post('/domains/hank-gone/start');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CONFIG_NOT_FOUND');
    expect(missing.text).not.toContain(f.config.configDir);
  });
});

describe('lists are filtered to the customer’s domains', () => {
  it('GET /domains and GET /tasks; a task of another domain answers 404; start output has no dom0 path', async () => {
    const { cookie } = await customer('erin', [{ domain: 'web-01', permissions: ['power'] }]);
    const c = as(cookie);
    expect((await c.get('/domains')).body.map((d: { name: string }) => d.name)).toEqual(['web-01']);

    writeFileSync(join(f.config.configDir, 'web-01.cfg'), 'name = "web-01"\nmemory = 256\n');
    writeFileSync(join(f.config.configDir, 'other.cfg'), 'name = "other"\nmemory = 256\n');
    f.sim.external.destroy('web-01');
    await expect.poll(async () => f.sim.domidByName('web-01')).toBeUndefined();

    // The customer starts theirs as a task; the admin starts another domain as a task.
    const mine = await c.post('/domains/web-01/start?async=1');
    expect(mine.status, mine.text).toBe(202);
    const theirs = await f.admin
      .post('/api/v1/domains/other/start?async=1')
      .set('Content-Type', 'application/json')
      .send({});
    expect(theirs.status, theirs.text).toBe(202);
    await expect
      .poll(async () =>
        ((await f.admin.get('/api/v1/tasks')).body as Task[]).every((t) => t.state !== 'running'),
      )
      .toBe(true);
    const adminTasks = (await f.admin.get('/api/v1/tasks')).body as Task[];
    expect(adminTasks.map((t) => t.target).sort()).toEqual(['domain:other', 'domain:web-01']);

    const listed = (await c.get('/tasks')).body as Task[];
    expect(listed.map((t) => t.target)).toEqual(['domain:web-01']);
    expect(JSON.stringify(listed)).not.toContain(f.config.configDir);
    expect(listed[0]?.steps.every((s) => s.output === '')).toBe(true);
    const otherId = adminTasks.find((t) => t.target === 'domain:other')?.id as string;
    const hidden = await c.get(`/tasks/${otherId}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('TASK_NOT_FOUND');

    // A config file declaring another name would start a domain the customer has no grant on.
    writeFileSync(join(f.config.configDir, 'web-01.cfg'), 'name = "sneaky"\nmemory = 256\n');
    await c.post('/domains/web-01/destroy');
    await expect.poll(async () => f.sim.domidByName('web-01')).toBeUndefined();
    const refusedStart = await c.post('/domains/web-01/start');
    expect(refusedStart.status).toBe(422);
    // (boot-from-disk, which rewrites that file, needs reinstall: 403 before the file is read.)
    expect((await c.post('/domains/web-01/boot-from-disk', { dryRun: true })).status).toBe(403);
    expect(refusedStart.body.error.code).toBe('CONFIG_INVALID');
    expect(refusedStart.text).not.toContain('sneaky');
    expect(await f.sim.domidByName('sneaky')).toBeUndefined();
    writeFileSync(join(f.config.configDir, 'web-01.cfg'), 'name = "web-01"\nmemory = 256\n');

    // A synchronous start: the answer's xl output (it names the config path) is emptied.
    const started = await c.post('/domains/web-01/start');
    expect(started.status, started.text).toBe(201);
    expect(started.body).toMatchObject({ name: 'web-01', output: '' });
  });

  it('the events websocket sends a customer only their domains', async () => {
    const { cookie } = await customer('fay', [{ domain: 'db-01', permissions: ['view'] }]);
    const { port } = await f.listen();
    const s = opened(await openWs(`ws://127.0.0.1:${port}/api/v1/events`, { Cookie: cookie }));
    const admin = opened(
      await openWs(`ws://127.0.0.1:${port}/api/v1/events`, { Cookie: f.adminCookie }),
    );
    await expect.poll(() => messagesOf<EventMessage>(s).length).toBeGreaterThan(0);
    const [snapshot] = messagesOf<EventMessage>(s);
    expect(snapshot?.type === 'snapshot' && snapshot.domains.map((d) => d.name)).toEqual(['db-01']);
    f.sim.external.destroy('web-01');
    f.sim.external.destroy('db-01');
    // The admin hears both; the customer only db-01.
    const removed = (m: EventMessage[]) =>
      m.filter((e) => e.type === 'domain.removed').map((e) => (e as { name: string }).name);
    await expect
      .poll(() => removed(messagesOf<EventMessage>(admin)).sort())
      .toEqual(['db-01', 'web-01']);
    await expect.poll(() => removed(messagesOf<EventMessage>(s))).toEqual(['db-01']);
    expect(JSON.stringify(s.messages)).not.toContain('web-01');
    expect(JSON.stringify(s.messages)).not.toContain('Domain-0');
    s.ws.close();
    admin.ws.close();
  });

  it('the metrics websocket sends only domains with the metrics permission, and no host totals', async () => {
    const withMetrics = await customer('gil', [
      { domain: 'db-01', permissions: ['metrics'] },
      { domain: 'web-01', permissions: ['view'] },
    ]);
    const { port } = await f.listen();
    const url = `ws://127.0.0.1:${port}/api/v1/metrics`;
    const s = opened(await openWs(url, { Cookie: withMetrics.cookie }));
    const admin = opened(await openWs(url, { Cookie: f.adminCookie }));
    // Even asking for everything by name does not widen it.
    s.ws.send(JSON.stringify({ type: 'subscribe', domains: ['db-01', 'web-01', 'Domain-0'] }));
    await new Promise((r) => setTimeout(r, 50));
    await f.metrics.sampler.tick();
    await f.metrics.sampler.tick();
    const samples = (o: OpenedWs) =>
      messagesOf<MetricsMessage>(o).filter(
        (m): m is Extract<MetricsMessage, { type: 'sample' }> => m.type === 'sample',
      );
    await expect.poll(() => samples(s).length).toBeGreaterThan(0);
    await expect.poll(() => samples(admin).length).toBeGreaterThan(0);
    for (const m of samples(s)) {
      expect(m.domains.map((d) => d.name)).toEqual(['db-01']);
      expect(m.host).toMatchObject({ totalMemoryBytes: 0, freeMemoryBytes: 0, cpuPercent: null });
      expect(m.host.nrCpus).toBeGreaterThan(0);
    }
    const adminLast = samples(admin).at(-1);
    expect(adminLast?.domains.length).toBeGreaterThan(2);
    expect(adminLast?.host.totalMemoryBytes).toBeGreaterThan(0);
    s.ws.close();
    admin.ws.close();
  });

  it('metrics frames keep the same filter, and a grant given mid-stream brings a keyframe', async () => {
    const c = await customer('gwen', [
      { domain: 'db-01', permissions: ['metrics'] },
      { domain: 'web-01', permissions: ['view'] },
    ]);
    const { port } = await f.listen();
    const s = opened(await openWs(`ws://127.0.0.1:${port}/api/v1/metrics`, { Cookie: c.cookie }));
    s.ws.send(JSON.stringify({ type: 'subscribe', domains: '*', fields: ['cpuPercent', 'state'] }));
    await new Promise((r) => setTimeout(r, 50));
    const frames = () =>
      messagesOf<MetricsMessage>(s).filter((m): m is MetricsFrame => m.type === 'frame');
    const views = () => {
      const dec = new MetricsFrameDecoder();
      return frames().map((m) => dec.apply(m));
    };
    await f.metrics.sampler.tick();
    await f.metrics.sampler.tick();
    await expect.poll(() => frames().length).toBeGreaterThanOrEqual(2);
    expect(frames().at(-1)?.key).toBe(false);
    f.context.grants.replace(c.id, [
      { domain: 'db-01', permissions: ['metrics'] },
      { domain: 'web-01', permissions: ['metrics'] },
    ]);
    await f.metrics.sampler.tick();
    await expect.poll(() => frames().at(-1)?.domains?.name).toEqual(['web-01', 'db-01']);
    expect(frames().at(-1)?.key).toBe(true);
    const all = views();
    for (const v of all) {
      if (v === 'resubscribe') throw new Error('a frame could not be applied');
      expect(v.host).toMatchObject({ totalMemoryBytes: 0, freeMemoryBytes: 0, cpuPercent: null });
    }
    const names = all.map((v) => (v === 'resubscribe' ? [] : v.domains.map((d) => d.name)));
    expect(names.slice(0, -1).every((n) => n.join() === 'db-01')).toBe(true);
    expect(names.at(-1)).toEqual(['web-01', 'db-01']);
    s.ws.close();
  });
});

describe('consoles', () => {
  it('a console socket needs console on the domain (404 / 403), and closes as soon as the grant goes', async () => {
    const viewer = await customer('hal', [{ domain: 'build-pv', permissions: ['view'] }]);
    const cons = await customer('ivy', [{ domain: 'build-pv', permissions: ['console'] }]);
    const { port } = await f.listen();
    const url = (name: string) => `ws://127.0.0.1:${port}/api/v1/domains/${name}/console/text`;
    const r403 = await openWs(url('build-pv'), { Cookie: viewer.cookie });
    expect('status' in r403 && r403.status).toBe(403);
    const r404 = await openWs(url('web-01'), { Cookie: cons.cookie });
    expect('status' in r404 && [r404.status, r404.body.trim()]).toEqual([
      404,
      'No domain named "web-01"',
    ]);
    // A ticket for another domain is refused the same way.
    const ticket = await as(cons.cookie).post('/domains/web-01/console/tickets', { kind: 'pv' });
    expect(ticket.status).toBe(404);

    const s = opened(await openWs(url('build-pv'), { Cookie: cons.cookie }));
    // Replacing the grants re-checks the open sockets at once (no wait for the periodic check).
    f.context.grants.replace(cons.id, [{ domain: 'build-pv', permissions: ['view'] }]);
    expect(await s.closed).toEqual({ code: 1008, reason: 'access revoked' });
    expect(f.context.connections.check()).toBe(0);
  });
});

describe('what customer answers contain', () => {
  it('CD-ROM and boot-from-disk: no dom0 paths, no config text; a customer-safe ISO list', async () => {
    const isoDir = f.config.isoDir;
    mkdirSync(isoDir, { recursive: true });
    writeFileSync(join(isoDir, 'debian-12.iso'), 'CD001 installer');
    writeFileSync(
      join(f.config.configDir, 'inst.cfg'),
      `name = "inst"\ntype = "hvm"\nmemory = 512\nboot = "dc"\ndisk = [ 'phy:/dev/vg0/inst,xvda,w', 'file:${isoDir}/debian-12.iso,hdc:cdrom,r' ]\nvnc = 1\n`,
    );
    const started = await f.admin
      .post('/api/v1/domains/inst/start')
      .set('Content-Type', 'application/json')
      .send({});
    expect(started.status, started.text).toBe(201);
    const { cookie } = await customer('jon', [{ domain: 'inst', permissions: ['reinstall'] }]);
    const c = as(cookie);

    const choices = isoChoicesSchema.parse((await c.get('/domains/inst/cdrom/isos')).body);
    expect(choices).toEqual({ isos: [{ name: 'debian-12.iso', sizeBytes: 15 }] });
    expect((await c.get('/isos')).status).toBe(403);

    const status = await c.get('/domains/inst/cdrom');
    expect(status.body.drives).toEqual([
      { vdev: 'hdc', target: 'debian-12.iso', iso: 'debian-12.iso' },
    ]);
    const missing = await c.post('/domains/inst/cdrom/hdc/insert', { iso: 'nope.iso' });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).not.toContain(isoDir);
    expect(missing.body.error.message).toContain('<dom0 path>');

    const preview = await c.post('/domains/inst/boot-from-disk', { dryRun: true });
    expect(preview.status, preview.text).toBe(200);
    const text = JSON.stringify(preview.body);
    expect(text).not.toContain('/dev/vg0');
    expect(text).not.toContain(isoDir);
    expect(text).not.toContain(f.config.configDir);
    expect(preview.body).toMatchObject({ path: '', before: '', after: '', written: false });
    expect(preview.body.changes).toContainEqual({ kind: 'boot', before: 'dc', after: 'c' });

    // A file declaring another name is not theirs to rewrite.
    const cfg = join(f.config.configDir, 'inst.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('name = "inst"', 'name = "inst2"'));
    const foreign = await c.post('/domains/inst/boot-from-disk', { dryRun: true });
    expect([foreign.status, foreign.body.error.code]).toEqual([422, 'CONFIG_INVALID']);
    expect(foreign.text).not.toContain('inst2');

    // The admin still sees everything.
    const adminStatus = await f.admin.get('/api/v1/domains/inst/cdrom');
    expect(adminStatus.body.drives[0].target).toBe(join(isoDir, 'debian-12.iso'));
  });
});
