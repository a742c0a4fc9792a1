/**
 * Users (src/users/routes.ts, session-routes.ts, accounts.ts, bootstrap.ts; auth/users.ts): the
 * admin routes, the last-admin rule, grants for customers only, password changes that end
 * sessions and close their websockets, removal, the first admin's password file and what a
 * later XENDECK_ADMIN_PASSWORD does.
 */
import { existsSync, statSync } from 'node:fs';
import { apiErrorSchema, userSchema } from '@xendeck/api';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/sessions.js';
import { FREE_ATTEMPTS } from '../src/auth/throttle.js';
import { Users } from '../src/auth/users.js';
import {
  bootstrapAdmin,
  initialPasswordPath,
  isFirstRun,
  writeInitialPassword,
} from '../src/users/bootstrap.js';
import {
  ADMIN_PASSWORD,
  type Fixture,
  login,
  makeFixture,
  type OpenedWs,
  opened,
  openWs,
} from './helpers.js';

let f: Fixture;
afterEach(async () => {
  await f?.cleanup();
});

const JSON_TYPE = { 'Content-Type': 'application/json' };

function as(cookie: string) {
  const agent = request(f.app);
  return {
    get: (path: string) => agent.get(`/api/v1${path}`).set('Cookie', cookie),
    post: (path: string, body: unknown) =>
      request(f.app)
        .post(`/api/v1${path}`)
        .set('Cookie', cookie)
        .set(JSON_TYPE)
        .send(body as object),
    put: (path: string, body: unknown) =>
      request(f.app)
        .put(`/api/v1${path}`)
        .set('Cookie', cookie)
        .set(JSON_TYPE)
        .send(body as object),
    delete: (path: string, body?: unknown) =>
      request(f.app)
        .delete(`/api/v1${path}`)
        .set('Cookie', cookie)
        .set(JSON_TYPE)
        .send(body as object),
  };
}

const codeOf = (res: request.Response) => apiErrorSchema.parse(res.body).error.code;

async function createUser(username: string, role: string, password = `${username} password 1`) {
  const res = await as(f.adminCookie).post('/users', { username, password, role });
  expect(res.status, res.text).toBe(201);
  return login(f, username, password);
}

async function eventsSocket(cookie: string): Promise<OpenedWs> {
  const { port } = await f.listen();
  return opened(await openWs(`ws://127.0.0.1:${port}/api/v1/events`, { Cookie: cookie }));
}

describe('GET/POST /users', () => {
  it('lists users with role, times, TOTP flag and grants, never a hash', async () => {
    f = await makeFixture();
    await createUser('carol', 'customer');
    const res = await as(f.adminCookie).get('/users');
    expect(res.status).toBe(200);
    const users = res.body.map((u: unknown) => userSchema.parse(u));
    expect(users.map((u: { username: string; role: string }) => [u.username, u.role])).toEqual([
      ['admin', 'admin'],
      ['carol', 'customer'],
    ]);
    expect(users[1]).toMatchObject({ totpEnabled: false, passwordChangedAt: null, grants: [] });
    expect(users[1].createdAt).toBe(f.clock.now);
    expect(res.text).not.toMatch(/argon2|password_hash|totp_secret/);
  });

  it('creates a user who can log in with the role asked for; 409 USER_EXISTS for a taken name; 422 for a bad name', async () => {
    f = await makeFixture();
    const ops = await createUser('ops', 'operator');
    expect((await as(ops).get('/session')).body).toMatchObject({
      username: 'ops',
      role: 'operator',
    });
    const again = await as(f.adminCookie).post('/users', {
      username: 'ops',
      password: 'another password',
      role: 'admin',
    });
    expect(again.status).toBe(409);
    expect(codeOf(again)).toBe('USER_EXISTS');
    const bad = await as(f.adminCookie).post('/users', {
      username: '-rf',
      password: 'long enough',
      role: 'customer',
    });
    expect(bad.status).toBe(422);
    const short = await as(f.adminCookie).post('/users', {
      username: 'x',
      password: 'short',
      role: 'customer',
    });
    expect(short.status).toBe(422);
    // The refused one kept its role.
    expect(f.context.users.byName('ops')?.role).toBe('operator');
  });

  it('refuses every /users route to operators and customers (403), and GET /users/:name of nobody is 404', async () => {
    f = await makeFixture();
    const ops = await createUser('ops', 'operator');
    const carol = await createUser('carol', 'customer');
    for (const cookie of [ops, carol]) {
      expect((await as(cookie).get('/users')).status).toBe(403);
      expect((await as(cookie).put('/users/admin', { password: 'taken over!' })).status).toBe(403);
      expect((await as(cookie).put('/users/carol/grants', { grants: [] })).status).toBe(403);
    }
    const none = await as(f.adminCookie).get('/users/nobody');
    expect(none.status).toBe(404);
    expect(codeOf(none)).toBe('USER_NOT_FOUND');
    // The admin's password is unchanged.
    expect(await f.context.users.verify('admin', ADMIN_PASSWORD)).toBeDefined();
  });

  it('writes an audit row for a creation, naming the user but not the password', async () => {
    f = await makeFixture();
    await createUser('dave', 'customer', 'dave secret password');
    const row = f.db
      .prepare(
        "SELECT username, action, target, result, details FROM audit_log WHERE action = 'user.create'",
      )
      .get() as Record<string, string>;
    expect(row).toMatchObject({ username: 'admin', target: 'user:dave', result: 'ok' });
    expect(JSON.stringify(row)).not.toContain('dave secret password');
  });
});

