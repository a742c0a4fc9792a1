/**
 * The route probe (issue 11 §5): every REST route and websocket of the app's own tables
 * (`createApp(...).routes` and `.wsRoutes`, never a hand list), called as anonymous, as a
 * customer without any grant, as a customer holding each single permission on one domain
 * (`db-01`, the simulated HVM guest), as an operator and as an admin; each answer is checked
 * against the route's declared access:
 *
 * - refused: 401 UNAUTHENTICATED (anonymous), 403 FORBIDDEN (role below the level, or a grant
 *   without the permission), 404 DOMAIN_NOT_FOUND with the very answer a missing domain gets
 *   (a customer without a grant on the domain);
 * - passed: a mutation is sent with a malformed JSON body, so a passed access check is proven by
 *   the body parser's 422 (which runs right after it) and nothing runs; a read runs for real and
 *   must not answer 401/403/DOMAIN_NOT_FOUND.
 *
 * A refused mutation is sent with a well-formed body (`{}`), so a hole in the check would run
 * the handler: after each identity the simulated host's domains (name, state, memory, vCPUs),
 * the config directory, the users and grants tables must be what they were.
 *
 * Every answer a customer gets (passed or refused) must name no other domain and no dom0 path.
 * Customer `{ domain }` routes are also probed on a domain they hold no grant on (`web-01`), on
 * one that does not exist and on dom0: all 404, same body but the name. Operators are probed on
 * dom0 too: only `view` and `metrics` pass there.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERMISSIONS, type Permission } from '@xendeck/api';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import type { RouteAccess } from '../src/routes/types.js';
import { type Fixture, login, makeFixture, openWs } from './helpers.js';

/** The granted domain, one that exists but is not granted, one that does not exist. */
const GRANTED = 'db-01';
const OTHER = 'web-01';
const MISSING = 'no-such-domain';
/** dom0: never granted; an operator may only see it and its metrics. */
const DOM0 = 'Domain-0';

/** Fills a route's path parameters: the domain, then plausible values for the others. */
function fill(path: string, domain: string): string {
  const values: Record<string, string> = { name: domain, vdev: 'hdc', devid: '0', id: '1' };
  return path.replace(/:(\w+)/g, (_m, p: string) => values[p] ?? 'x');
}

interface Identity {
  label: string;
  /** `Cookie` header, or undefined for anonymous. */
  cookie: string | undefined;
  role: 'anonymous' | 'admin' | 'operator' | 'customer';
  /** A customer's permissions on GRANTED (undefined: no grant at all). */
  granted?: readonly Permission[];
}

type Expected = 'pass' | 401 | 403 | 404;

/** What `who` must get from a route of `access`, on domain `domain`. */
function expected(access: RouteAccess, who: Identity, domain: string): Expected {
  if (access === 'public') return 'pass';
  if (who.role === 'anonymous') return 401;
  if (access === 'user') return 'pass';
  if (access === 'admin') return who.role === 'admin' ? 'pass' : 403;
  if (access === 'operator') return who.role === 'customer' ? 403 : 'pass';
  if (who.role === 'admin') return 'pass';
  if (who.role === 'operator') {
    return domain === DOM0 && !['view', 'metrics'].includes(access.domain) ? 403 : 'pass';
  }
  if (domain !== GRANTED || !who.granted) return 404;
  return access.domain === 'view' || who.granted.includes(access.domain) ? 'pass' : 403;
}

/** The domains a route is probed on: the granted one; for `{ domain }` routes more. */
function domainsToProbe(access: RouteAccess, who: Identity): string[] {
  if (typeof access !== 'object') return [GRANTED];
  if (who.role === 'customer') return [GRANTED, OTHER, MISSING, DOM0];
  if (who.role === 'operator') return [GRANTED, DOM0];
  return [GRANTED];
}

let f: Fixture;
let port: number;
const identities: Identity[] = [];

/** What must not change when calls are refused. */
async function worldState(): Promise<unknown> {
  const domains = (await f.sim.listDomains()).map((d) => [d.name, d.state, d.memoryKiB, d.vcpus]);
  return {
    domains,
    configs: readdirSync(f.config.configDir).sort(),
    users: f.db.prepare('SELECT id, username, role FROM users ORDER BY id').all(),
    grants: f.db.prepare('SELECT * FROM grants ORDER BY user_id, domain').all(),
  };
}

beforeAll(async () => {
  f = await makeFixture({ metrics: { autoStart: false } });
  port = (await f.listen()).port;
  // An ISO from the library in db-01's CD drive, so that its dom0 path is there to leak.
  mkdirSync(f.config.isoDir, { recursive: true });
  writeFileSync(join(f.config.isoDir, 'probe.iso'), 'CD001 probe');
  const inserted = await f.admin
    .post(`/api/v1/domains/${GRANTED}/cdrom/hdc/insert`)
    .set('Content-Type', 'application/json')
    .send({ iso: 'probe.iso' });
  expect(inserted.status, inserted.text).toBe(200);
  const users = new Users(f.db);
  identities.push({ label: 'anonymous', cookie: undefined, role: 'anonymous' });
  identities.push({ label: 'admin', cookie: f.adminCookie, role: 'admin' });
  await users.create('probe-op', 'operator password 1', 'operator');
  identities.push({
    label: 'operator',
    cookie: await login(f, 'probe-op', 'operator password 1'),
    role: 'operator',
  });
  await users.create('probe-none', 'customer password 0', 'customer');
  identities.push({
    label: 'customer, no grant',
    cookie: await login(f, 'probe-none', 'customer password 0'),
    role: 'customer',
  });
  for (const p of PERMISSIONS) {
    const u = await users.create(`probe-${p}`, `customer password ${p}`, 'customer');
    f.context.grants.replace(u.id, [{ domain: GRANTED, permissions: [p] }]);
    identities.push({
      label: `customer, ${p} on ${GRANTED}`,
      cookie: await login(f, `probe-${p}`, `customer password ${p}`),
      role: 'customer',
      granted: f.context.grants.permissionsOn(u.id, GRANTED),
    });
  }
}, 60_000);

