/**
 * API tokens (src/auth/tokens.ts, `/session/tokens`, `/users/:username/tokens`): the format, only
 * the SHA-256 at rest, acting as the user (role and grants, read at each request), what a token
 * may not do (its own user's password, TOTP and tokens: 403 SESSION_REQUIRED), revocation,
 * expiry, last use, and the JSON rule for mutations.
 */
import { createHash } from 'node:crypto';
import { apiTokenSchema, createdApiTokenSchema } from '@xendeck/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAST_USED_EVERY_MS } from '../src/auth/tokens.js';
import { ADMIN_PASSWORD, type Fixture, login, makeFixture } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const JSON_TYPE = { 'Content-Type': 'application/json' };
const DAY_MS = 24 * 60 * 60 * 1000;

async function newToken(cookie: string, body: object = { name: 'monitoring' }) {
  const res = await request(f.app)
    .post('/api/v1/session/tokens')
    .set('Cookie', cookie)
    .set(JSON_TYPE)
    .send(body);
  expect(res.status, res.text).toBe(201);
  return createdApiTokenSchema.parse(res.body);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function createUser(username: string, role: string) {
  await request(f.app)
    .post('/api/v1/users')
    .set('Cookie', f.adminCookie)
    .set(JSON_TYPE)
    .send({ username, password: `${username} password 1`, role })
    .expect(201);
  return login(f, username, `${username} password 1`);
}

describe('creating and listing', () => {
  it('answers xdk_ + 43 base64url characters once; only its SHA-256 is stored; the list never shows it', async () => {
    const created = await newToken(f.adminCookie, { name: 'prometheus', expiresInDays: 30 });
    expect(created.token).toMatch(/^xdk_[A-Za-z0-9_-]{43}$/);
    expect(created.expiresAt).toBe(f.clock.now + 30 * DAY_MS);
    const row = f.db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
    expect(row.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
    const list = await request(f.app).get('/api/v1/session/tokens').set('Cookie', f.adminCookie);
    expect(list.status).toBe(200);
    expect(list.body.map((t: unknown) => apiTokenSchema.parse(t))).toEqual([
      {
        id: created.id,
        name: 'prometheus',
        createdAt: f.clock.now,
        lastUsedAt: null,
        expiresAt: created.expiresAt,
      },
    ]);
    expect(list.text).not.toContain(created.token);
    // Two tokens never collide.
    expect((await newToken(f.adminCookie)).token).not.toBe(created.token);
  });

  it('validates the body (name 1–64, expiresInDays 1–3650)', async () => {
    for (const body of [{ name: '' }, { name: 'x'.repeat(65) }, { name: 'a', expiresInDays: 0 }]) {
      const res = await request(f.app)
        .post('/api/v1/session/tokens')
        .set('Cookie', f.adminCookie)
        .set(JSON_TYPE)
        .send(body);
      expect(res.status).toBe(422);
    }
    expect(f.db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 0 });
  });
});

describe('a token acts as its user', () => {
  it('an admin token reaches admin routes; GET /session names the user', async () => {
    const { token } = await newToken(f.adminCookie);
    const me = await request(f.app).get('/api/v1/session').set(bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin' });
    expect((await request(f.app).get('/api/v1/users').set(bearer(token))).status).toBe(200);
  });

  it('a customer token has the customer’s grants: their domain yes, another 404, admin routes 403; a new grant counts at once', async () => {
    const carol = await createUser('carol', 'customer');
    const { token } = await newToken(carol);
    const [first, second] = (await f.sim.listDomains()).filter((d) => d.domid !== 0);
    if (!first || !second) throw new Error('the simulated host has two guests');
    await request(f.app)
      .put('/api/v1/users/carol/grants')
      .set('Cookie', f.adminCookie)
      .set(JSON_TYPE)
      .send({ grants: [{ domain: first.name, permissions: ['view'] }] })
      .expect(200);
    expect(
      (await request(f.app).get(`/api/v1/domains/${first.name}`).set(bearer(token))).status,
    ).toBe(200);
    const other = await request(f.app).get(`/api/v1/domains/${second.name}`).set(bearer(token));
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('DOMAIN_NOT_FOUND');
    expect((await request(f.app).get('/api/v1/users').set(bearer(token))).status).toBe(403);
    await request(f.app)
      .put('/api/v1/users/carol/grants')
      .set('Cookie', f.adminCookie)
      .set(JSON_TYPE)
      .send({ grants: [{ domain: second.name, permissions: ['view'] }] })
      .expect(200);
    expect(
      (await request(f.app).get(`/api/v1/domains/${second.name}`).set(bearer(token))).status,
    ).toBe(200);
    expect(
      (await request(f.app).get(`/api/v1/domains/${first.name}`).set(bearer(token))).status,
    ).toBe(404);
  });

  it('a role change counts at once: an operator demoted to customer loses operator routes with the same token', async () => {
    const ops = await createUser('ops', 'operator');
    const { token } = await newToken(ops);
    const [guest] = (await f.sim.listDomains()).filter((d) => d.domid !== 0);
    expect(
      (await request(f.app).get(`/api/v1/domains/${guest?.name}`).set(bearer(token))).status,
    ).toBe(200);
    await request(f.app)
      .put('/api/v1/users/ops')
      .set('Cookie', f.adminCookie)
      .set(JSON_TYPE)
      .send({ role: 'customer' })
      .expect(200);
    expect(
      (await request(f.app).get(`/api/v1/domains/${guest?.name}`).set(bearer(token))).status,
    ).toBe(404);
  });

  it('mutations with a token still need Content-Type: application/json (415)', async () => {
    const { token } = await newToken(f.adminCookie);
    const res = await request(f.app)
      .post('/api/v1/users')
      .set(bearer(token))
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ username: 'x1', password: 'long enough 1', role: 'customer' }));
    expect(res.status).toBe(415);
    expect(f.context.users.byName('x1')).toBeUndefined();
    const ok = await request(f.app)
      .post('/api/v1/users')
      .set(bearer(token))
      .set(JSON_TYPE)
      .send({ username: 'x1', password: 'long enough 1', role: 'customer' });
    expect(ok.status).toBe(201);
    // The audit row names the token's user.
    const row = f.db
      .prepare("SELECT username FROM audit_log WHERE action = 'user.create'")
      .get() as { username: string };
    expect(row.username).toBe('admin');
  });
});

