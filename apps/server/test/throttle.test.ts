/**
 * Login throttling and the bound on password hashing (`auth/throttle.ts`) on the real login
 * route, counting real argon2 verifications: parallel bursts, rotating addresses, eviction, the
 * hash gate under a flood, the answer time of unknown users, and a pool-bound request's latency
 * during a login flood.
 */
import argon2 from 'argon2';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addressKey, HashGate, LoginThrottle } from '../src/auth/throttle.js';
import { ADMIN_PASSWORD, type Fixture, makeFixture } from './helpers.js';

let f: Fixture | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await f?.cleanup();
  f = undefined;
});

/** Counts argon2.verify calls, and the most running at once. */
function countVerifications() {
  const original = argon2.verify.bind(argon2);
  const stats = { calls: 0, running: 0, maxRunning: 0 };
  vi.spyOn(argon2, 'verify').mockImplementation(
    async (...args: Parameters<typeof argon2.verify>) => {
      stats.calls++;
      stats.running++;
      stats.maxRunning = Math.max(stats.maxRunning, stats.running);
      try {
        return await original(...args);
      } finally {
        stats.running--;
      }
    },
  );
  return stats;
}

const TRUSTED = { trustedProxies: ['127.0.0.1', '::1'] };

function loginFrom(app: Fixture['app'], address: string, username: string, password: string) {
  return request(app)
    .post('/api/v1/session')
    .set('X-Forwarded-For', address)
    .send({ username, password });
}

describe('login throttle on the route', () => {
  it('20 parallel wrong logins for one account from one address reach argon2 at most 5 times; the rest answer 429 before hashing', async () => {
    f = await makeFixture();
    const stats = countVerifications();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(f?.app as Fixture['app'])
          .post('/api/v1/session')
          .send({ username: 'admin', password: 'wrong-guess' }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(stats.calls).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401)).toHaveLength(stats.calls);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - stats.calls);
    const refused = answers.find((r) => r.status === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rotating addresses on one account get slowed after 10 failures, while an address that logged in before still gets in', async () => {
    f = await makeFixture({ config: TRUSTED });
    expect((await loginFrom(f.app, '192.0.2.50', 'admin', ADMIN_PASSWORD)).status).toBe(204);
    const stats = countVerifications();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await loginFrom(f.app, `198.51.100.${i + 1}`, 'admin', `guess-${i}`);
      statuses.push(r.status);
      if (r.status === 429) expect(r.body.error.details.scope).toBe('account');
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));
    expect(stats.calls).toBe(10);
    // A slow-down, not a lock: one more attempt is admitted after the delay (1 s after 10).
    f.clock.now += 1_100;
    expect((await loginFrom(f.app, '198.51.100.99', 'admin', 'guess-late')).status).toBe(401);
    expect((await loginFrom(f.app, '198.51.100.98', 'admin', 'guess-late')).status).toBe(429);
    // The real admin's known address is not held back by strangers.
    expect((await loginFrom(f.app, '192.0.2.50', 'admin', ADMIN_PASSWORD)).status).toBe(204);
  });

  it('one address rotating usernames is locked after 20 failures; IPv6 counts per /64', async () => {
    f = await makeFixture({ config: TRUSTED });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      statuses.push((await loginFrom(f.app, `2001:db8:1:2::${i + 1}`, `user${i}`, 'x')).status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);
    // Another /64 is not affected.
    expect((await loginFrom(f.app, '2001:db8:1:3::1', 'admin', ADMIN_PASSWORD)).status).toBe(204);
  });

  it('a flood of fresh usernames from many addresses: at most 2 hashes at once, 8 waiting, the rest 503 + Retry-After without hashing', async () => {
    f = await makeFixture({ config: TRUSTED });
    const stats = countVerifications();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        loginFrom(f?.app as Fixture['app'], `203.0.113.${i + 1}`, `nobody${i}`, 'x'),
      ),
    );
    const busy = answers.filter((r) => r.status === 503);
    expect(stats.maxRunning).toBeLessThanOrEqual(2);
    expect(stats.calls).toBe(answers.filter((r) => r.status === 401).length);
    expect(stats.calls).toBeGreaterThanOrEqual(2);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.length + stats.calls).toBe(60);
    expect(busy[0]?.headers['retry-after']).toBe('1');
    expect(busy[0]?.body.error.code).toBe('TOO_MANY_REQUESTS');
  });

  it('answers an unknown user as slowly as a wrong password (medians within a factor of 3: a missing hash would be ~50× faster)', async () => {
    f = await makeFixture({ config: TRUSTED });
    await loginFrom(f.app, '192.0.2.1', 'warm-up-unknown', 'x'); // the dummy hash is made once
    const time = async (address: string, username: string) => {
      const t = performance.now();
      const r = await loginFrom(f?.app as Fixture['app'], address, username, 'wrong password');
      expect(r.status).toBe(401);
      return performance.now() - t;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(`192.0.2.${10 + i}`, 'admin'));
      unknown.push(await time(`192.0.2.${20 + i}`, `ghost${i}`));
    }
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });

  it('a login flood does not hold up a request that needs the thread pool (GET /configs reads files) beyond 1 s', async () => {
    f = await makeFixture({ config: TRUSTED });
    // Idle figure first.
    let t = performance.now();
    expect((await f.admin.get('/api/v1/configs')).status).toBe(200);
    const idleMs = performance.now() - t;
    const flood = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        loginFrom(f?.app as Fixture['app'], `10.1.${i >> 8}.${i & 255}`, `flood${i}`, 'x'),
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    t = performance.now();
    expect((await f.admin.get('/api/v1/configs')).status).toBe(200);
    const floodMs = performance.now() - t;
    await flood;
    expect(floodMs).toBeLessThan(1000);
    console.log(
      `GET /configs: idle ${idleMs.toFixed(0)} ms, during a 60-login flood ${floodMs.toFixed(0)} ms`,
    );
  });
});