describe('the last admin', () => {
  it('cannot lose the admin role or be removed; with a second admin one of them can be demoted', async () => {
    f = await makeFixture();
    const demote = await as(f.adminCookie).put('/users/admin', { role: 'operator' });
    expect(demote.status).toBe(409);
    expect(codeOf(demote)).toBe('LAST_ADMIN');
    expect(f.context.users.byName('admin')?.role).toBe('admin');
    // Removal of oneself is refused before the last-admin rule.
    const self = await as(f.adminCookie).delete('/users/admin');
    expect(self.status).toBe(409);
    expect(codeOf(self)).toBe('CANNOT_DELETE_SELF');
    // The store refuses it too (the command line and any future caller share the rule).
    const admin = f.context.users.byName('admin');
    expect(() => f.context.users.delete(admin?.id ?? -1)).toThrow(/only admin/);

    const boss = await createUser('boss', 'admin');
    const ok = await as(boss).put('/users/admin', { role: 'operator' });
    expect(ok.status).toBe(200);
    expect(userSchema.parse(ok.body).role).toBe('operator');
    // boss is the only admin now.
    const last = await as(boss).put('/users/boss', { role: 'customer' });
    expect(codeOf(last)).toBe('LAST_ADMIN');
    expect(f.context.users.adminCount()).toBe(1);
  });
});

describe('grants', () => {
  it('replaces a customer’s grants (view added) and refuses grants for an operator with 409 NOT_A_CUSTOMER', async () => {
    f = await makeFixture();
    await createUser('carol', 'customer');
    await createUser('ops', 'operator');
    const res = await as(f.adminCookie).put('/users/carol/grants', {
      grants: [{ domain: 'web-01', permissions: ['power', 'console'] }],
    });
    expect(res.status).toBe(200);
    expect(userSchema.parse(res.body).grants).toEqual([
      { domain: 'web-01', permissions: ['view', 'console', 'power'] },
    ]);
    expect(
      f.context.grants.permissionsOn(f.context.users.byName('carol')?.id ?? -1, 'web-01'),
    ).toEqual(['view', 'console', 'power']);
    const op = await as(f.adminCookie).put('/users/ops/grants', {
      grants: [{ domain: 'web-01', permissions: ['view'] }],
    });
    expect(op.status).toBe(409);
    expect(codeOf(op)).toBe('NOT_A_CUSTOMER');
    const bad = await as(f.adminCookie).put('/users/carol/grants', {
      grants: [{ domain: '../etc', permissions: ['view'] }],
    });
    expect(bad.status).toBe(422);
    // The refused body changed nothing.
    expect((await as(f.adminCookie).get('/users/carol')).body.grants).toHaveLength(1);
  });

  it('a customer who becomes an operator loses their grants', async () => {
    f = await makeFixture();
    await createUser('carol', 'customer');
    await as(f.adminCookie).put('/users/carol/grants', {
      grants: [{ domain: 'web-01', permissions: ['view'] }],
    });
    await as(f.adminCookie).put('/users/carol', { role: 'operator' }).expect(200);
    const id = f.context.users.byName('carol')?.id ?? -1;
    expect(f.context.grants.of(id)).toEqual([]);
  });
});

