/**
 * Metrics through the real app on the simulated host: the sampler's rates, a restart under the
 * same name, the history API, `WS /api/v1/metrics`, and `GET /metrics` for Prometheus.
 * Most tests step a fake clock shared by the simulated host's counters and the sampler and call
 * `sampler.tick()` themselves, so every rate is exact and nothing depends on timing.
 */
import {
  apiErrorSchema,
  type MetricsField,
  MetricsFrameDecoder,
  type MetricsMessage,
  metricsHistorySchema,
  metricsMessageSchema,
  metricsTokenSchema,
} from '@xendeck/api';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MINUTE_MS } from '../src/metrics/store.js';
import { type Fixture, type FixtureOptions, makeFixture } from './helpers.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

/** A fixture whose simulated host and sampler run on one fake clock; the sampler does not self-start. */
async function fakeClockFixture(opts: FixtureOptions = {}) {
  const clock = { ns: 10n ** 15n, ms: Date.UTC(2026, 0, 1) };
  f = await makeFixture({
    ...opts,
    sim: { clock: () => clock.ns, ...opts.sim },
    metrics: { now: () => clock.ms, autoStart: false },
  });
  const fx = f;
  /** Advances the clock by `ms` and runs one sampler tick. */
  const step = async (ms = 1000) => {
    clock.ns += BigInt(ms) * 1_000_000n;
    clock.ms += ms;
    await fx.metrics.sampler.tick();
  };
  return { f: fx, clock, step };
}

const latestDomain = (fx: Fixture, name: string) => {
  const d = fx.metrics.sampler.latest?.message.domains.find((x) => x.name === name);
  if (!d) throw new Error(`no ${name} in the latest sample`);
  return d;
};

describe('sampler', () => {
  it('gives CPU % > 0 for a running domain, 0 for a paused one, nulls on the first tick', async () => {
    const { f, step } = await fakeClockFixture();
    await step();
    expect(latestDomain(f, 'db-01').cpuPercent).toBeNull();
    expect(f.metrics.sampler.latest?.message.host.cpuPercent).toBeNull();
    await step();
    const msg = f.metrics.sampler.latest?.message;
    expect(metricsMessageSchema.parse(msg)).toEqual(msg);
    const db = latestDomain(f, 'db-01');
    expect(db.state).toBe('running');
    expect(db.cpuPercent).toBeGreaterThan(5);
    expect(db.cpuPercent).toBeLessThanOrEqual(100 * db.vcpus);
    expect(db.netRxBps).toBeGreaterThan(0);
    expect(db.vbdRdPs).toBeGreaterThan(0);
    const paused = latestDomain(f, 'build-pv');
    expect(paused.state).toBe('paused');
    expect(paused.cpuPercent).toBe(0);
    expect(paused.netTxBps).toBe(0);
    // The host's CPU % is the sum over domains out of nrCpus × 100.
    const sum = msg?.domains.reduce((s, d) => s + (d.cpuPercent ?? 0), 0) ?? 0;
    expect(msg?.host.cpuPercent).toBeCloseTo(sum / (msg?.host.nrCpus ?? 1), 1);
    // Memory % is of the host's total.
    expect(db.memoryPercent).toBeCloseTo(
      (db.memoryBytes / (msg?.host.totalMemoryBytes ?? 1)) * 100,
      2,
    );
  });

  it('continues the series of a domain restarted under the same name, without a spike', async () => {
    const { f, step } = await fakeClockFixture();
    for (let i = 0; i < 5; i++) await step();
    const before = latestDomain(f, 'db-01');
    f.sim.external.destroy('db-01');
    const newDomid = f.sim.external.create({ name: 'db-01', type: 'hvm', vcpus: 2 });
    expect(newDomid).not.toBe(before.domid);
    await step();
    const restarted = latestDomain(f, 'db-01');
    expect(restarted.domid).toBe(newDomid);
    expect(restarted.cpuPercent).toBeNull();
    for (let i = 0; i < 3; i++) await step();
    expect(latestDomain(f, 'db-01').cpuPercent).toBeGreaterThan(0);
    const points = f.metrics.ring.points('db-01');
    expect(points).toHaveLength(9);
    const bound = 100 * Math.max(before.vcpus, 2);
    for (const p of points)
      if (p.cpuPercent !== null) expect(p.cpuPercent).toBeLessThanOrEqual(bound);
    expect(points.map((p) => p.cpuPercent === null)).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
  });

  it('skips a tick while a snapshot is still running, and survives snapshot failures', async () => {
    const { f, step } = await fakeClockFixture();
    const real = f.sim.metricsSnapshot.bind(f.sim);
    let release: () => void = () => {};
    f.sim.metricsSnapshot = async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      return real();
    };
    const first = f.metrics.sampler.tick();
    const second = f.metrics.sampler.tick();
    expect(f.metrics.sampler.skipped).toBe(1);
    release();
    await Promise.all([first, second]);
    f.sim.metricsSnapshot = async () => {
      throw new Error('xenstat_get_node failed');
    };
    await step();
    await step();
    const errors = f.logs.filter((l) => l.msg === 'metrics: snapshot failed');
    expect(errors).toHaveLength(1);
    f.sim.metricsSnapshot = real;
    await step();
    expect(latestDomain(f, 'db-01').cpuPercent).toBeGreaterThan(0);
  });
});

