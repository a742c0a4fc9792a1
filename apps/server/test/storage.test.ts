/**
 * `/api/v1/storage` through the HTTP app, on the simulated host and the simulated vg0
 * (`backend.ts` simulatedStorage: demo-pv closed; web-01, db-01, build-pv open, their domains
 * running): listings with usedBy, create → task succeeds → listed, grow (shrink refused),
 * snapshot, delete confirmation, refusals naming users, access, bad names, image files.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  imageFileListSchema,
  type Task,
  taskAcceptedSchema,
  taskSchema,
  volumeGroupListSchema,
  volumeListSchema,
} from '@xendeck/api';
import type { SimulatedStorage } from '@xendeck/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import { type Fixture, login, makeFixture } from './helpers.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const VOLUMES = '/api/v1/storage/volume-groups/vg0/volumes';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const post = (path: string, body: unknown) =>
  f.admin
    .post(path)
    .set('Content-Type', 'application/json')
    .send(body as object);
const del = (path: string) => f.admin.delete(path).set('Content-Type', 'application/json');

/** Waits for a task to end; returns it. */
async function settle(id: string): Promise<Task> {
  for (let i = 0; i < 200; i++) {
    const res = await f.admin.get(`/api/v1/tasks/${id}`);
    const t = taskSchema.parse(res.body);
    if (t.state === 'succeeded' || t.state === 'failed') return t;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${id} did not end`);
}

/** Starts an operation (expects 202) and waits for its task. */
async function run(res: { status: number; body: unknown; text: string }): Promise<Task> {
  expect(res.status, res.text).toBe(202);
  return settle(taskAcceptedSchema.parse(res.body).task.id);
}

async function volumes() {
  const res = await f.admin.get(VOLUMES);
  expect(res.status, res.text).toBe(200);
  return volumeListSchema.parse(res.body);
}

function auditLines(action: string) {
  return f.logs.filter((l) => l.audit === true && l.action === action);
}

describe('volume groups and volumes', () => {
  it('lists vg0 with its sizes and physical volume', async () => {
    const res = await f.admin.get('/api/v1/storage/volume-groups');
    expect(res.status).toBe(200);
    const { volumeGroups } = volumeGroupListSchema.parse(res.body);
    expect(volumeGroups.map((v) => v.name)).toEqual(['vg0']);
    const vg0 = volumeGroups[0];
    expect(vg0?.sizeBytes).toBe(100 * GiB);
    expect(vg0?.freeBytes).toBe(100 * GiB - (8 + 10 + 20 + 4) * GiB);
    expect(vg0?.physicalVolumes.map((p) => p.name)).toEqual(['/dev/sdb']);
  });

  it('lists volumes with attributes and users: configs naming them, running domains', async () => {
    writeFileSync(
      join(f.config.configDir, 'shop.cfg'),
      `name = "shop"\ndisk = [ 'phy:/dev/mapper/vg0-demo--pv,xvda,w' ]\n`,
    );
    const list = await volumes();
    const byName = new Map(list.volumes.map((v) => [v.name, v]));
    expect(byName.get('demo-pv')?.usedBy).toEqual([
      { kind: 'config', name: 'shop', path: join(f.config.configDir, 'shop.cfg') },
    ]);
    expect(byName.get('demo-pv')?.open).toBe(false);
    const db = byName.get('db-01');
    expect(db?.open).toBe(true);
    expect(db?.attr[5]).toBe('o');
    expect(db?.usedBy).toEqual([{ kind: 'domain', name: 'db-01', domid: expect.any(Number) }]);
    expect(list.volumeGroup.name).toBe('vg0');
    expect(list.usedByGaps).toEqual({ configs: [], domains: [] });
  });

  it('creates a volume as a task; it is listed with the size rounded to extents; audited', async () => {
    const t = await run(await post(VOLUMES, { name: 'xa-new', sizeBytes: 1 * GiB + 1 }));
    expect(t.kind).toBe('volume.create');
    expect(t.target).toBe('volume:vg0/xa-new');
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.steps[0]?.output).toContain('lvcreate');
    const lv = (await volumes()).volumes.find((v) => v.name === 'xa-new');
    expect(lv?.sizeBytes).toBe(1 * GiB + 4 * MiB);
    expect(lv?.path).toBe('/dev/vg0/xa-new');
    expect(auditLines('volume.create').map((l) => l.result)).toEqual(['ok']);
  });

  it('a create that LVM refuses (name taken, no space) ends the task failed with the code', async () => {
    const taken = await run(await post(VOLUMES, { name: 'demo-pv', sizeBytes: GiB }));
    expect(taken.state).toBe('failed');
    expect(taken.error?.code).toBe('LV_EXISTS');
    const big = await run(await post(VOLUMES, { name: 'xa-big', sizeBytes: 500 * GiB }));
    expect(big.error?.code).toBe('NO_SPACE');
    expect((await volumes()).volumes.some((v) => v.name === 'xa-big')).toBe(false);
  });

  it('refuses bad names and bodies with 422 saying where, and an unknown VG with 404', async () => {
    const badLv = await post(VOLUMES, { name: 'snapshot1', sizeBytes: GiB });
    expect(badLv.status).toBe(422);
    expect(badLv.body.error.details.where).toBe('request body');
    expect(badLv.body.error.message).toMatch(/name.*reserved/);
    const badSize = await post(VOLUMES, { name: 'ok', sizeBytes: 0 });
    expect(badSize.status).toBe(422);
    expect(badSize.body.error.details.issues[0].path).toBe('sizeBytes');
    const badVg = await f.admin.get('/api/v1/storage/volume-groups/-vg/volumes');
    expect(badVg.status).toBe(422);
    expect(badVg.body.error.details.where).toBe('path');
    const badPathLv = await post(`${VOLUMES}/a%2Fb/grow`, { sizeBytes: GiB });
    expect(badPathLv.status).toBe(422);
    const noVg = await f.admin.get('/api/v1/storage/volume-groups/vg9/volumes');
    expect(noVg.status).toBe(404);
    expect(noVg.body.error.code).toBe('VG_NOT_FOUND');
    // Refused attempts are recorded with their code; nothing was created.
    expect(auditLines('volume.create').map((l) => l.result)).toEqual([
      'INVALID_INPUT',
      'INVALID_INPUT',
    ]);
  });

  it('grows a volume (even an open one); refuses to shrink with 409', async () => {
    const grown = await run(await post(`${VOLUMES}/db-01/grow`, { sizeBytes: 21 * GiB }));
    expect(grown.state).toBe('succeeded');
    expect((await volumes()).volumes.find((v) => v.name === 'db-01')?.sizeBytes).toBe(21 * GiB);
    const shrink = await post(`${VOLUMES}/db-01/grow`, { sizeBytes: 20 * GiB });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.code).toBe('SHRINK_REFUSED');
    expect((await volumes()).volumes.find((v) => v.name === 'db-01')?.sizeBytes).toBe(21 * GiB);
    const missing = await post(`${VOLUMES}/nope/grow`, { sizeBytes: GiB });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('LV_NOT_FOUND');
  });

  it('snapshots a volume; the snapshot names its origin, and the origin cannot be removed', async () => {
    const t = await run(
      await post(`${VOLUMES}/demo-pv/snapshot`, { name: 'demo-pv-snap', sizeBytes: GiB }),
    );
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    const snap = (await volumes()).volumes.find((v) => v.name === 'demo-pv-snap');
    expect(snap?.origin).toBe('demo-pv');
    const refused = await del(`${VOLUMES}/demo-pv?confirm=demo-pv`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('demo-pv-snap');
  });
});

describe('removing a volume', () => {
  it('needs ?confirm=<name>: missing or wrong → 400 saying what to send; nothing removed', async () => {
    await run(await post(VOLUMES, { name: 'xa-gone', sizeBytes: GiB }));
    const none = await del(`${VOLUMES}/xa-gone`);
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('CONFIRMATION_REQUIRED');
    expect(none.body.error.message).toContain('?confirm=xa-gone');
    const wrong = await del(`${VOLUMES}/xa-gone?confirm=xa-gon`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('?confirm=xa-gone');
    expect((await volumes()).volumes.some((v) => v.name === 'xa-gone')).toBe(true);
    const ok = await run(await del(`${VOLUMES}/xa-gone?confirm=xa-gone`));
    expect(ok.state).toBe('succeeded');
    expect((await volumes()).volumes.some((v) => v.name === 'xa-gone')).toBe(false);
    expect(auditLines('volume.remove').map((l) => l.result)).toEqual([
      'CONFIRMATION_REQUIRED',
      'CONFIRMATION_REQUIRED',
      'ok',
    ]);
  });

  it('refuses (409) a volume a config names, with the config in the message', async () => {
    writeFileSync(
      join(f.config.configDir, 'shop.cfg'),
      `name = "shop"\ndisk = [ 'phy:/dev/vg0/demo-pv,xvda,w' ]\n`,
    );
    const res = await del(`${VOLUMES}/demo-pv?confirm=demo-pv`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('VOLUME_IN_USE');
    expect(res.body.error.message).toContain('config shop');
    expect(res.body.error.details.usedBy).toEqual([
      { kind: 'config', name: 'shop', path: join(f.config.configDir, 'shop.cfg') },
    ]);
    expect((await volumes()).volumes.some((v) => v.name === 'demo-pv')).toBe(true);
  });

  it('refuses (409) a volume a running domain uses and an open one nobody names', async () => {
    const db = await del(`${VOLUMES}/db-01?confirm=db-01`);
    expect(db.status).toBe(409);
    expect(db.body.error.message).toMatch(/domain db-01 \(domid \d+\)/);
    await run(await post(VOLUMES, { name: 'xa-held', sizeBytes: GiB }));
    (f.context.storage as SimulatedStorage).setOpen('vg0', 'xa-held', true);
    const open = await del(`${VOLUMES}/xa-held?confirm=xa-held`);
    expect(open.status).toBe(409);
    expect(open.body.error.message).toContain('is open');
  });

  it('checks again inside the task: a config written after the request stops the removal', async () => {
    await run(await post(VOLUMES, { name: 'xa-race', sizeBytes: GiB }));
    const storage = f.context.storage;
    const original = storage.logicalVolumes.bind(storage);
    // The first listing (the check before the task) passes; the config appears before the task's.
    let calls = 0;
    storage.logicalVolumes = async (vg: string) => {
      calls++;
      if (calls === 2) {
        writeFileSync(
          join(f.config.configDir, 'late.cfg'),
          `disk = [ 'phy:/dev/vg0/xa-race,xvda,w' ]\n`,
        );
      }
      return original(vg);
    };
    const t = await run(await del(`${VOLUMES}/xa-race?confirm=xa-race`));
    storage.logicalVolumes = original;
    expect(t.state).toBe('failed');
    expect(t.error?.code).toBe('VOLUME_IN_USE');
    expect(t.error?.message).toContain('config late');
    expect((await volumes()).volumes.some((v) => v.name === 'xa-race')).toBe(true);
  });
});

describe('access', () => {
  it('answers 403 to a customer and 401 without a session, on reads and changes', async () => {
    await new Users(f.db).create('carol', 'customer-password', 'customer');
    const cookie = await login(f, 'carol', 'customer-password');
    const { default: request } = await import('supertest');
    for (const c of [cookie, undefined]) {
      const agent = request(f.app);
      const withCookie = <T extends { set: (k: string, v: string) => T }>(r: T) =>
        c ? r.set('Cookie', c) : r;
      const status = c ? 403 : 401;
      expect((await withCookie(agent.get('/api/v1/storage/volume-groups'))).status).toBe(status);
      expect((await withCookie(agent.get('/api/v1/storage/images'))).status).toBe(status);
      const create = await withCookie(
        agent.post(VOLUMES).set('Content-Type', 'application/json'),
      ).send({ name: 'xa-cust', sizeBytes: GiB });
      expect(create.status).toBe(status);
      const remove = await withCookie(
        agent.delete(`${VOLUMES}/demo-pv?confirm=demo-pv`).set('Content-Type', 'application/json'),
      );
      expect(remove.status).toBe(status);
    }
    expect((await volumes()).volumes.map((v) => v.name)).not.toContain('xa-cust');
  });
});

describe('image files', () => {
  const IMAGES = '/api/v1/storage/images';

  async function images() {
    const res = await f.admin.get(IMAGES);
    expect(res.status, res.text).toBe(200);
    return imageFileListSchema.parse(res.body);
  }

  it('creates a sparse image as a task, lists it with users, removes it with confirmation', async () => {
    expect((await images()).images).toEqual([]);
    const t = await run(await post(IMAGES, { name: 'xa-data.img', sizeBytes: 2 * GiB }));
    expect(t.kind).toBe('image.create');
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    const path = join(f.config.imageDir, 'xa-data.img');
    expect(statSync(path).size).toBe(2 * GiB);
    writeFileSync(
      join(f.config.configDir, 'files.cfg'),
      `disk = [ 'file:${f.config.imageDir}/./xa-data.img,xvdb,w' ]\n`,
    );
    const list = await images();
    expect(list.directory).toBe(f.config.imageDir);
    expect(list.images).toEqual([
      {
        name: 'xa-data.img',
        path,
        sizeBytes: 2 * GiB,
        allocatedBytes: expect.any(Number),
        modifiedAt: expect.any(String),
        usedBy: [{ kind: 'config', name: 'files', path: join(f.config.configDir, 'files.cfg') }],
      },
    ]);
    expect(list.images[0]?.allocatedBytes).toBeLessThan(GiB);

    const noConfirm = await del(`${IMAGES}/xa-data.img`);
    expect(noConfirm.status).toBe(400);
    const used = await del(`${IMAGES}/xa-data.img?confirm=xa-data.img`);
    expect(used.status).toBe(409);
    expect(used.body.error.message).toContain('config files');
    expect(existsSync(path)).toBe(true);

    writeFileSync(join(f.config.configDir, 'files.cfg'), 'disk = [ ]\n');
    const removed = await run(await del(`${IMAGES}/xa-data.img?confirm=xa-data.img`));
    expect(removed.state).toBe('succeeded');
    expect(existsSync(path)).toBe(false);
  });

  it('never overwrites: an existing name ends the task IMAGE_EXISTS and keeps the bytes', async () => {
    await run(await post(IMAGES, { name: 'keep.img', sizeBytes: 4096 }));
    const path = join(f.config.imageDir, 'keep.img');
    writeFileSync(path, 'precious');
    const again = await run(await post(IMAGES, { name: 'keep.img', sizeBytes: GiB }));
    expect(again.state).toBe('failed');
    expect(again.error?.code).toBe('IMAGE_EXISTS');
    expect(statSync(path).size).toBe('precious'.length);
  });

  it('refuses bad file names (422, where) and unknown files (404)', async () => {
    for (const name of ['.hidden', '../x.img', 'a b.img', '-x.img']) {
      const res = await post(IMAGES, { name, sizeBytes: GiB });
      expect(res.status, name).toBe(422);
      expect(res.body.error.details.where).toBe('request body');
    }
    const badPath = await del(`${IMAGES}/.x?confirm=.x`);
    expect(badPath.status).toBe(422);
    expect(badPath.body.error.details.where).toBe('path');
    const missing = await del(`${IMAGES}/none.img?confirm=none.img`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('IMAGE_NOT_FOUND');
  });
});

describe("when a running domain's disks cannot be read", () => {
  it('says so in usedByGaps, and refuses to remove an image file nobody is known to use', async () => {
    await f.cleanup();
    f = await makeFixture({
      hypervisor: (sim) =>
        Object.assign(Object.create(sim), {
          domainDisks: async () => {
            throw new Error('libxl_device_disk_list failed');
          },
        }),
    });
    const list = await volumes();
    expect(list.usedByGaps.domains.map((d) => d.name).sort()).toEqual(
      ['build-pv', 'db-01', 'web-01'].sort(),
    );
    expect(list.usedByGaps.domains[0]?.reason).toBe('libxl_device_disk_list failed');
    // The volumes of those domains are still protected by LVM's open flag.
    const db = await del(`${VOLUMES}/db-01?confirm=db-01`);
    expect(db.status).toBe(409);
    expect(db.body.error.message).toContain('is open');

    await run(await post('/api/v1/storage/images', { name: 'orphan.img', sizeBytes: 4096 }));
    const res = await del('/api/v1/storage/images/orphan.img?confirm=orphan.img');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('VOLUME_IN_USE');
    expect(res.body.error.message).toMatch(/may be used by running domains .*db-01/);
    expect(existsSync(join(f.config.imageDir, 'orphan.img'))).toBe(true);
  });
});