afterAll(async () => {
  await f?.cleanup();
});

/**
 * A customer's answer names no domain but the one they asked about and the granted one, and no
 * dom0 path (the fixture's config, ISO, image and state directories are all under its state
 * directory; the simulated disks are LVs under /dev/vg0).
 */
function expectNothingForeign(text: string, asked: string, what: string): void {
  for (const other of ['web-01', 'build-pv', 'Domain-0']) {
    if (other !== asked) expect(text, `${what} names ${other}`).not.toContain(other);
  }
  expect(text, `${what} shows a dom0 path`).not.toContain(f.stateDir);
  expect(text, `${what} shows a dom0 path`).not.toContain('/dev/vg0');
}

/** The answer of a missing domain, as the route's own check words it (name replaced). */
function notFoundBody(name: string) {
  return {
    error: { code: 'DOMAIN_NOT_FOUND', message: `No domain named "${name}"`, details: { name } },
  };
}

describe('route probe (from createApp().routes and .wsRoutes)', () => {
  it('answers every REST route and websocket as its declared access says, and refused calls touch nothing', async () => {
    // The tables are what the app mounts: if they shrank this test would prove little.
    expect(f.routes.length).toBeGreaterThan(80);
    expect(f.wsRoutes.length).toBe(4);
    const lines: string[] = [];
    let totalProbed = 0;
    let totalRefused = 0;

    for (const who of identities) {
      const before = await worldState();
      let probed = 0;
      let refusedCount = 0;

      for (const route of f.routes) {
        const domains = domainsToProbe(route.access, who);
        for (const domain of domains) {
          const want = expected(route.access, who, domain);
          const url = `/api/v1${fill(route.path, domain)}`;
          const what = `${who.label}: ${route.method.toUpperCase()} ${url}`;
          let req = request(f.app)[route.method](url).set('Content-Type', 'application/json');
          if (who.cookie) req = req.set('Cookie', who.cookie);
          const mutation = route.method !== 'get';
          // A refused mutation carries a valid body (a hole would run the handler); a passing one
          // a malformed body (the parser's 422 proves the check passed, and nothing runs).
          const res = mutation ? await req.send(want === 'pass' ? '{' : '{}') : await req;
          probed++;
          if (who.role === 'customer') expectNothingForeign(res.text, domain, what);
          if (want === 'pass') {
            expect(res.status, what).not.toBe(401);
            expect(res.status, what).not.toBe(403);
            if (mutation) {
              expect(res.status, `${what} ${res.text}`).toBe(422);
              expect(res.body.error.message, what).toMatch(/^Malformed JSON/);
            } else {
              expect(res.body?.error?.code, `${what} ${res.text}`).not.toBe('DOMAIN_NOT_FOUND');
              expect(res.status, `${what} ${res.text}`).toBeLessThan(500);
            }
          } else {
            refusedCount++;
            expect(res.status, `${what} ${res.text}`).toBe(want);
            if (want === 404) expect(res.body, what).toEqual(notFoundBody(domain));
            if (want === 401) expect(res.body.error.code, what).toBe('UNAUTHENTICATED');
            if (want === 403) expect(res.body.error.code, what).toBe('FORBIDDEN');
          }
        }
      }

      for (const route of f.wsRoutes) {
        const domains = domainsToProbe(route.access, who);
        for (const domain of domains) {
          const want = expected(route.access, who, domain);
          const url = `ws://127.0.0.1:${port}${fill(route.path, domain)}`;
          const what = `${who.label}: WS ${url}`;
          const r = await openWs(url, who.cookie ? { Cookie: who.cookie } : {});
          probed++;
          if (who.role === 'customer' && 'status' in r) expectNothingForeign(r.body, domain, what);
          if ('status' in r) {
            if (want === 'pass') {
              // The route's own authorize may refuse (409 no such console), never the access check.
              expect([401, 403], `${what} ${r.body}`).not.toContain(r.status);
              expect(r.body, what).not.toMatch(/^No domain named/);
            } else {
              refusedCount++;
              expect(r.status, `${what} ${r.body}`).toBe(want);
              if (want === 404) expect(r.body.trim(), what).toBe(`No domain named "${domain}"`);
            }
          } else {
            expect(want, `${what} opened`).toBe('pass');
            r.ws.close();
            await r.closed;
          }
        }
      }

      expect(await worldState(), `${who.label}: state after the probe`).toEqual(before);
      lines.push(`${who.label}: probed ${probed}, refused ${refusedCount}`);
      totalProbed += probed;
      totalRefused += refusedCount;
    }
    console.log(
      `route probe (${f.routes.length} REST routes, ${f.wsRoutes.length} websockets):\n  ${lines.join('\n  ')}\n  total: probed ${totalProbed}, refused ${totalRefused}`,
    );
    // Anonymous is refused everything but the public routes (the login, and what the login page
    // reads before it).
    const publicRoutes = f.routes.filter((r) => r.access === 'public').length;
    expect(publicRoutes).toBeLessThanOrEqual(2);
    expect(lines[0]).toBe(
      `anonymous: probed ${f.routes.length + f.wsRoutes.length}, refused ${f.routes.length + f.wsRoutes.length - publicRoutes}`,
    );
  }, 120_000);
});