describe('password and role changes end sessions', () => {
  it('an admin’s reset of another user’s password ends their sessions and closes their websockets with "password changed"', async () => {
    f = await makeFixture();
    const carol = await createUser('carol', 'customer');
    const carol2 = await login(f, 'carol', 'carol password 1');
    const socket = await eventsSocket(carol);
    const adminSocket = await eventsSocket(f.adminCookie);

    const res = await as(f.adminCookie).put('/users/carol', { password: 'brand new password' });
    expect(res.status).toBe(200);
    expect(userSchema.parse(res.body).passwordChangedAt).toBe(f.clock.now);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'password changed' });
    expect((await as(carol).get('/session')).status).toBe(401);
    expect((await as(carol2).get('/session')).status).toBe(401);
    expect(
      (
        await request(f.app)
          .post('/api/v1/session')
          .set(JSON_TYPE)
          .send({ username: 'carol', password: 'carol password 1' })
      ).status,
    ).toBe(401);
    await login(f, 'carol', 'brand new password');
    // The admin's own session and socket are untouched.
    expect((await as(f.adminCookie).get('/session')).status).toBe(200);
    expect(adminSocket.ws.readyState).toBe(adminSocket.ws.OPEN);
    adminSocket.ws.close();
    const audit = f.db
      .prepare("SELECT target, details FROM audit_log WHERE action = 'user.update'")
      .get() as { target: string; details: string };
    expect(audit.target).toBe('user:carol');
    expect(JSON.parse(audit.details)).toMatchObject({ passwordReset: true, sessionsEnded: 2 });
  });

  it('a role change ends the user’s sessions ("role changed"); they log in again with the new role', async () => {
    f = await makeFixture();
    const ops = await createUser('ops', 'operator');
    const socket = await eventsSocket(ops);
    await as(f.adminCookie).put('/users/ops', { role: 'customer' }).expect(200);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'role changed' });
    expect((await as(ops).get('/session')).status).toBe(401);
    const again = await login(f, 'ops', 'ops password 1');
    expect((await as(again).get('/session')).body.role).toBe('customer');
  });

  it('PUT /session/password: 403 WRONG_PASSWORD for a wrong current one; else 204, the other sessions end, this one stays', async () => {
    f = await makeFixture();
    const other = await login(f, 'admin', ADMIN_PASSWORD);
    const otherSocket = await eventsSocket(other);
    const wrong = await as(f.adminCookie).put('/session/password', {
      currentPassword: 'not it',
      newPassword: 'a better password',
    });
    expect(wrong.status).toBe(403);
    expect(codeOf(wrong)).toBe('WRONG_PASSWORD');
    expect((await as(other).get('/session')).status).toBe(200);

    const ok = await as(f.adminCookie).put('/session/password', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'a better password',
    });
    expect(ok.status).toBe(204);
    expect((await as(f.adminCookie).get('/session')).status).toBe(200);
    expect((await as(other).get('/session')).status).toBe(401);
    expect(await otherSocket.closed).toEqual({ code: 1008, reason: 'password changed' });
    expect(await f.context.users.verify('admin', 'a better password')).toBeDefined();
    expect(f.context.users.record('admin')?.passwordChangedAt).toBe(f.clock.now);
    // Only the session it was done from is left.
    expect(
      (f.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[]).map(
        (r) => r.token_hash,
      ),
    ).toEqual([hashToken(f.adminCookie.split('=')[1] as string)]);
  });
});