describe('history API', () => {
  it('answers each range in the schema shape, from the ring and from the database', async () => {
    const { f, step } = await fakeClockFixture();
    for (let i = 0; i < 90; i++) await step();
    const get = async (path: string) => {
      const res = await f.admin.get(path).expect(200);
      return metricsHistorySchema.parse(res.body);
    };
    const tenMin = await get('/api/v1/domains/db-01/metrics?range=10m');
    expect(tenMin.stepSeconds).toBe(1);
    expect(tenMin.points).toHaveLength(90);
    expect(tenMin.points[1]?.cpuPercent).toBeGreaterThan(0);
    expect(tenMin.points[1]?.cpuPercentMax).toBe(tenMin.points[1]?.cpuPercent);
    // 90 ticks from 00:00:01 reach 00:01:30: minute 00:00 is written (59 samples), minute 00:01 not yet.
    const hour = await get('/api/v1/domains/db-01/metrics?range=1h');
    expect(hour.stepSeconds).toBe(60);
    expect(hour.points).toHaveLength(1);
    const rateful = tenMin.points.filter((p) => p.t < Date.UTC(2026, 0, 1) + MINUTE_MS);
    const avg =
      rateful.reduce((s, p) => s + (p.cpuPercent ?? 0), 0) /
      rateful.filter((p) => p.cpuPercent !== null).length;
    expect(hour.points[0]?.cpuPercent).toBeCloseTo(avg, 6);
    expect(hour.points[0]?.cpuPercentMax).toBe(Math.max(...rateful.map((p) => p.cpuPercent ?? 0)));
    expect((await get('/api/v1/domains/db-01/metrics?range=24h')).points).toHaveLength(1);
    const month = await get('/api/v1/domains/db-01/metrics?range=30d');
    expect(month).toMatchObject({ range: '30d', stepSeconds: 3600 });
    expect(month.points).toHaveLength(1);
    const host = await get('/api/v1/host/metrics');
    expect(host.range).toBe('10m');
    const last = host.points.at(-1);
    const sample = f.metrics.sampler.latest?.message.host;
    expect(last?.memoryBytes).toBe(
      (sample?.totalMemoryBytes ?? 0) - (sample?.freeMemoryBytes ?? 0),
    );
    expect(last?.cpuPercent).toBe(sample?.cpuPercent);
  });

  it('422 for a bad range, 404 for a name with no history, 401 without a session', async () => {
    const { f, step } = await fakeClockFixture();
    await step();
    const bad = await f.admin.get('/api/v1/domains/db-01/metrics?range=1y');
    expect(bad.status).toBe(422);
    const err = apiErrorSchema.parse(bad.body).error;
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('range');
    expect((await f.admin.get('/api/v1/host/metrics?range=7d')).status).toBe(422);
    const missing = await f.admin.get('/api/v1/domains/nope/metrics');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('DOMAIN_NOT_FOUND');
    expect((await f.admin.get('/api/v1/domains/bad%20name/metrics')).status).toBe(422);
    for (const path of ['/api/v1/domains/db-01/metrics?range=1h', '/api/v1/host/metrics']) {
      const res = await request(f.app).get(path);
      expect(res.status, path).toBe(401);
    }
    // A domain that exists but has not been sampled yet: 200 with no points, not 404.
    f.sim.external.create({ name: 'fresh' });
    const fresh = await f.admin.get('/api/v1/domains/fresh/metrics').expect(200);
    expect(fresh.body.points).toEqual([]);
  });
});

