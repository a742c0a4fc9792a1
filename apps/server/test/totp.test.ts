/**
 * TOTP (src/users/totp.ts, `/session/totp`, the login's second factor, the admin's turn-off):
 * codes are computed from the secret the server handed out, at the fixture's clock, with the
 * otpauth package (RFC 6238 SHA-1, 6 digits, 30 s) an authenticator app implements.
 */
import { totpEnrolmentSchema } from '@xendeck/api';
import { Secret, TOTP, URI } from 'otpauth';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FREE_ATTEMPTS } from '../src/auth/throttle.js';
import { ENROLMENT_TTL_MS } from '../src/users/totp.js';
import { ADMIN_PASSWORD, type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const JSON_TYPE = { 'Content-Type': 'application/json' };
const STEP_MS = 30_000;

/** The code an authenticator app shows for `secret` at `at` (ms). */
const codeAt = (secret: string, at: number) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at });

const call = (
  method: 'post' | 'put' | 'delete',
  path: string,
  body: object = {},
  cookie = f.adminCookie,
) => request(f.app)[method](`/api/v1${path}`).set('Cookie', cookie).set(JSON_TYPE).send(body);

const loginWith = (body: object) =>
  request(f.app)
    .post('/api/v1/session')
    .set(JSON_TYPE)
    .send({ username: 'admin', password: ADMIN_PASSWORD, ...body });

/**
 * Enrols the admin and returns the secret; the clock moves two steps on, so the step before the
 * current one is not the (used) confirming code's.
 */
async function enrol(): Promise<string> {
  const started = await call('post', '/session/totp');
  expect(started.status, started.text).toBe(200);
  const { secret } = totpEnrolmentSchema.parse(started.body);
  await call('put', '/session/totp', { code: codeAt(secret, f.clock.now) }).expect(204);
  f.clock.now += 2 * STEP_MS;
  return secret;
}

describe('enrolment', () => {
  it('hands out a base32 secret and an otpauth URI for it; a wrong code is 403 TOTP_INVALID and leaves TOTP off; the right one turns it on', async () => {
    const res = await call('post', '/session/totp');
    const { secret, uri } = totpEnrolmentSchema.parse(res.body);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.label).toBe('admin');
    expect(parsed.issuer).toMatch(/^Xendeck /);
    expect(parsed.secret.base32).toBe(secret);
    // Pending only: logging in still needs the password alone.
    expect((await loginWith({})).status).toBe(204);

    const good = codeAt(secret, f.clock.now);
    const wrong = good === '000000' ? '000001' : '000000';
    const refused = await call('put', '/session/totp', { code: wrong });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('TOTP_INVALID');
    expect(f.context.users.record('admin')?.totpEnabled).toBe(false);

    await call('put', '/session/totp', { code: good }).expect(204);
    const row = f.db.prepare("SELECT totp_secret FROM users WHERE username = 'admin'").get();
    expect(row).toEqual({ totp_secret: secret });
    const list = await request(f.app).get('/api/v1/users').set('Cookie', f.adminCookie);
    expect(list.body[0]).toMatchObject({ username: 'admin', totpEnabled: true });
    expect(list.text).not.toContain(secret);
    // Once on, starting again is refused.
    expect((await call('post', '/session/totp')).body.error.code).toBe('TOTP_ALREADY_ENABLED');
  });

  it('a pending enrolment lapses after 10 min (409 TOTP_NO_ENROLMENT); confirming without one is the same', async () => {
    expect((await call('put', '/session/totp', { code: '123456' })).body.error.code).toBe(
      'TOTP_NO_ENROLMENT',
    );
    const { secret } = totpEnrolmentSchema.parse((await call('post', '/session/totp')).body);
    f.clock.now += ENROLMENT_TTL_MS;
    const late = await call('put', '/session/totp', { code: codeAt(secret, f.clock.now) });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('TOTP_NO_ENROLMENT');
    expect(f.context.users.record('admin')?.totpEnabled).toBe(false);
  });
});

describe('GET /session totpEnabled', () => {
  it('is false before enrolment, false while pending, true once confirmed, false after turning off', async () => {
    const me = async () =>
      (await request(f.app).get('/api/v1/session').set('Cookie', f.adminCookie).expect(200)).body;
    expect(await me()).toMatchObject({ username: 'admin', totpEnabled: false });
    const { secret } = totpEnrolmentSchema.parse((await call('post', '/session/totp')).body);
    expect((await me()).totpEnabled).toBe(false);
    await call('put', '/session/totp', { code: codeAt(secret, f.clock.now) }).expect(204);
    expect((await me()).totpEnabled).toBe(true);
    await call('delete', '/session/totp', { password: ADMIN_PASSWORD }).expect(204);
    expect((await me()).totpEnabled).toBe(false);
  });
});