describe('guessing the password with a stolen session', () => {
  it('wrong current passwords count as failed logins: after FREE_ATTEMPTS even the right one is 429 and login is throttled too', async () => {
    f = await makeFixture();
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      const res = await as(f.adminCookie).put('/session/password', {
        currentPassword: `guess ${i}`,
        newPassword: 'taken over!!',
      });
      expect(res.status).toBe(403);
    }
    const right = await as(f.adminCookie).put('/session/password', {
      currentPassword: ADMIN_PASSWORD,
      newPassword: 'taken over!!',
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(await f.context.users.verify('admin', ADMIN_PASSWORD)).toBeDefined();
    const login = await request(f.app)
      .post('/api/v1/session')
      .set(JSON_TYPE)
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(429);
  });
});

describe('DELETE /users/:username', () => {
  it('removes the user with their sessions, grants and tokens, and closes their websockets', async () => {
    f = await makeFixture();
    const carol = await createUser('carol', 'customer');
    await as(f.adminCookie).put('/users/carol/grants', {
      grants: [{ domain: 'web-01', permissions: ['view'] }],
    });
    const token = (await as(carol).post('/session/tokens', { name: 'script' })).body
      .token as string;
    const socket = await eventsSocket(carol);
    const res = await as(f.adminCookie).delete('/users/carol');
    expect(res.status).toBe(204);
    expect(await socket.closed).toEqual({ code: 1008, reason: 'user removed' });
    expect((await as(carol).get('/session')).status).toBe(401);
    expect(
      (await request(f.app).get('/api/v1/session').set('Authorization', `Bearer ${token}`)).status,
    ).toBe(401);
    for (const table of ['grants', 'api_tokens']) {
      expect(f.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
    expect((await as(f.adminCookie).get('/users/carol')).status).toBe(404);
    expect((await as(f.adminCookie).delete('/users/carol')).status).toBe(404);
  });
});

describe('the first admin (users/bootstrap.ts)', () => {
  const quiet = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (l: string) => void lines.push(JSON.parse(l)) },
    );
    return { logger, lines };
  };

  it('on an empty database: a generated password in <stateDir>/initial-admin-password (0600) that logs in; removed when admin changes it', async () => {
    f = await makeFixture();
    // A fresh database beside the fixture's (whose admin exists already).
    f.db.prepare('DELETE FROM users').run();
    const { logger, lines } = quiet();
    const users = new Users(f.db);
    const out = await bootstrapAdmin({
      users,
      stateDir: f.stateDir,
      configuredPassword: undefined,
      logger,
    });
    expect(out.kind).toBe('created-generated');
    if (out.kind !== 'created-generated') return;
    const file = initialPasswordPath(f.stateDir);
    expect(out.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(isFirstRun(f.stateDir)).toBe(true);
    // The log line says where, never what.
    expect(JSON.stringify(lines)).toContain(file);
    expect(JSON.stringify(lines)).not.toContain(out.password);
    const cookie = await login(f, 'admin', out.password);
    await as(cookie)
      .put('/session/password', {
        currentPassword: out.password,
        newPassword: 'chosen by the hoster',
      })
      .expect(204);
    expect(existsSync(file)).toBe(false);
    expect(isFirstRun(f.stateDir)).toBe(false);
  });

  it('a reset of admin’s password by another admin, or admin’s removal, removes the file too; another user’s change does not', async () => {
    f = await makeFixture();
    writeInitialPassword(f.stateDir, 'whatever it was');
    await createUser('boss', 'admin');
    const carol = await createUser('carol', 'customer');
    await as(carol)
      .put('/session/password', {
        currentPassword: 'carol password 1',
        newPassword: 'carol password 2',
      })
      .expect(204);
    expect(isFirstRun(f.stateDir)).toBe(true);
    const boss = await login(f, 'boss', 'boss password 1');
    await as(boss).put('/users/admin', { password: 'reset by boss' }).expect(200);
    expect(isFirstRun(f.stateDir)).toBe(false);
    writeInitialPassword(f.stateDir, 'again');
    await as(boss).delete('/users/admin').expect(204);
    expect(isFirstRun(f.stateDir)).toBe(false);
  });

  it('a later XENDECK_ADMIN_PASSWORD is not applied: a warning names the reset command when it differs; nothing created when admin was removed', async () => {
    f = await makeFixture();
    const users = new Users(f.db);
    const a = quiet();
    expect(
      (
        await bootstrapAdmin({
          users,
          stateDir: f.stateDir,
          configuredPassword: 'something else',
          logger: a.logger,
        })
      ).kind,
    ).toBe('existing-env-ignored');
    const warn = a.lines.find((l) => l.level === 40);
    expect(String(warn?.msg)).toContain('NOT APPLIED');
    expect(String(warn?.msg)).toContain('pnpm xendeck user reset-password');
    expect(await users.verify('admin', 'something else')).toBeUndefined();
    expect(await users.verify('admin', ADMIN_PASSWORD)).toBeDefined();

    const b = quiet();
    expect(
      (
        await bootstrapAdmin({
          users,
          stateDir: f.stateDir,
          configuredPassword: ADMIN_PASSWORD,
          logger: b.logger,
        })
      ).kind,
    ).toBe('existing-env-matches');
    expect(b.lines.filter((l) => (l.level as number) >= 40)).toEqual([]);

    // Another admin exists and admin is gone: a restart does not bring admin back.
    await createUser('boss', 'admin');
    const boss = await login(f, 'boss', 'boss password 1');
    await as(boss).delete('/users/admin').expect(204);
    const c = quiet();
    expect(
      (
        await bootstrapAdmin({
          users,
          stateDir: f.stateDir,
          configuredPassword: undefined,
          logger: c.logger,
        })
      ).kind,
    ).toBe('existing');
    expect(users.byName('admin')).toBeUndefined();
    expect(isFirstRun(f.stateDir)).toBe(false);
  });
});
