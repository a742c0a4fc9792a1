import { createHash } from 'node:crypto';
import { apiErrorSchema, sessionInfoSchema } from '@xendeck/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS } from '../src/auth/sessions.js';
import { FREE_ATTEMPTS } from '../src/auth/throttle.js';
import { Users } from '../src/auth/users.js';
import { ADMIN_PASSWORD, concretePath, type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

function login(
  app: Fixture['app'],
  username: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return request(app)
    .post('/api/v1/session')
    .set('Content-Type', 'application/json')
    .set(headers)
    .send({ username, password });
}

function cookieOf(res: request.Response): string {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return all.find((c) => c.startsWith('xendeck_session=')) ?? '';
}

describe('every route needs a session', () => {
  it('answers 401 UNAUTHENTICATED on each non-public route of the table without a cookie', async () => {
    const guarded = f.routes.filter((r) => r.access !== 'public');
    // The table is what the app mounts: if it shrank to nothing this test would prove nothing.
    expect(guarded.length).toBeGreaterThanOrEqual(12);
    // The metrics history and token routes are in the table, hence in this sweep; GET /metrics
    // (outside /api, bearer token) has its own 401 tests in metrics.test.ts.
    expect(guarded.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'get /domains/:name/metrics',
        'get /host/metrics',
        'get /settings/metrics-token',
        'post /settings/metrics-token/rotate',
      ]),
    );
    expect(f.plainRoutes.map((r) => r.path)).toEqual(['/metrics']);
    const domainsBefore = await f.sim.listDomains();
    for (const route of guarded) {
      const res = await request(f.app)
        [route.method](concretePath(route.path))
        .set('Content-Type', 'application/json')
        .send(route.method === 'get' ? undefined : { targetMiB: 600 });
      expect(res.status, `${route.method.toUpperCase()} ${route.path}`).toBe(401);
      expect(apiErrorSchema.parse(res.body).error.code).toBe('UNAUTHENTICATED');
    }
    // Nothing reached the backend.
    expect((await f.sim.listDomains()).map((d) => [d.name, d.state])).toEqual(
      domainsBefore.map((d) => [d.name, d.state]),
    );
  });

  it('answers 401 with a forged or unknown cookie', async () => {
    const res = await request(f.app)
      .get('/api/v1/domains')
      .set('Cookie', 'xendeck_session=forged-token');
    expect(res.status).toBe(401);
  });

  it("only the login route and the login page's server-info are public", () => {
    expect(
      f.routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`),
    ).toEqual(['post /session', 'get /server-info']);
  });

  it('refuses admin routes to a customer with 403 FORBIDDEN, but lets them see their session and their (empty) domain list', async () => {
    await new Users(f.db).create('carol', 'customer-password', 'customer');
    const agent = request.agent(f.app);
    await agent
      .post('/api/v1/session')
      .set('Content-Type', 'application/json')
      .send({ username: 'carol', password: 'customer-password' })
      .expect(204);
    const res = await agent.get('/api/v1/host');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    // The domain list is theirs, filtered to their grants: none yet.
    expect((await agent.get('/api/v1/domains').expect(200)).body).toEqual([]);
    const me = await agent.get('/api/v1/session').expect(200);
    expect(me.body).toEqual({
      username: 'carol',
      role: 'customer',
      grants: [],
      totpEnabled: false,
      backend: 'simulated',
    });
  });
});

describe('login', () => {
  it('logs in with the right password: 204, a session cookie, and GET /session says who', async () => {
    const res = await login(f.app, 'admin', ADMIN_PASSWORD);
    expect(res.status).toBe(204);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^xendeck_session=[A-Za-z0-9_-]{43};/);
    const me = await request(f.app)
      .get('/api/v1/session')
      .set('Cookie', cookie.split(';')[0] as string);
    expect(me.status).toBe(200);
    expect(sessionInfoSchema.parse(me.body)).toEqual({
      username: 'admin',
      role: 'admin',
      totpEnabled: false,
      backend: 'simulated',
    });
  });

  it('sets httpOnly, SameSite=Strict, Path=/ and no Secure over plain http', async () => {
    const cookie = cookieOf(await login(f.app, 'admin', ADMIN_PASSWORD));
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=strict');
    expect(attrs).toContain('path=/');
    expect(attrs).not.toContain('secure');
  });

  it('ignores X-Forwarded-Proto from a peer that is not a trusted proxy (edge.test.ts: trusted)', async () => {
    const cookie = cookieOf(
      await login(f.app, 'admin', ADMIN_PASSWORD, { 'X-Forwarded-Proto': 'https' }),
    );
    expect(cookie).toMatch(/^xendeck_session=/);
    expect(cookie.split(';').map((s) => s.trim().toLowerCase())).not.toContain('secure');
  });

  it('stores only the SHA-256 of the token', async () => {
    const token = (
      cookieOf(await login(f.app, 'admin', ADMIN_PASSWORD)).split(';')[0] as string
    ).split('=')[1] as string;
    const rows = f.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    const hashes = rows.map((r) => r.token_hash);
    expect(hashes).toContain(createHash('sha256').update(token).digest('hex'));
    expect(hashes).not.toContain(token);
  });

  it('refuses a wrong password and an unknown user with the same 401 and no cookie', async () => {
    const wrong = await login(f.app, 'admin', 'not the password');
    const unknown = await login(f.app, 'mallory', 'whatever');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'Wrong username or password' },
      });
      expect(cookieOf(res)).toBe('');
    }
  });

  it('validates the body: 422 INVALID_INPUT naming the missing field', async () => {
    const res = await request(f.app)
      .post('/api/v1/session')
      .set('Content-Type', 'application/json')
      .send({ username: 'admin' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message).toContain('password');
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ path: 'password' })]);
  });

  it('throttles after repeated failures per username + address, even for the right password, until the lock expires', async () => {
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      expect((await login(f.app, 'admin', `wrong-${i}`)).status).toBe(401);
    }
    const locked = await login(f.app, 'admin', ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Another username from the same address is not locked.
    expect((await login(f.app, 'someone-else', 'x')).status).toBe(401);
    // After the lock expires the right password works again.
    f.clock.now += 31_000;
    expect((await login(f.app, 'admin', ADMIN_PASSWORD)).status).toBe(204);
    const audit = f.logs
      .filter((l) => l.audit && l.action === 'session.login')
      .map((l) => l.result);
    expect(audit).toContain('TOO_MANY_REQUESTS');
    expect(audit.at(-1)).toBe('ok');
  });
});

describe('logout and expiry', () => {
  it('DELETE /session invalidates the session server-side and clears the cookie', async () => {
    const res = await f.admin.delete('/api/v1/session').set('Content-Type', 'application/json');
    expect(res.status).toBe(204);
    expect(cookieOf(res)).toMatch(/^xendeck_session=;/);
    // Replaying the old cookie no longer works.
    const replay = await request(f.app).get('/api/v1/host').set('Cookie', f.adminCookie);
    expect(replay.status).toBe(401);
    expect(f.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
  });

  it('expires a session left idle longer than 12 h', async () => {
    expect((await request(f.app).get('/api/v1/session').set('Cookie', f.adminCookie)).status).toBe(
      200,
    );
    f.clock.now += SESSION_IDLE_MS + 1000;
    expect((await request(f.app).get('/api/v1/session').set('Cookie', f.adminCookie)).status).toBe(
      401,
    );
  });
});

describe('mutating requests must be JSON', () => {
  it('answers 415 to a form post, before touching the domain', async () => {
    const res = await f.admin
      .post('/api/v1/domains/web-01/destroy')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=b');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await f.sim.domidByName('web-01')).toBeDefined();
  });
});
