/**
 * Save and restore through the HTTP app on the simulated host (which writes real image files with
 * xl's header into the fixture's save dir): save as a task with progress → the domain is gone and
 * the image listed with its saved config; restore → new domid, the image kept under its hidden
 * `.restored-` name; refusals before the task (dom0, unknown, image exists, running name, restored
 * image, not an image, busy, confirm); delete; audit lines with the xl twin; access.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  metricsHistorySchema,
  restoreImageResultSchema,
  saveDomainResultSchema,
  savedImageListSchema,
  taskAcceptedSchema,
} from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import { type Fixture, login, makeFixture, runTask, settleTask } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const post = (path: string, body: unknown = {}) =>
  f.admin
    .post(path)
    .set('Content-Type', 'application/json')
    .send(body as object);

const settle = (id: string) => settleTask(f, id);
const run = (res: { status: number; body: unknown; text: string }) => runTask(f, res);

async function list() {
  const res = await f.admin.get('/api/v1/saved-images');
  expect(res.status, res.text).toBe(200);
  return savedImageListSchema.parse(res.body);
}

const audits = (action: string) => f.logs.filter((l) => l.audit === true && l.action === action);

describe('save and restore', () => {
  it('saves web-01 as a task (progress, xl twin), lists it, restores it under a new domid and keeps the image hidden from xendomains', async () => {
    expect(await list()).toEqual({ dir: f.config.saveDir, dirExists: false, images: [] });
    const before = await f.sim.domidByName('web-01');
    const save = await run(await post('/api/v1/domains/web-01/save', { checkpoint: false }));
    expect(save.state, JSON.stringify(save.error)).toBe('succeeded');
    expect(save.kind).toBe('domain.save');
    expect(save.target).toBe('domain:web-01');
    expect(save.progress).toBe(1);
    const path = join(f.config.saveDir, 'web-01');
    expect(save.steps[0]?.output).toContain(`xl save web-01 ${path}`);
    const result = saveDomainResultSchema.parse(save.result);
    expect(result).toMatchObject({ image: 'web-01', path, checkpoint: false });
    // The simulated image is as large as the domain's memory (1024 MiB), sparse.
    expect(result.sizeBytes).toBe(1024 * 1024 * 1024);
    expect(await f.sim.domidByName('web-01')).toBeUndefined();

    const { images, dirExists } = await list();
    expect(dirExists).toBe(true);
    expect(images).toHaveLength(1);
    const img = images[0];
    expect(img).toMatchObject({
      name: 'web-01',
      path,
      domainName: 'web-01',
      state: 'saved',
      restoredAt: null,
      sizeBytes: 1024 * 1024 * 1024,
      running: false,
      busy: false,
      error: null,
      summary: { type: 'pvh', memoryMiB: 1024, maxMemoryMiB: 2048, vcpus: 2, maxVcpus: 2 },
    });
    expect((img?.config?.c_info ?? {}) as Record<string, unknown>).toMatchObject({
      name: 'web-01',
    });

    const restore = await run(await post('/api/v1/saved-images/web-01/restore'));
    expect(restore.state, JSON.stringify(restore.error)).toBe('succeeded');
    expect(restore.kind).toBe('domain.restore');
    expect(restore.target).toBe('domain:web-01');
    const r = restoreImageResultSchema.parse(restore.result);
    expect(r.name).toBe('web-01');
    expect(r.domid).not.toBe(before);
    expect(await f.sim.domidByName('web-01')).toBe(r.domid);
    expect(r.keptAs).toMatch(/^\.web-01\.restored-\d{8}T\d{6}Z$/);
    expect(readdirSync(f.config.saveDir)).toEqual([r.keptAs]);

    const after = (await list()).images;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      name: r.keptAs,
      state: 'restored',
      running: true,
      domid: r.domid,
    });
    expect(after[0]?.restoredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

    // A restored image is not restored again (its disks moved on); it can be deleted.
    const again = await post(`/api/v1/saved-images/${r.keptAs}/restore`);
    expect(again.status, again.text).toBe(409);
    expect(again.body.error.code).toBe('SAVED_IMAGE_RESTORED');
    const del = await f.admin
      .delete(`/api/v1/saved-images/${r.keptAs}?confirm=${r.keptAs}`)
      .set('Content-Type', 'application/json');
    expect(del.status, del.text).toBe(204);
    expect(readdirSync(f.config.saveDir)).toEqual([]);

    expect(audits('domain.save').map((l) => [l.result, l.command])).toEqual([
      ['ok', `xl save web-01 ${path}`],
    ]);
    expect(audits('domain.restore').map((l) => [l.result, l.command])).toEqual([
      ['ok', `xl restore ${path}`],
      ['SAVED_IMAGE_RESTORED', `xl restore ${join(f.config.saveDir, r.keptAs)}`],
    ]);
    expect(audits('saved-image.delete').map((l) => [l.result, l.command])).toEqual([
      ['ok', `rm ${join(f.config.saveDir, r.keptAs)}`],
    ]);
  });

  it('checkpoint: the domain keeps running; a restore while it runs is refused before any task', async () => {
    const domid = await f.sim.domidByName('db-01');
    const save = await run(await post('/api/v1/domains/db-01/save', { checkpoint: true }));
    expect(save.state, JSON.stringify(save.error)).toBe('succeeded');
    expect(save.steps[0]?.output).toContain('xl save -c db-01');
    expect(await f.sim.domidByName('db-01')).toBe(domid);
    const img = (await list()).images[0];
    expect(img).toMatchObject({ name: 'db-01', running: true, domid });

    const tasksBefore = (await f.admin.get('/api/v1/tasks')).body.length;
    const res = await post('/api/v1/saved-images/db-01/restore');
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.code).toBe('DOMAIN_EXISTS');
    expect((await f.admin.get('/api/v1/tasks')).body.length).toBe(tasksBefore);

    // A second save to the same name is refused: an image is never overwritten.
    const twice = await post('/api/v1/domains/db-01/save', { checkpoint: true });
    expect(twice.status, twice.text).toBe(409);
    expect(twice.body.error.code).toBe('SAVED_IMAGE_EXISTS');
    expect(audits('domain.save').map((l) => l.result)).toEqual(['ok', 'SAVED_IMAGE_EXISTS']);
  });

  it('refuses dom0, unknown domains, bad names and bodies, and files that are not xl images', async () => {
    const dom0 = await post('/api/v1/domains/Domain-0/save');
    expect([dom0.status, dom0.body.error.code]).toEqual([409, 'INVALID_STATE']);
    const unknown = await post('/api/v1/domains/nobody/save');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'DOMAIN_NOT_FOUND']);
    const badBody = await post('/api/v1/domains/web-01/save', { checkpoint: 'yes' });
    expect([badBody.status, badBody.body.error.code]).toEqual([422, 'INVALID_INPUT']);
    const extra = await post('/api/v1/domains/web-01/save', {
      checkpoint: false,
      file: '/etc/passwd',
    });
    expect(extra.status).toBe(422);
    for (const bad of ['..', '.hidden', 'a%2Fb', '..%2Fetc']) {
      const res = await post(`/api/v1/saved-images/${bad}/restore`);
      expect(res.status, `${bad}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status).not.toBe(202);
    }
    const missing = await post('/api/v1/saved-images/web-01/restore');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'SAVED_IMAGE_NOT_FOUND']);

    const { mkdirSync } = await import('node:fs');
    mkdirSync(f.config.saveDir, { recursive: true });
    writeFileSync(join(f.config.saveDir, 'junk'), 'LinuxGuestRecord'.padEnd(200, '.'));
    const junk = (await list()).images[0];
    expect(junk).toMatchObject({ name: 'junk', domainName: null, state: 'saved' });
    expect(junk?.error).toMatch(/no xl magic/);
    const res = await post('/api/v1/saved-images/junk/restore');
    expect([res.status, res.body.error.code]).toEqual([422, 'NOT_A_SAVED_IMAGE']);
    // The save's temporary file is never listed.
    writeFileSync(join(f.config.saveDir, '.web-01.saving-0123abcd'), 'partial');
    expect((await list()).images.map((i) => i.name)).toEqual(['junk']);
  });

  it('deletes only with ?confirm=<name>, never while its task runs', async () => {
    // A slow save keeps the image busy.
    await f.cleanup();
    f = await makeFixture({ sim: { createDelayMs: 400 } });
    const started = await post('/api/v1/domains/web-01/save');
    expect(started.status).toBe(202);
    const busyList = await list();
    expect(busyList.images).toEqual([]); // still the hidden partial file
    const whileSaving = await f.admin
      .delete('/api/v1/saved-images/web-01?confirm=web-01')
      .set('Content-Type', 'application/json');
    expect([whileSaving.status, whileSaving.body.error.code]).toEqual([409, 'SAVED_IMAGE_BUSY']);
    const restoreWhileSaving = await post('/api/v1/saved-images/web-01/restore');
    expect(restoreWhileSaving.body.error.code).toBe('SAVED_IMAGE_BUSY');
    const t = await settle(taskAcceptedSchema.parse(started.body).task.id);
    expect(t.state).toBe('succeeded');

    const noConfirm = await f.admin
      .delete('/api/v1/saved-images/web-01')
      .set('Content-Type', 'application/json');
    expect([noConfirm.status, noConfirm.body.error.code]).toEqual([400, 'CONFIRMATION_REQUIRED']);
    const wrong = await f.admin
      .delete('/api/v1/saved-images/web-01?confirm=db-01')
      .set('Content-Type', 'application/json');
    expect(wrong.status).toBe(400);
    expect(existsSync(join(f.config.saveDir, 'web-01'))).toBe(true);
    const ok = await f.admin
      .delete('/api/v1/saved-images/web-01?confirm=web-01')
      .set('Content-Type', 'application/json');
    expect(ok.status, ok.text).toBe(204);
    expect(existsSync(join(f.config.saveDir, 'web-01'))).toBe(false);
    const gone = await f.admin
      .delete('/api/v1/saved-images/web-01?confirm=web-01')
      .set('Content-Type', 'application/json');
    expect([gone.status, gone.body.error.code]).toEqual([404, 'SAVED_IMAGE_NOT_FOUND']);
  });

  it('is for admins only', async () => {
    await new Users(f.db).create('cust', 'customer password 1', 'customer');
    const cookie = await login(f, 'cust', 'customer password 1');
    const { default: request } = await import('supertest');
    const asCustomer = await request(f.app).get('/api/v1/saved-images').set('Cookie', cookie);
    expect(asCustomer.status).toBe(403);
    const save = await request(f.app)
      .post('/api/v1/domains/web-01/save')
      .set('Cookie', cookie)
      .set('Content-Type', 'application/json')
      .send({});
    expect(save.status).toBe(403);
    const anonymous = await request(f.app).get('/api/v1/saved-images');
    expect(anonymous.status).toBe(401);
  });

  it('metrics follow the domain by name across the save and the restore (new domid, one series)', async () => {
    await f.cleanup();
    const clock = { ms: Date.UTC(2026, 0, 1) };
    f = await makeFixture({ metrics: { now: () => clock.ms, autoStart: false } });
    const fx = f;
    const tick = async (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.ms += 1000;
        await fx.metrics.sampler.tick();
      }
    };
    const domidOf = () =>
      fx.metrics.sampler.latest?.message.domains.find((d) => d.name === 'web-01')?.domid;
    await tick(3);
    const before = domidOf();
    expect(before).toBeDefined();
    expect((await run(await post('/api/v1/domains/web-01/save'))).state).toBe('succeeded');
    await tick(2);
    expect(domidOf()).toBeUndefined();
    expect((await run(await post('/api/v1/saved-images/web-01/restore'))).state).toBe('succeeded');
    await tick(3);
    const after = domidOf();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const res = await fx.admin.get('/api/v1/domains/web-01/metrics?range=10m');
    expect(res.status, res.text).toBe(200);
    const history = metricsHistorySchema.parse(res.body);
    // 3 samples of the saved domid, none while it was saved, 3 of the restored one.
    expect(history.points).toHaveLength(6);
  });
});