describe('what a token may not do', () => {
  it('manage tokens, change the password, touch TOTP or log out: 403 SESSION_REQUIRED, nothing changed', async () => {
    const { token, id } = await newToken(f.adminCookie);
    const calls: [string, string, object][] = [
      ['get', '/session/tokens', {}],
      ['post', '/session/tokens', { name: 'successor' }],
      ['delete', `/session/tokens/${id}`, {}],
      [
        'put',
        '/session/password',
        { currentPassword: ADMIN_PASSWORD, newPassword: 'taken over by a script' },
      ],
      ['post', '/session/totp', {}],
      ['delete', '/session/totp', { password: ADMIN_PASSWORD }],
      ['delete', '/session', {}],
    ];
    for (const [method, path, body] of calls) {
      const req = request(f.app)
        [method as 'post'](`/api/v1${path}`)
        .set(bearer(token))
        .set(JSON_TYPE);
      const res = method === 'get' ? await req : await req.send(body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('SESSION_REQUIRED');
    }
    expect(f.db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 1 });
    expect(await f.context.users.verify('admin', ADMIN_PASSWORD)).toBeDefined();
  });

  it('a token is not accepted on websockets (they need the session cookie)', async () => {
    const { token } = await newToken(f.adminCookie);
    const { port } = await f.listen();
    const { openWs } = await import('./helpers.js');
    const r = await openWs(`ws://127.0.0.1:${port}/api/v1/events`, bearer(token));
    expect('status' in r && r.status).toBe(401);
  });
});