/** Opens a websocket; resolves with the refused status, or the socket and a message reader. */
function connect(port: number, headers: Record<string, string>, query = '') {
  return new Promise<
    | { ws: WebSocket; next: (pred?: (m: MetricsMessage) => boolean) => Promise<MetricsMessage> }
    | { status: number }
  >((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/metrics${query}`, { headers });
    const queue: MetricsMessage[] = [];
    let wake: (() => void) | undefined;
    ws.on('message', (data) => {
      queue.push(metricsMessageSchema.parse(JSON.parse(String(data))));
      wake?.();
    });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        next: async (pred = () => true) => {
          const deadline = Date.now() + 3000;
          for (;;) {
            const i = queue.findIndex(pred);
            if (i >= 0) return queue.splice(0, i + 1).at(-1) as MetricsMessage;
            if (Date.now() > deadline) throw new Error('no matching metrics message within 3 s');
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 100);
            });
          }
        },
      }),
    );
  });
}

describe('WS /api/v1/metrics', () => {
  it('refuses a handshake without a session cookie with 401', async () => {
    f = await makeFixture({ config: { metricsIntervalMs: 100 } });
    const { port, url } = await f.listen();
    expect(await connect(port, { Origin: url })).toEqual({ status: 401 });
    expect(await connect(port, { Origin: 'http://evil.example', Cookie: f.adminCookie })).toEqual({
      status: 403,
    });
    expect(f.metrics.hub.size).toBe(0);
  });

  it('streams one sample per tick with every domain, and subscribe filters the domains', async () => {
    f = await makeFixture({ config: { metricsIntervalMs: 100 } });
    const { port, url } = await f.listen();
    const c = await connect(port, { Origin: url, Cookie: f.adminCookie });
    if ('status' in c) throw new Error(`refused ${c.status}`);
    const first = await c.next((m) => m.type === 'sample');
    if (first.type !== 'sample') throw new Error('not a sample');
    expect(first.intervalMs).toBe(100);
    expect(first.domains.map((d) => d.name)).toEqual(['Domain-0', 'web-01', 'db-01', 'build-pv']);
    const later = await c.next((m) => m.type === 'sample' && m.t > first.t);
    expect(later.type).toBe('sample');

    c.ws.send(JSON.stringify({ type: 'subscribe', domains: ['db-01'] }));
    // Every sample from some point on carries only db-01 (and the host).
    const filtered = await c.next((m) => m.type === 'sample' && m.domains.length === 1);
    if (filtered.type !== 'sample') throw new Error('not a sample');
    expect(filtered.domains[0]?.name).toBe('db-01');
    expect(filtered.host.nrCpus).toBe(8);
    const after = await c.next((m) => m.type === 'sample' && m.t > filtered.t);
    expect(after.type === 'sample' && after.domains.map((d) => d.name)).toEqual(['db-01']);

    c.ws.send(JSON.stringify({ type: 'subscribe', domains: ['bad name!'] }));
    const err = await c.next((m) => m.type === 'error');
    expect(err).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    expect(err.type === 'error' && err.message).toContain('domains.0');
    c.ws.send(JSON.stringify({ type: 'subscribe', domains: '*' }));
    const all = await c.next((m) => m.type === 'sample' && m.domains.length === 4);
    expect(all.type).toBe('sample');
    c.ws.close();
    await expect.poll(() => f?.metrics.hub.size).toBe(0);
  });

  it('serializes a tick once for every client that wants all domains', async () => {
    const { f, step } = await fakeClockFixture();
    const { port, url } = await f.listen();
    const clients = await Promise.all(
      [1, 2, 3].map(() => connect(port, { Origin: url, Cookie: f.adminCookie })),
    );
    await expect.poll(() => f.metrics.hub.size).toBe(3);
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      if ((args[0] as { type?: string })?.type === 'sample') calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      await step();
    } finally {
      JSON.stringify = stringify;
    }
    expect(calls).toBe(1);
    for (const c of clients) {
      if ('status' in c) throw new Error('refused');
      expect((await c.next()).type).toBe('sample');
      c.ws.close();
    }
  });

  it('sends frames to a client that subscribes with fields: a keyframe, then deltas, one encoding per subscription', async () => {
    const { f, step } = await fakeClockFixture();
    const { port, url } = await f.listen();
    await step();
    const fields: MetricsField[] = ['state', 'cpuPercent', 'memoryBytes', 'maxMemoryBytes'];
    const open = async (subscribe: object) => {
      const c = await connect(port, { Origin: url, Cookie: f.adminCookie });
      if ('status' in c) throw new Error(`refused ${c.status}`);
      await c.next((m) => m.type === 'sample'); // the latest sample comes before any subscribe
      c.ws.send(JSON.stringify({ type: 'subscribe', ...subscribe }));
      const key = await c.next((m) => m.type === 'frame');
      if (key.type !== 'frame' || !key.key) throw new Error('expected a keyframe');
      const decoder = new MetricsFrameDecoder();
      expect(decoder.apply(key)).not.toBe('resubscribe');
      return { ...c, decoder };
    };
    const before = f.metrics.hub.frameEncodings;
    const table = await Promise.all([1, 2, 3].map(() => open({ domains: '*', fields })));
    const top = await open({ domains: ['db-01'], fields: ['cpuSeconds', 'vcpus'] });
    // Four clients, two distinct subscriptions, one tick: two encodings.
    expect(f.metrics.hub.frameEncodings - before).toBe(2);
    for (let k = 0; k < 3; k++) {
      await step();
      const sample = f.metrics.sampler.latest?.message;
      if (!sample) throw new Error('no sample');
      for (const c of table) {
        const m = await c.next((x) => x.type === 'frame' && x.t === sample.t);
        if (m.type !== 'frame') throw new Error('not a frame');
        expect(m.key).toBe(false);
        const view = c.decoder.apply(m);
        if (view === 'resubscribe') throw new Error('delta not applied');
        expect(view.domains.map((d) => [d.name, d.state, d.memoryBytes])).toEqual(
          sample.domains.map((d) => [d.name, d.state, d.memoryBytes]),
        );
        for (const [j, d] of view.domains.entries()) {
          const want = sample.domains[j]?.cpuPercent ?? null;
          if (want === null) expect(d.cpuPercent).toBeNull();
          else expect(Math.abs((d.cpuPercent ?? Number.NaN) - want)).toBeLessThanOrEqual(0.05);
        }
      }
      const t = await top.next((x) => x.type === 'frame' && x.t === sample.t);
      if (t.type !== 'frame') throw new Error('not a frame');
      expect(t.key).toBe(false);
      expect(Object.keys(t.cols)).not.toContain('cpuPercent');
      const view = top.decoder.apply(t);
      expect(view !== 'resubscribe' && view.domains.map((d) => [d.name, d.vcpus])).toEqual([
        ['db-01', sample.domains.find((d) => d.name === 'db-01')?.vcpus],
      ]);
    }
    expect(f.metrics.hub.frameEncodings - before).toBe(2 + 2 * 3);

    // `?fields=` subscribes at connect: a keyframe first, no legacy sample; a bad one: error + legacy.
    const q = await connect(port, { Origin: url, Cookie: f.adminCookie }, '?fields=vcpus,state');
    if ('status' in q) throw new Error(`refused ${q.status}`);
    const qk = await q.next();
    expect(qk).toMatchObject({ type: 'frame', key: true });
    expect(qk.type === 'frame' && Object.keys(qk.cols)).toEqual(['state', 'vcpus']);
    const bad = await connect(port, { Origin: url, Cookie: f.adminCookie }, '?fields=vcpus,nope');
    if ('status' in bad) throw new Error(`refused ${bad.status}`);
    expect(await bad.next()).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    expect((await bad.next()).type).toBe('sample');
    q.ws.close();
    bad.ws.close();

    // Back to the legacy stream without fields.
    top.ws.send(JSON.stringify({ type: 'subscribe', domains: '*' }));
    expect((await top.next((m) => m.type === 'sample')).type).toBe('sample');
    for (const c of [...table, top]) c.ws.close();
  });
});

describe('GET /metrics (Prometheus)', () => {
  it('401 with WWW-Authenticate without a token or with a wrong one', async () => {
    const { f, step } = await fakeClockFixture();
    await step();
    for (const auth of [undefined, 'Bearer wrong-token', 'Basic YWRtaW46eA==']) {
      const req = request(f.app).get('/metrics');
      const res = await (auth ? req.set('Authorization', auth) : req);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(apiErrorSchema.parse(res.body).error.code).toBe('UNAUTHENTICATED');
    }
    // A session cookie is not enough either.
    expect((await f.admin.get('/metrics')).status).toBe(401);
  });

  it('serves the exposition format with the right token, and the CPU counter grows between scrapes', async () => {
    const { f, step } = await fakeClockFixture();
    const token = metricsTokenSchema.parse(
      (await f.admin.get('/api/v1/settings/metrics-token').expect(200)).body,
    );
    expect(token.source).toBe('generated');
    expect(token.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await step();
    await step();
    const scrape = async () => {
      const res = await request(f.app)
        .get('/metrics')
        .set('Authorization', `Bearer ${token.token}`)
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text;
    };
    const text = await scrape();
    const sample = (name: string, labels: string) =>
      new RegExp(`^${name}\\{${labels}\\} (\\d+(\\.\\d+)?(e[+-]?\\d+)?)$`, 'm');
    const patterns: [string, RegExp][] = [
      ['cpu', sample('xen_domain_cpu_seconds_total', 'domain="db-01",domid="2"')],
      ['mem', sample('xen_domain_memory_bytes', 'domain="db-01",domid="2"')],
      ['maxmem', sample('xen_domain_memory_max_bytes', 'domain="db-01",domid="2"')],
      ['vcpus', sample('xen_domain_vcpus_online', 'domain="db-01",domid="2"')],
      ['vif rx', sample('xen_domain_vif_rx_bytes_total', 'domain="db-01",vif="0"')],
      ['vif tx pkts', sample('xen_domain_vif_tx_packets_total', 'domain="db-01",vif="0"')],
      ['vif drops', sample('xen_domain_vif_rx_drops_total', 'domain="db-01",vif="0"')],
      ['vbd rd', sample('xen_domain_vbd_rd_requests_total', 'domain="db-01",vbd="xvda"')],
      ['vbd oo', sample('xen_domain_vbd_oo_requests_total', 'domain="db-01",vbd="xvda"')],
      ['vbd wsect', sample('xen_domain_vbd_wr_sectors_total', 'domain="db-01",vbd="xvda"')],
      ['host total', /^xen_host_memory_total_bytes 17179869184$/m],
      ['host free', /^xen_host_memory_free_bytes \d+$/m],
      ['host cpus', /^xen_host_cpus 8$/m],
      ['duration', /^xendeck_sample_duration_seconds_count 2$/m],
    ];
    for (const [what, re] of patterns) expect(text, what).toMatch(re);
    expect(text).toMatch(/^# TYPE xen_domain_cpu_seconds_total counter$/m);
    // Every non-comment line parses as `name{labels} value`.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? \S+$/);
    }
    const cpu = (t: string) => Number(patterns[0]?.[1].exec(t)?.[1]);
    for (let i = 0; i < 3; i++) await step();
    const later = await scrape();
    expect(cpu(later)).toBeGreaterThan(cpu(text));
    // Same snapshot twice: a scrape does not sample by itself.
    expect(cpu(await scrape())).toBe(cpu(later));
  });

  it('rotates the token (the old one stops working) and refuses rotation of an env token', async () => {
    const { f: fx } = await fakeClockFixture();
    const old = (await fx.admin.get('/api/v1/settings/metrics-token')).body.token as string;
    const res = await fx.admin
      .post('/api/v1/settings/metrics-token/rotate')
      .set('Content-Type', 'application/json')
      .expect(200);
    const fresh = metricsTokenSchema.parse(res.body).token;
    expect(fresh).not.toBe(old);
    await request(fx.app).get('/metrics').set('Authorization', `Bearer ${old}`).expect(401);
    await request(fx.app).get('/metrics').set('Authorization', `bearer ${fresh}`).expect(200);
    expect(fx.logs).toContainEqual(
      expect.objectContaining({ audit: true, action: 'metrics-token.rotate', result: 'ok' }),
    );
    await fx.cleanup();
    f = undefined;

    const env = await fakeClockFixture({ config: { metricsToken: 'env-token-0123456789' } });
    expect((await env.f.admin.get('/api/v1/settings/metrics-token')).body).toEqual({
      token: 'env-token-0123456789',
      source: 'env',
      createdAt: null,
    });
    const refused = await env.f.admin
      .post('/api/v1/settings/metrics-token/rotate')
      .set('Content-Type', 'application/json');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('METRICS_TOKEN_FROM_ENV');
    await request(env.f.app)
      .get('/metrics')
      .set('Authorization', 'Bearer env-token-0123456789')
      .expect(200);
  });
});
