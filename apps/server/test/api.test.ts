import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiErrorSchema,
  configEntrySchema,
  domainSchema,
  hostSchema,
  startResultSchema,
} from '@xendeck/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const json = { 'Content-Type': 'application/json' };

/** Asserts the error body shape and returns it. */
function expectError(res: request.Response, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = apiErrorSchema.parse(res.body);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const post = (path: string, body?: unknown) =>
  f.admin
    .post(path)
    .set(json)
    .send(body as object);
const put = (path: string, body?: unknown) =>
  f.admin
    .put(path)
    .set(json)
    .send(body as object);

describe('GET /host', () => {
  it('has the schema shape, the simulated backend, and memory figures that add up', async () => {
    const res = await f.admin.get('/api/v1/host').expect(200);
    const host = hostSchema.parse(res.body);
    expect(host.backend).toBe('simulated');
    expect(host.xenVersion).toBe('4.17.7');
    expect(host.virtCaps).toEqual(expect.arrayContaining(['pv', 'hvm', 'hap']));
    const domains = domainSchema
      .array()
      .parse((await f.admin.get('/api/v1/domains').expect(200)).body);
    const dom0 = domains.find((d) => d.domid === 0);
    expect(host.dom0.memoryMiB).toBe((dom0?.memoryKiB ?? 0) / 1024);
    const guests = domains.filter((d) => d.domid !== 0).reduce((s, d) => s + d.memoryKiB, 0) / 1024;
    expect(host.guestsMemoryMiB).toBe(guests);
    expect(host.totalMemoryMiB).toBe(
      host.dom0.memoryMiB + host.guestsMemoryMiB + host.freeMemoryMiB + host.xenMemoryMiB,
    );
    // The simulated Xen keeps 160 MiB for itself (free is rounded down to whole MiB).
    expect(host.xenMemoryMiB).toBeGreaterThanOrEqual(160);
    expect(host.xenMemoryMiB).toBeLessThan(161);
    expect(host.dom0).toEqual({
      memoryMiB: 1536,
      targetMiB: 1536,
      maxMemoryMiB: 1536,
      minMemoryMiB: 512,
    });
  });
});

describe('PUT /host/dom0/memory', () => {
  it('sets the balloon target (204) and GET /host shows it', async () => {
    await put('/api/v1/host/dom0/memory', { targetMiB: 1024 }).expect(204);
    const host = hostSchema.parse((await f.admin.get('/api/v1/host')).body);
    expect(host.dom0.targetMiB).toBe(1024);
    expect((await f.sim.dom0Memory()).targetKiB).toBe(1024 * 1024);
    const audit = f.logs.find((l) => l.audit && l.action === 'dom0.memory');
    expect(audit).toMatchObject({ user: 'admin', result: 'ok', targetMiB: 1024 });
  });

  it('accepts exactly the limits and refuses one MiB outside with 422 and the limits in MiB', async () => {
    await put('/api/v1/host/dom0/memory', { targetMiB: 512 }).expect(204);
    await put('/api/v1/host/dom0/memory', { targetMiB: 1536 }).expect(204);
    const low = expectError(
      await put('/api/v1/host/dom0/memory', { targetMiB: 511 }),
      422,
      'MEMORY_OUT_OF_RANGE',
    );
    expect(low.details).toEqual({ requestedMiB: 511, minMiB: 512, maxMiB: 1536 });
    expectError(
      await put('/api/v1/host/dom0/memory', { targetMiB: 1537 }),
      422,
      'MEMORY_OUT_OF_RANGE',
    );
    expect((await f.sim.dom0Memory()).targetKiB).toBe(1536 * 1024);
  });

  it('refuses a non-integer or missing target with 422 INVALID_INPUT naming targetMiB', async () => {
    for (const body of [{ targetMiB: '1024' }, { targetMiB: 1000.5 }, {}]) {
      const err = expectError(await put('/api/v1/host/dom0/memory', body), 422, 'INVALID_INPUT');
      expect(err.message).toContain('targetMiB');
      expect(err.details?.issues).toEqual([expect.objectContaining({ path: 'targetMiB' })]);
    }
  });
});

describe('domains', () => {
  it('lists every domain, dom0 first, in the API shape', async () => {
    const res = await f.admin.get('/api/v1/domains').expect(200);
    const list = domainSchema.array().parse(res.body);
    expect(list.map((d) => d.name)).toEqual(['Domain-0', 'web-01', 'db-01', 'build-pv']);
    expect(list.map((d) => d.domid)).toEqual([0, 1, 2, 3]);
    expect(list[0]).toMatchObject({
      type: 'pv',
      state: 'running',
      memoryKiB: 1536 * 1024,
      vcpus: 4,
    });
    // Exactly the schema's keys: nothing internal leaks.
    expect(Object.keys(list[1] ?? {}).sort()).toEqual(Object.keys(domainSchema.shape).sort());
  });

  it('gets one domain by name, 404 DOMAIN_NOT_FOUND for an unknown one, 422 for a bad name', async () => {
    const res = await f.admin.get('/api/v1/domains/db-01').expect(200);
    expect(domainSchema.parse(res.body)).toMatchObject({
      name: 'db-01',
      type: 'hvm',
      memoryKiB: 4096 * 1024,
    });
    expectError(await f.admin.get('/api/v1/domains/nope'), 404, 'DOMAIN_NOT_FOUND');
    const bad = expectError(await f.admin.get('/api/v1/domains/.hidden'), 422, 'INVALID_INPUT');
    expect(bad.message).toContain('.hidden');
  });

  it('pauses and unpauses, with 409 INVALID_STATE when already in that state', async () => {
    await post('/api/v1/domains/web-01/pause').expect(204);
    expect((await f.admin.get('/api/v1/domains/web-01')).body.state).toBe('paused');
    expectError(await post('/api/v1/domains/web-01/pause'), 409, 'INVALID_STATE');
    await post('/api/v1/domains/web-01/unpause').expect(204);
    expect((await f.admin.get('/api/v1/domains/web-01')).body.state).toBe('running');
    expectError(await post('/api/v1/domains/web-01/unpause'), 409, 'INVALID_STATE');
  });

  it('destroys a domain (then 404), and refuses every operation on dom0 with 409', async () => {
    await post('/api/v1/domains/db-01/destroy').expect(204);
    expectError(await f.admin.get('/api/v1/domains/db-01'), 404, 'DOMAIN_NOT_FOUND');
    expectError(await post('/api/v1/domains/db-01/destroy'), 404, 'DOMAIN_NOT_FOUND');
    for (const op of ['shutdown', 'reboot', 'destroy', 'pause', 'unpause']) {
      expectError(await post(`/api/v1/domains/Domain-0/${op}`), 409, 'INVALID_STATE');
    }
    expect(await f.sim.domidByName('Domain-0')).toBe(0);
    const audits = f.logs
      .filter((l) => l.audit && l.target === 'domain:db-01')
      .map((l) => [l.action, l.result, l.command]);
    expect(audits).toEqual([
      ['domain.destroy', 'ok', 'xl destroy db-01'],
      ['domain.destroy', 'DOMAIN_NOT_FOUND', 'xl destroy db-01'],
    ]);
  });

  it('shuts down a running domain (it goes away), 409 for shutdown of a paused one', async () => {
    expectError(await post('/api/v1/domains/build-pv/shutdown'), 409, 'INVALID_STATE');
    await post('/api/v1/domains/web-01/shutdown').expect(204);
    await expect
      .poll(async () => (await f.admin.get('/api/v1/domains/web-01')).status, { timeout: 2000 })
      .toBe(404);
  });

  it('reboots a domain: it comes back under a new domid', async () => {
    await post('/api/v1/domains/web-01/reboot').expect(204);
    await expect
      .poll(async () => (await f.admin.get('/api/v1/domains/web-01')).body.domid, { timeout: 2000 })
      .toBeGreaterThan(3);
  });

  it('sets a domU balloon target, 422 above its maxmem with MiB limits', async () => {
    await put('/api/v1/domains/web-01/memory', { targetMiB: 1536 }).expect(200);
    const err = expectError(
      await put('/api/v1/domains/web-01/memory', { targetMiB: 4096 }),
      422,
      'MEMORY_OUT_OF_RANGE',
    );
    expect(err.details).toMatchObject({ maxMiB: 2048, requestedMiB: 4096 });
    expectError(
      await put('/api/v1/domains/ghost/memory', { targetMiB: 256 }),
      404,
      'DOMAIN_NOT_FOUND',
    );
  });
});

describe('start from a config file', () => {
  const cfg = (name: string, extra = '') =>
    `# test guest\nname = "${name}"\ntype = "pvh"\nmemory = 256\nvcpus = 2\n${extra}`;

  it('runs the config <configDir>/<name>.cfg: 201 with domid and xl output, then the domain is listed', async () => {
    writeFileSync(join(f.config.configDir, 'guest1.cfg'), cfg('guest1'));
    const res = await post('/api/v1/domains/guest1/start');
    expect(res.status, res.text).toBe(201);
    const result = startResultSchema.parse(res.body);
    expect(result.name).toBe('guest1');
    expect(result.output).toContain(join(f.config.configDir, 'guest1.cfg'));
    const d = domainSchema.parse((await f.admin.get('/api/v1/domains/guest1').expect(200)).body);
    expect(d).toMatchObject({ domid: result.domid, type: 'pvh', memoryKiB: 256 * 1024, vcpus: 2 });
  });

  it('404 CONFIG_NOT_FOUND for a missing config, 409 DOMAIN_EXISTS when running', async () => {
    const missing = expectError(
      await post('/api/v1/domains/guest2/start'),
      404,
      'CONFIG_NOT_FOUND',
    );
    expect(missing.message).toContain(join(f.config.configDir, 'guest2.cfg'));
    writeFileSync(join(f.config.configDir, 'web-01.cfg'), cfg('web-01'));
    expectError(await post('/api/v1/domains/web-01/start'), 409, 'DOMAIN_EXISTS');
  });

  it("422 CREATE_FAILED carrying the backend's error text for a broken config", async () => {
    writeFileSync(join(f.config.configDir, 'broken.cfg'), 'name = "broken"\nmemory = lots\n');
    const err = expectError(await post('/api/v1/domains/broken/start'), 422, 'CREATE_FAILED');
    expect(err.message).toContain('memory');
  });

  it('422 for names that would escape the config dir, before touching the filesystem', async () => {
    for (const name of ['..%2Fetc%2Fpasswd', '.hidden', '-x', 'a%20b']) {
      const err = expectError(await post(`/api/v1/domains/${name}/start`), 422, 'INVALID_INPUT');
      expect(err.details).toMatchObject({ where: 'path' });
    }
    // A literal ../ is normalised away by the URL and matches no route at all.
    expectError(await post('/api/v1/domains/../etc/passwd/start'), 404, 'NOT_FOUND');
  });

  it('refuses a config symlink that leads out of the config dir (404)', async () => {
    const outside = mkdtempSync(join(f.stateDir, 'outside-'));
    writeFileSync(join(outside, 'evil.cfg'), cfg('evil'));
    symlinkSync(join(outside, 'evil.cfg'), join(f.config.configDir, 'evil.cfg'));
    expectError(await post('/api/v1/domains/evil/start'), 404, 'CONFIG_NOT_FOUND');
    expect(await f.sim.domidByName('evil')).toBeUndefined();
  });
});

describe('GET /configs', () => {
  it('lists regular *.cfg files with a valid name, sorted, with running state and domid', async () => {
    const dir = f.config.configDir;
    writeFileSync(join(dir, 'zeta.cfg'), 'name = "zeta"\n');
    writeFileSync(join(dir, 'web-01.cfg'), 'name = "web-01"\n');
    writeFileSync(join(dir, 'alpha.cfg'), 'name = "alpha"\nmemory = 128\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a config');
    writeFileSync(join(dir, '.hidden.cfg'), 'name = "hidden"\n');
    mkdirSync(join(dir, 'auto'));
    mkdirSync(join(dir, 'dir.cfg'));
    symlinkSync(join(dir, 'alpha.cfg'), join(dir, 'alias.cfg'));
    const outside = mkdtempSync(join(f.stateDir, 'outside-'));
    writeFileSync(join(outside, 'x.cfg'), 'name = "x"\n');
    symlinkSync(join(outside, 'x.cfg'), join(dir, 'escape.cfg'));

    const res = await f.admin.get('/api/v1/configs').expect(200);
    const list = configEntrySchema.array().parse(res.body);
    expect(list.map((c) => c.name)).toEqual(['alias', 'alpha', 'web-01', 'zeta']);
    const web = list.find((c) => c.name === 'web-01');
    expect(web).toMatchObject({ running: true, domid: 1, path: join(dir, 'web-01.cfg') });
    const alpha = list.find((c) => c.name === 'alpha');
    expect(alpha).toMatchObject({
      running: false,
      sizeBytes: 'name = "alpha"\nmemory = 128\n'.length,
    });
    expect(alpha?.domid).toBeUndefined();
    expect(Number.isNaN(Date.parse(alpha?.modifiedAt ?? ''))).toBe(false);
  });
});

describe('errors and edges', () => {
  it('answers 422 INVALID_INPUT for malformed JSON, saying so', async () => {
    const res = await f.admin.put('/api/v1/host/dom0/memory').set(json).send('{"targetMiB": 10');
    const err = expectError(res, 422, 'INVALID_INPUT');
    expect(err.message).toMatch(/^Malformed JSON in the request body/);
  });

  it('answers 404 JSON for unknown API paths, even without a session', async () => {
    expectError(await f.admin.get('/api/v1/nothing-here'), 404, 'NOT_FOUND');
    expectError(await request(f.app).get('/api/v2/host'), 404, 'NOT_FOUND');
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await put('/api/v1/host/dom0/memory', { targetMiB: 1024, pad: 'x'.repeat(70_000) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 400 INVALID_INPUT, not 500, for a body that does not inflate (fuzz run finding)', async () => {
    for (const encoding of ['gzip', 'deflate']) {
      const res = await f.admin
        .put('/api/v1/host/dom0/memory')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send('[]');
      expectError(res, 400, 'INVALID_INPUT');
    }
    expect(f.logs.filter((l) => l.level === 50)).toEqual([]);
  });

  it('answers 503 XEN_UNAVAILABLE when the backend loses Xen', async () => {
    const { HypervisorError } = await import('@xendeck/hypervisor');
    f.sim.hostInfo = async () => {
      throw new HypervisorError('XEN_UNAVAILABLE', 'xenstore went away');
    };
    const err = expectError(await f.admin.get('/api/v1/host'), 503, 'XEN_UNAVAILABLE');
    expect(err.message).toBe('xenstore went away');
  });

  it('hides the message of unexpected errors (500 INTERNAL) and logs it', async () => {
    f.sim.listDomains = async () => {
      throw new Error('secret internal detail');
    };
    const err = expectError(await f.admin.get('/api/v1/domains'), 500, 'INTERNAL');
    expect(err.message).not.toContain('secret');
    expect(
      f.logs.some((l) => l.level === 50 && JSON.stringify(l).includes('secret internal detail')),
    ).toBe(true);
  });

  it('sends security headers on API and page answers', async () => {
    for (const path of ['/api/v1/host', '/']) {
      const res = await request(f.app).get(path);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('logs each request at info with method, URL, status and user', async () => {
    await f.admin.get('/api/v1/domains').expect(200);
    expect(f.logs).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: 'request',
        method: 'GET',
        url: '/api/v1/domains',
        status: 200,
        user: 'admin',
      }),
    );
  });
});

describe('the web app', () => {
  it('says the web app is not built when the web dir is missing', async () => {
    const res = await request(f.app).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('pnpm build');
  });

  it('serves files and falls back to index.html for client routes, never for /api', async () => {
    const web = mkdtempSync(join(tmpdir(), 'xendeck-web-'));
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Xendeck app</title>');
    writeFileSync(join(web, 'assets', 'app-123.js'), 'console.log(1)');
    await f.cleanup();
    f = await makeFixture({ config: { webDir: web } });
    const page = await request(f.app).get('/domains/web-01').expect(200);
    expect(page.text).toContain('Xendeck app');
    const asset = await request(f.app).get('/assets/app-123.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    await request(f.app).get('/assets/missing-456.js').expect(404);
    expectError(await request(f.app).get('/api/v1/unknown'), 404, 'NOT_FOUND');
    rmSync(web, { recursive: true, force: true });
  });

  it('answers a malformed %-escape in a path parameter with 400 INVALID_INPUT, not 500, with or without a session', async () => {
    const anon = expectError(await request(f.app).get('/api/v1/domains/%E0'), 400, 'INVALID_INPUT');
    expect(anon.message).toMatch(/%-escape/);
    expectError(await f.admin.get('/api/v1/configs/x/history/%ZZ'), 400, 'INVALID_INPUT');
  });
});