describe('revocation, expiry, last use', () => {
  it('a revoked token answers 401 at once; revoking another user’s token id is 404', async () => {
    const { token, id } = await newToken(f.adminCookie);
    const carol = await createUser('carol', 'customer');
    const notHers = await request(f.app)
      .delete(`/api/v1/session/tokens/${id}`)
      .set('Cookie', carol)
      .set(JSON_TYPE);
    expect(notHers.status).toBe(404);
    expect(notHers.body.error.code).toBe('TOKEN_NOT_FOUND');
    expect((await request(f.app).get('/api/v1/session').set(bearer(token))).status).toBe(200);
    await request(f.app)
      .delete(`/api/v1/session/tokens/${id}`)
      .set('Cookie', f.adminCookie)
      .set(JSON_TYPE)
      .expect(204);
    const after = await request(f.app).get('/api/v1/session').set(bearer(token));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('an admin lists and revokes another user’s tokens under /users/:username/tokens', async () => {
    const carol = await createUser('carol', 'customer');
    const { token, id } = await newToken(carol, { name: 'carol-backup' });
    const list = await request(f.app)
      .get('/api/v1/users/carol/tokens')
      .set('Cookie', f.adminCookie);
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(['carol-backup']);
    // Not under another user's name.
    expect(
      (
        await request(f.app)
          .delete(`/api/v1/users/admin/tokens/${id}`)
          .set('Cookie', f.adminCookie)
          .set(JSON_TYPE)
      ).status,
    ).toBe(404);
    expect(
      (await request(f.app).get('/api/v1/users/carol/tokens').set('Cookie', carol)).status,
    ).toBe(403);
    await request(f.app)
      .delete(`/api/v1/users/carol/tokens/${id}`)
      .set('Cookie', f.adminCookie)
      .set(JSON_TYPE)
      .expect(204);
    expect((await request(f.app).get('/api/v1/session').set(bearer(token))).status).toBe(401);
    const bad = await request(f.app)
      .delete('/api/v1/users/carol/tokens/abc')
      .set('Cookie', f.adminCookie)
      .set(JSON_TYPE);
    expect(bad.status).toBe(422);
  });

  it('an expired token answers 401; one without expiry keeps working', async () => {
    const short = await newToken(f.adminCookie, { name: 'short', expiresInDays: 1 });
    const forever = await newToken(f.adminCookie, { name: 'forever' });
    f.clock.now += DAY_MS - 1000;
    expect((await request(f.app).get('/api/v1/session').set(bearer(short.token))).status).toBe(200);
    f.clock.now += 1000;
    expect((await request(f.app).get('/api/v1/session').set(bearer(short.token))).status).toBe(401);
    expect((await request(f.app).get('/api/v1/session').set(bearer(forever.token))).status).toBe(
      200,
    );
  });

  it('last_used_at is set on first use and then written at most once a minute', async () => {
    const { token, id } = await newToken(f.adminCookie);
    const lastUsed = () =>
      (
        f.db.prepare('SELECT last_used_at FROM api_tokens WHERE id = ?').get(id) as {
          last_used_at: number | null;
        }
      ).last_used_at;
    expect(lastUsed()).toBeNull();
    const t0 = f.clock.now;
    await request(f.app).get('/api/v1/session').set(bearer(token)).expect(200);
    expect(lastUsed()).toBe(t0);
    f.clock.now += LAST_USED_EVERY_MS - 1;
    await request(f.app).get('/api/v1/session').set(bearer(token)).expect(200);
    expect(lastUsed()).toBe(t0);
    f.clock.now += 1;
    await request(f.app).get('/api/v1/session').set(bearer(token)).expect(200);
    expect(lastUsed()).toBe(t0 + LAST_USED_EVERY_MS);
  });

  it('refuses malformed bearer values, the session token as a bearer, and other schemes with 401', async () => {
    const { token } = await newToken(f.adminCookie);
    const sessionToken = f.adminCookie.split('=')[1] as string;
    for (const header of [
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      `Basic ${token}`,
      `Bearer ${sessionToken}`,
      `Bearer xdk_${sessionToken}`,
      'Bearer',
    ]) {
      const res = await request(f.app).get('/api/v1/session').set('Authorization', header);
      expect(res.status, header).toBe(401);
    }
  });
});