describe('login with TOTP', () => {
  it('without a code: 401 TOTP_REQUIRED and no cookie; with the current code: 204', async () => {
    const secret = await enrol();
    const first = await loginWith({});
    expect(first.status).toBe(401);
    expect(first.body.error.code).toBe('TOTP_REQUIRED');
    expect(first.headers['set-cookie']).toBeUndefined();
    const ok = await loginWith({ totp: codeAt(secret, f.clock.now) });
    expect(ok.status).toBe(204);
    expect(String(ok.headers['set-cookie'])).toMatch(/xendeck_session=/);
  });

  it('a wrong password with a good code is still 401 "Wrong username or password" (the code is not checked first)', async () => {
    const secret = await enrol();
    const res = await request(f.app)
      .post('/api/v1/session')
      .set(JSON_TYPE)
      .send({ username: 'admin', password: 'nope', totp: codeAt(secret, f.clock.now) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.body.error.message).toBe('Wrong username or password');
  });

  it('accepts the previous and next step (±30 s of skew), not two steps away, and each code only once', async () => {
    const secret = await enrol();
    const now = f.clock.now;
    expect((await loginWith({ totp: codeAt(secret, now - 2 * STEP_MS) })).status).toBe(401);
    expect((await loginWith({ totp: codeAt(secret, now + 2 * STEP_MS) })).status).toBe(401);
    const previous = codeAt(secret, now - STEP_MS);
    expect((await loginWith({ totp: previous })).status).toBe(204);
    // Replayed: refused, as is any code of a step not after the last accepted one.
    const replay = await loginWith({ totp: previous });
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toContain('TOTP');
    expect((await loginWith({ totp: codeAt(secret, now + STEP_MS) })).status).toBe(204);
    expect((await loginWith({ totp: codeAt(secret, now) })).status).toBe(401);
  });

  it('wrong codes count as failed logins: after FREE_ATTEMPTS the right code is throttled too', async () => {
    const secret = await enrol();
    const good = codeAt(secret, f.clock.now);
    const wrong = good === '999999' ? '999998' : '999999';
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      expect((await loginWith({ totp: wrong })).status).toBe(401);
    }
    const locked = await loginWith({ totp: good });
    expect(locked.status).toBe(429);
  });
});

describe('turning TOTP off', () => {
  it('by the user with a current code or the password (403 for wrong ones); then login needs the password only', async () => {
    const secret = await enrol();
    const cookie = f.adminCookie;
    const good = codeAt(secret, f.clock.now);
    const wrongCode = await call(
      'delete',
      '/session/totp',
      { code: good === '111111' ? '111112' : '111111' },
      cookie,
    );
    expect(wrongCode.status).toBe(403);
    expect(wrongCode.body.error.code).toBe('TOTP_INVALID');
    const wrongPassword = await call('delete', '/session/totp', { password: 'nope' }, cookie);
    expect(wrongPassword.body.error.code).toBe('WRONG_PASSWORD');
    expect((await call('delete', '/session/totp', {}, cookie)).status).toBe(422);
    expect(f.context.users.record('admin')?.totpEnabled).toBe(true);

    await call('delete', '/session/totp', { code: good }, cookie).expect(204);
    expect(f.context.users.record('admin')?.totpEnabled).toBe(false);
    expect((await loginWith({})).status).toBe(204);
    const again = await call('delete', '/session/totp', { password: ADMIN_PASSWORD }, cookie);
    expect(again.body.error.code).toBe('TOTP_NOT_ENABLED');
  });

  it('by the password (a lost device)', async () => {
    await enrol();
    await call('delete', '/session/totp', { password: ADMIN_PASSWORD }).expect(204);
    expect(f.context.users.record('admin')?.totpEnabled).toBe(false);
  });

  it('by another admin (DELETE /users/:username/totp), which ends that user’s sessions', async () => {
    const secret = await enrol();
    await call('post', '/users', {
      username: 'boss',
      password: 'boss password 1',
      role: 'admin',
    }).expect(201);
    const bossLogin = await request(f.app)
      .post('/api/v1/session')
      .set(JSON_TYPE)
      .send({ username: 'boss', password: 'boss password 1' });
    const boss = String(bossLogin.headers['set-cookie']).split(';')[0] as string;
    expect(secret).toBeTruthy();
    await call('delete', '/users/admin/totp', {}, boss).expect(204);
    expect(f.context.users.record('admin')?.totpEnabled).toBe(false);
    expect((await request(f.app).get('/api/v1/session').set('Cookie', f.adminCookie)).status).toBe(
      401,
    );
    expect((await call('delete', '/users/admin/totp', {}, boss)).body.error.code).toBe(
      'TOTP_NOT_ENABLED',
    );
  });
});