describe('LoginThrottle and HashGate units', () => {
  it('evicts unlocked entries before locked ones when full', () => {
    const clock = { now: 1_000_000 };
    const t = new LoginThrottle(() => clock.now, {
      maxEntries: 3,
      pairFree: 2,
      addressFree: 1000,
      accountFree: 1000,
    });
    for (let i = 0; i < 2; i++) {
      const a = t.begin('admin', '192.0.2.1');
      if (a.ok) a.attempt.failed();
    }
    expect(t.begin('admin', '192.0.2.1').ok).toBe(false);
    for (let i = 0; i < 10; i++) {
      const a = t.begin(`junk${i}`, '192.0.2.1');
      if (a.ok) a.attempt.failed();
    }
    expect(t.begin('admin', '192.0.2.1').ok).toBe(false);
  });

  it('limits attempts a minute in all, without counting or holding back known addresses', () => {
    const clock = { now: 1_000_000 };
    const t = new LoginThrottle(() => clock.now, { globalPerMinute: 3 });
    const ok = t.begin('alice', '192.0.2.1');
    if (ok.ok) ok.attempt.succeeded();
    for (let i = 0; i < 10; i++) {
      const a = t.begin('alice', '192.0.2.1'); // known: neither counted nor refused
      expect(a.ok).toBe(true);
      if (a.ok) a.attempt.succeeded();
    }
    for (let i = 2; i < 4; i++) {
      const a = t.begin(`u${i}`, `192.0.2.${i}`);
      expect(a.ok).toBe(true);
      if (a.ok) a.attempt.failed();
    }
    const refused = t.begin('bob', '192.0.2.99');
    expect(refused).toMatchObject({ ok: false, scope: 'global' });
    clock.now += 60_001;
    expect(t.begin('bob', '192.0.2.99').ok).toBe(true);
  });

  it('refunds an attempt that succeeded or was abandoned', () => {
    const t = new LoginThrottle(() => 5_000, { pairFree: 2 });
    for (let i = 0; i < 5; i++) {
      const a = t.begin('alice', '192.0.2.9');
      expect(a.ok).toBe(true);
      if (a.ok) a.attempt.abandoned();
    }
    const a = t.begin('alice', '192.0.2.9');
    if (a.ok) a.attempt.failed();
    const b = t.begin('alice', '192.0.2.9');
    if (b.ok) b.attempt.succeeded();
    expect(t.begin('alice', '192.0.2.9').ok).toBe(true);
  });

  it('keys IPv6 by /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey(undefined)).toBe('?');
  });

  it('HashGate runs at most maxConcurrent jobs, queues maxQueue, refuses the rest', async () => {
    const gate = new HashGate(2, 1);
    let release: () => void = () => {};
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const jobs = [gate.run(() => hold), gate.run(() => hold), gate.run(() => hold)];
    await expect(gate.run(() => hold)).rejects.toThrow('Too many logins');
    expect(gate.load()).toEqual({ active: 2, waiting: 1 });
    release();
    await Promise.all(jobs);
    expect(gate.load()).toEqual({ active: 0, waiting: 0 });
    expect(gate.started).toBe(3);
    expect(gate.refused).toBe(1);
  });
});
