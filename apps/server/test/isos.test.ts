/**
 * The ISO library over real HTTP (supertest and raw `http.request` against the app on the
 * simulated host), with the library in a temp dir: uploads (good, wrong checksum, aborted, too
 * large, existing, replace, bad names, wrong type, no length, concurrent), listing with SHA-256
 * and users, delete refusals, and the stale temp-file cleanup at start.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoListSchema } from '@xendeck/api';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import { SIM_SEED_ISO, tinyIsoImage } from '../src/isos/library.js';
import { type Fixture, type FixtureOptions, login, makeFixture } from './helpers.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

async function setup(opts: FixtureOptions = {}): Promise<Fixture> {
  f = await makeFixture(opts);
  return f;
}

/** Every name in the ISO dir, hidden files included. */
const dirNames = (fx: Fixture) => readdirSync(fx.config.isoDir).sort();

/** Polls `cond` every 20 ms for at most `ms`. */
async function until(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function upload(fx: Fixture, name: string, body: Buffer, headers: Record<string, string> = {}) {
  return fx.admin
    .put(`/api/v1/isos/${name}`)
    .set('Content-Type', 'application/octet-stream')
    .set(headers)
    .send(body);
}

interface RawPut {
  /** Resolves with the status and body of the answer, or rejects when the socket breaks. */
  answer: Promise<{ status: number; body: string }>;
  write: (b: Buffer) => Promise<void>;
  end: () => void;
  destroy: () => void;
}

/** A PUT over a raw socket, body written by hand (to stream, stall, or abort it). */
function rawPut(url: string, path: string, headers: Record<string, string | number>): RawPut {
  const req = httpRequest(`${url}${path}`, { method: 'PUT', headers });
  req.flushHeaders();
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  return {
    answer,
    write: (b) => new Promise((resolve) => req.write(b, () => resolve())),
    end: () => req.end(),
    destroy: () => req.destroy(),
  };
}

describe('ISO library', () => {
  it('uploads a file: 201 with its entry, bytes equal, sha256 listed, nothing else left', async () => {
    const fx = await setup();
    const body = Buffer.concat([tinyIsoImage('UPLOAD'), randomBytes(300_000)]);
    const res = await upload(fx, 'debian-12.iso', body, { 'X-Checksum-Sha256': sha256(body) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'debian-12.iso',
      sizeBytes: body.length,
      sha256: sha256(body),
      usedBy: [],
    });
    expect(readFileSync(join(fx.config.isoDir, 'debian-12.iso')).equals(body)).toBe(true);
    expect(dirNames(fx)).toEqual(['debian-12.iso']);

    const list = await fx.admin.get('/api/v1/isos');
    expect(list.status).toBe(200);
    const parsed = isoListSchema.parse(list.body);
    expect(parsed.directory).toBe(fx.config.isoDir);
    expect(parsed.freeBytes).toBeGreaterThan(0);
    expect(parsed.isos).toEqual([
      expect.objectContaining({ name: 'debian-12.iso', sha256: sha256(body) }),
    ]);
    // Hashed during the upload: no iso.checksum task was needed.
    expect(fx.context.tasks.list({ limit: 10 }).filter((t) => t.kind === 'iso.checksum')).toEqual(
      [],
    );
    const line = fx.logs.find((l) => l.audit && l.action === 'iso.upload');
    expect(line).toMatchObject({ user: 'admin', target: 'iso:debian-12.iso', result: 'ok' });
  });

  it('refuses a wrong X-Checksum-Sha256 with 422 and keeps nothing (no .part either)', async () => {
    const fx = await setup();
    const body = randomBytes(200_000);
    const res = await upload(fx, 'bad.iso', body, { 'X-Checksum-Sha256': 'ab'.repeat(32) });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CHECKSUM_MISMATCH');
    expect(res.body.error.details).toEqual({ expected: 'ab'.repeat(32), actual: sha256(body) });
    expect(dirNames(fx)).toEqual([]);
    const line = fx.logs.find((l) => l.audit && l.action === 'iso.upload');
    expect(line).toMatchObject({ result: 'CHECKSUM_MISMATCH' });
  });

  it('removes the temp file when the client destroys the socket mid-body', async () => {
    const fx = await setup();
    const { url } = await fx.listen();
    const put = rawPut(url, '/api/v1/isos/aborted.iso', {
      Cookie: fx.adminCookie,
      'Content-Type': 'application/octet-stream',
      'Content-Length': 10 * 1024 * 1024,
    });
    put.answer.catch(() => {});
    await put.write(randomBytes(1024 * 1024));
    await until(() => dirNames(fx).some((n) => /^\.upload-[0-9a-f]+\.part$/.test(n)));
    put.destroy();
    await until(() => dirNames(fx).length === 0);
    await until(() => fx.logs.some((l) => l.audit && l.action === 'iso.upload'));
    expect(fx.logs.find((l) => l.audit && l.action === 'iso.upload')).toMatchObject({
      result: 'UPLOAD_INCOMPLETE',
    });
    expect(dirNames(fx)).toEqual([]);
  });

  it('gives up on a body that goes idle, and removes the temp file', async () => {
    const fx = await setup({ isos: { uploadIdleMs: 300 } });
    const { url } = await fx.listen();
    const put = rawPut(url, '/api/v1/isos/idle.iso', {
      Cookie: fx.adminCookie,
      'Content-Type': 'application/octet-stream',
      'Content-Length': 1000,
    });
    put.answer.catch(() => {});
    await put.write(randomBytes(100));
    await until(() => fx.logs.some((l) => l.audit && l.action === 'iso.upload'));
    expect(fx.logs.find((l) => l.audit && l.action === 'iso.upload')).toMatchObject({
      result: 'UPLOAD_INCOMPLETE',
    });
    await until(() => dirNames(fx).length === 0);
    put.destroy();
  });

  it('answers 411 without Content-Length (chunked body)', async () => {
    const fx = await setup();
    const { url } = await fx.listen();
    const put = rawPut(url, '/api/v1/isos/chunked.iso', {
      Cookie: fx.adminCookie,
      'Content-Type': 'application/octet-stream',
      'Transfer-Encoding': 'chunked',
    });
    await put.write(Buffer.from('hello'));
    put.end();
    const { status, body } = await put.answer;
    expect(status).toBe(411);
    expect(JSON.parse(body).error.code).toBe('LENGTH_REQUIRED');
    expect(dirNames(fx)).toEqual([]);
  });

  it('answers 507 with both figures when the file does not fit (statfs injected)', async () => {
    const fx = await setup({ isos: { freeBytes: async () => 1000 } });
    const res = await upload(fx, 'big.iso', randomBytes(4096));
    expect(res.status).toBe(507);
    expect(res.body.error).toMatchObject({
      code: 'INSUFFICIENT_STORAGE',
      details: { neededBytes: 4096, freeBytes: 1000 },
    });
    expect(dirNames(fx)).toEqual([]);
  });

  it('answers 507 from the real statfs for a Content-Length larger than the disk', async () => {
    const fx = await setup({
      config: { isoMaxBytes: Number.MAX_SAFE_INTEGER },
      isos: { refusalLingerMs: 300 },
    });
    const { url } = await fx.listen();
    const put = rawPut(url, '/api/v1/isos/huge.iso', {
      Cookie: fx.adminCookie,
      'Content-Type': 'application/octet-stream',
      'Content-Length': 2 ** 52,
    });
    const { status, body } = await put.answer;
    expect(status).toBe(507);
    const details = JSON.parse(body).error.details;
    expect(details.neededBytes).toBe(2 ** 52);
    expect(details.freeBytes).toBeLessThan(2 ** 52);
    put.destroy();
  });

  it('reads the rest of a refused body before answering, so a client still sending gets the answer', async () => {
    // Node stops reading once an answer is sent: without the drain these writes would stall
    // after a few MiB and the keep-alive timeout would cut the connection (a browser then
    // reports a network error instead of the 409).
    const fx = await setup();
    expect((await upload(fx, 'exists.iso', randomBytes(10))).status).toBe(201);
    const { url } = await fx.listen();
    const total = 48 * 1024 * 1024;
    const put = rawPut(url, '/api/v1/isos/exists.iso', {
      Cookie: fx.adminCookie,
      'Content-Type': 'application/octet-stream',
      'Content-Length': total,
    });
    const chunk = Buffer.alloc(1024 * 1024);
    for (let sent = 0; sent < total; sent += chunk.length) await put.write(chunk);
    put.end();
    const { status, body } = await put.answer;
    expect(status).toBe(409);
    expect(JSON.parse(body).error.code).toBe('ISO_EXISTS');
    expect(dirNames(fx)).toEqual(['exists.iso']);
  });

  it('answers 413 above XENDECK_ISO_MAX_BYTES', async () => {
    const fx = await setup({ config: { isoMaxBytes: 1000 } });
    const res = await upload(fx, 'x.iso', randomBytes(1001));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an existing name with 409, replaces it with ?replace=1', async () => {
    const fx = await setup();
    const first = randomBytes(5000);
    const second = randomBytes(7000);
    expect((await upload(fx, 'a.iso', first)).status).toBe(201);
    const again = await upload(fx, 'a.iso', second);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ISO_EXISTS');
    expect(readFileSync(join(fx.config.isoDir, 'a.iso')).equals(first)).toBe(true);
    const replaced = await fx.admin
      .put('/api/v1/isos/a.iso?replace=1')
      .set('Content-Type', 'application/octet-stream')
      .send(second);
    expect(replaced.status).toBe(201);
    expect(replaced.body.sha256).toBe(sha256(second));
    expect(readFileSync(join(fx.config.isoDir, 'a.iso')).equals(second)).toBe(true);
    expect(dirNames(fx)).toEqual(['a.iso']);
  });

  it.each([
    ['..%2Fx.iso', /may hold only letters/],
    ['.x.iso', /may not start with "."/],
    ['x.txt', /must end with ".iso"/],
    [`${'a'.repeat(252)}.iso`, /longer than 255 bytes/],
  ])('refuses the name %s with 400 saying why', async (name, why) => {
    const fx = await setup();
    const res = await upload(fx, name, randomBytes(10));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message).toMatch(why);
    expect(dirNames(fx)).toEqual([]);
  });

  it('refuses a path that leaves the directory before it reaches the route', async () => {
    const fx = await setup();
    const res = await upload(fx, '../x.iso', randomBytes(10));
    // The client or the router resolves `..`: the request never names a file in the ISO dir.
    expect([400, 404, 415]).toContain(res.status);
    expect(existsSync(join(fx.stateDir, 'x.iso'))).toBe(false);
    expect(dirNames(fx)).toEqual([]);
  });

  it('answers 403 to a customer and 401 without a session', async () => {
    const fx = await setup();
    await new Users(fx.db).create('carol', 'customer-password', 'customer');
    const cookie = await login(fx, 'carol', 'customer-password');
    const { url } = await fx.listen();
    for (const c of [cookie, undefined]) {
      const put = rawPut(url, '/api/v1/isos/c.iso', {
        ...(c ? { Cookie: c } : {}),
        'Content-Type': 'application/octet-stream',
        'Content-Length': 3,
      });
      await put.write(Buffer.from('abc'));
      put.end();
      expect((await put.answer).status).toBe(c ? 403 : 401);
    }
    const list = await supertest(fx.app).get('/api/v1/isos').set('Cookie', cookie);
    expect(list.status).toBe(403);
    expect(dirNames(fx)).toEqual([]);
  });

  it('answers 415 to a body that is not application/octet-stream', async () => {
    const fx = await setup();
    for (const type of ['text/plain', 'application/json', 'multipart/form-data; boundary=x']) {
      const res = await fx.admin
        .put('/api/v1/isos/t.iso')
        .set('Content-Type', type)
        .send(type === 'application/json' ? '{}' : 'abc');
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // octet-stream is accepted on this route only.
    const other = await fx.admin
      .post('/api/v1/domains/web-01/pause')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('x'));
    expect(other.status).toBe(415);
    expect(dirNames(fx)).toEqual([]);
  });

  it('refuses an upload whose Origin is another site', async () => {
    const fx = await setup();
    const res = await upload(fx, 'o.iso', randomBytes(10), { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(dirNames(fx)).toEqual([]);
  });

  it('refuses a second upload of the same name while the first runs (409), then the first ends', async () => {
    const fx = await setup();
    const { url } = await fx.listen();
    const body = randomBytes(2 * 1024 * 1024);
    const first = rawPut(url, '/api/v1/isos/same.iso', {
      Cookie: fx.adminCookie,
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length,
    });
    await first.write(body.subarray(0, 1024 * 1024));
    await until(() => dirNames(fx).some((n) => n.endsWith('.part')));
    const second = await upload(fx, 'same.iso', randomBytes(100));
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('UPLOAD_IN_PROGRESS');
    await first.write(body.subarray(1024 * 1024));
    first.end();
    const done = await first.answer;
    expect(done.status).toBe(201);
    expect(readFileSync(join(fx.config.isoDir, 'same.iso')).equals(body)).toBe(true);
    expect(dirNames(fx)).toEqual(['same.iso']);
  });

  it('hashes a file put there by hand as an iso.checksum task, and again once it changes', async () => {
    const fx = await setup();
    const path = join(fx.config.isoDir, 'scp.iso');
    const bytes = randomBytes(100_000);
    writeFileSync(path, bytes);
    const first = await fx.admin.get('/api/v1/isos');
    expect(first.body.isos[0]).toMatchObject({ name: 'scp.iso', sha256: null });
    const listed = async () => (await fx.admin.get('/api/v1/isos')).body.isos[0]?.sha256;
    await until(async () => (await listed()) === sha256(bytes));
    const tasks = fx.context.tasks.list({ limit: 10 }).filter((t) => t.kind === 'iso.checksum');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ state: 'succeeded', target: 'iso:scp.iso', user: 'admin' });
    expect(tasks[0]?.result).toEqual({ name: 'scp.iso', sha256: sha256(bytes) });

    // Replaced by hand (same name, new size and mtime): hashed again.
    const other = randomBytes(50_000);
    writeFileSync(path, other);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(await listed()).toBeNull();
    await until(async () => (await listed()) === sha256(other));
  });

  it('lists only regular files with ISO names (temp files, dotfiles, others hidden)', async () => {
    const fx = await setup();
    const dir = fx.config.isoDir;
    writeFileSync(join(dir, 'ok.ISO'), 'x');
    writeFileSync(join(dir, '.hidden.iso'), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    mkdirSync(join(dir, 'sub.iso'));
    const res = await fx.admin.get('/api/v1/isos');
    expect(res.body.isos.map((i: { name: string }) => i.name)).toEqual(['ok.ISO']);
  });

  it('names a config that uses the ISO, and refuses to delete it (409 naming the config)', async () => {
    const fx = await setup();
    expect((await upload(fx, 'inst.iso', randomBytes(1000))).status).toBe(201);
    const isoPath = join(fx.config.isoDir, 'inst.iso');
    writeFileSync(
      join(fx.config.configDir, 'web9.cfg'),
      `name = "web9"\ntype = "hvm"\nmemory = 512\ndisk = [ 'file:${isoPath},hdc:cdrom,r' ]\n`,
    );
    const list = await fx.admin.get('/api/v1/isos');
    expect(list.body.isos[0].usedBy).toEqual([
      { kind: 'config', name: 'web9', path: join(fx.config.configDir, 'web9.cfg') },
    ]);
    const del = await fx.admin
      .delete('/api/v1/isos/inst.iso?confirm=inst.iso')
      .set('Content-Type', 'application/json');
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('ISO_IN_USE');
    expect(del.body.error.message).toMatch(/config web9/);
    expect(existsSync(isoPath)).toBe(true);
  });

  it('refuses to delete an ISO inserted in a running domain (cdInsert), then deletes it once ejected', async () => {
    const fx = await setup();
    expect((await upload(fx, 'live.iso', randomBytes(1000))).status).toBe(201);
    const isoPath = join(fx.config.isoDir, 'live.iso');
    const domid = (await fx.sim.domidByName('db-01')) as number;
    await fx.sim.cdInsert(domid, 'hdc', isoPath);
    const list = await fx.admin.get('/api/v1/isos');
    expect(list.body.isos[0].usedBy).toEqual([{ kind: 'domain', name: 'db-01', domid }]);
    const del = await fx.admin
      .delete('/api/v1/isos/live.iso?confirm=live.iso')
      .set('Content-Type', 'application/json');
    expect(del.status).toBe(409);
    expect(del.body.error).toMatchObject({ code: 'ISO_IN_USE' });
    expect(del.body.error.message).toMatch(/domain db-01 \(domid \d+\)/);
    // Replacing what a running domain has inserted is refused too.
    const rep = await fx.admin
      .put('/api/v1/isos/live.iso?replace=1')
      .set('Content-Type', 'application/octet-stream')
      .send(randomBytes(10));
    expect(rep.status).toBe(409);
    expect(rep.body.error.code).toBe('ISO_IN_USE');

    await fx.sim.cdEject(domid, 'hdc');
    const noConfirm = await fx.admin
      .delete('/api/v1/isos/live.iso')
      .set('Content-Type', 'application/json');
    expect(noConfirm.status).toBe(400);
    expect(existsSync(isoPath)).toBe(true);
    const ok = await fx.admin
      .delete('/api/v1/isos/live.iso?confirm=live.iso')
      .set('Content-Type', 'application/json');
    expect(ok.status).toBe(204);
    expect(dirNames(fx)).toEqual([]);
    const gone = await fx.admin
      .delete('/api/v1/isos/live.iso?confirm=live.iso')
      .set('Content-Type', 'application/json');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('ISO_NOT_FOUND');
  });

  it('removes stale .upload-*.part files at start and keeps everything else', async () => {
    const base = join(tmpdir(), `xendeck-iso-stale-${randomBytes(4).toString('hex')}`);
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, '.upload-0123abcd.part'), 'half');
    writeFileSync(join(base, 'keep.iso'), 'x');
    writeFileSync(join(base, '.upload-notes'), 'x');
    const fx = await setup({ config: { isoDir: base } });
    expect(dirNames(fx)).toEqual(['.upload-notes', 'keep.iso']);
    expect(fx.logs.some((l) => l.msg === 'removed a stale upload temp file')).toBe(true);
  });

  it('a library directory removed after start: 503 ISO_LIBRARY_MISSING naming it; CD choices are empty', async () => {
    const fx = await setup();
    rmSync(fx.config.isoDir, { recursive: true });
    const list = await fx.admin.get('/api/v1/isos');
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('ISO_LIBRARY_MISSING');
    expect(list.body.error.message).toContain(fx.config.isoDir);
    const put = await upload(fx, 'a.iso', tinyIsoImage());
    expect(put.status).toBe(503);
    expect(put.body.error.code).toBe('ISO_LIBRARY_MISSING');
    const domains = (await fx.admin.get('/api/v1/domains')).body as {
      name: string;
      domid: number;
    }[];
    const guest = domains.find((d) => d.domid !== 0);
    if (!guest) throw new Error('the simulated host has no guest');
    const choices = await fx.admin.get(`/api/v1/domains/${guest.name}/cdrom/isos`);
    expect(choices.status).toBe(200);
    expect(choices.body).toEqual({ isos: [] });
    expect(existsSync(fx.config.isoDir)).toBe(false);
  });

  it('creates a missing directory 0755; the simulated default dir gets the demo ISO', async () => {
    const plain = await setup();
    expect(statSync(plain.config.isoDir).mode & 0o777).toBe(0o755);
    expect(dirNames(plain)).toEqual([]);
    await plain.cleanup();
    const fx = await setup({ config: { simulatedIsoDir: true } });
    expect(dirNames(fx)).toEqual([SIM_SEED_ISO]);
    const img = readFileSync(join(fx.config.isoDir, SIM_SEED_ISO));
    expect(img.subarray(0x8001, 0x8006).toString('ascii')).toBe('CD001');
    const list = await fx.admin.get('/api/v1/isos');
    expect(list.body.isos).toEqual([
      expect.objectContaining({ name: SIM_SEED_ISO, sizeBytes: img.length }),
    ]);
  });
});
