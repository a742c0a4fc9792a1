/**
 * `/api/v1/domains/:name/snapshots…` and `…/clone…` through the HTTP app on the simulated host
 * and the simulated vg0 (demo-pv closed and not running; web-01 open, its domain running).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clonePlanSchema,
  snapshotListSchema,
  snapshotPreviewSchema,
  type Task,
  taskAcceptedSchema,
  taskSchema,
} from '@xendeck/api';
import type { SimulatedStorage } from '@xendeck/storage';
import { parseXlConfig } from '@xendeck/xl-config';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_CONFIGS } from '../src/backend.js';
import { type Fixture, makeFixture } from './helpers.js';

const GiB = 1024 ** 3;

let f: Fixture;
let storage: SimulatedStorage;
beforeEach(async () => {
  f = await makeFixture();
  storage = f.context.storage as SimulatedStorage;
  writeFileSync(join(f.config.configDir, 'demo-pv.cfg'), SIM_CONFIGS['demo-pv.cfg'] as string);
  writeFileSync(
    join(f.config.configDir, 'web-01.cfg'),
    `name = "web-01"\ntype = "pvh"\nkernel = "/k"\nmemory = 1024\ndisk = [ 'phy:/dev/vg0/web-01,xvda,w', 'file:/isos/x.iso,xvdc:cdrom,r' ]\nvif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:01' ]\n`,
  );
});
afterEach(async () => {
  await f.cleanup();
});

const post = (path: string, body: unknown = {}) =>
  f.admin
    .post(path)
    .set('Content-Type', 'application/json')
    .send(body as object);
const del = (path: string) => f.admin.delete(path).set('Content-Type', 'application/json');

async function settle(id: string): Promise<Task> {
  for (let i = 0; i < 300; i++) {
    const t = taskSchema.parse((await f.admin.get(`/api/v1/tasks/${id}`)).body);
    if (t.state === 'succeeded' || t.state === 'failed') return t;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${id} did not end`);
}
async function run(res: { status: number; body: unknown; text: string }): Promise<Task> {
  expect(res.status, res.text).toBe(202);
  return settle(taskAcceptedSchema.parse(res.body).task.id);
}
async function list(name: string) {
  const res = await f.admin.get(`/api/v1/domains/${name}/snapshots`);
  expect(res.status, res.text).toBe(200);
  return snapshotListSchema.parse(res.body);
}
const lvs = async () => (await storage.logicalVolumes('vg0')).map((l) => l.name);
const audits = (action: string) => f.logs.filter((l) => l.audit === true && l.action === action);

describe('snapshot sets', () => {
  it("lists a guest's volumes from its config, nothing taken yet", async () => {
    const l = await list('demo-pv');
    expect(l.running).toBe(false);
    expect(l.volumes).toEqual([
      {
        vg: 'vg0',
        lv: 'demo-pv',
        path: '/dev/vg0/demo-pv',
        sizeBytes: 8 * GiB,
        open: false,
        vdev: 'xvda',
      },
    ]);
    expect(l.notCovered).toEqual([]);
    expect(l.snapshots).toEqual([]);
    expect((await f.admin.get('/api/v1/domains/nope/snapshots')).body.error.code).toBe(
      'CONFIG_NOT_FOUND',
    );
  });

  it('takes a set of a shut-down guest (no pause), tagged and named to group; lists it; audited with the lvcreate line', async () => {
    const preview = snapshotPreviewSchema.parse(
      (await post('/api/v1/domains/demo-pv/snapshots/preview', { label: 'before-upgrade' })).body,
    );
    expect(preview.pauses).toBe(false);
    expect(preview.commands).toEqual([
      expect.stringMatching(
        /^lvcreate --yes -s -L 1719664640b -n demo-pv-snap-before-upgrade --addtag xendeck-snapshot=demo-pv:before-upgrade --addtag xendeck-snapshot-at=\S+Z vg0\/demo-pv$/,
      ),
    ]);
    const t = await run(
      await post('/api/v1/domains/demo-pv/snapshots', { label: 'before-upgrade' }),
    );
    expect(t.kind).toBe('domain.snapshot');
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.steps.map((s) => s.name)).toEqual([
      'snapshot vg0/demo-pv as demo-pv-snap-before-upgrade',
    ]);
    const snap = (await storage.logicalVolumes('vg0')).find(
      (l) => l.name === 'demo-pv-snap-before-upgrade',
    );
    expect(snap?.origin).toBe('demo-pv');
    // 20 % of 8 GiB, rounded up to 4 MiB extents.
    expect(snap?.sizeBytes).toBe(1719664640);
    expect(snap?.tags).toContain('xendeck-snapshot=demo-pv:before-upgrade');
    const l = await list('demo-pv');
    expect(l.snapshots).toHaveLength(1);
    expect(l.snapshots[0]).toMatchObject({
      label: 'before-upgrade',
      complete: true,
      volumes: [{ vg: 'vg0', origin: 'demo-pv', name: 'demo-pv-snap-before-upgrade' }],
      commands: {
        revert: [
          'lvconvert --merge vg0/demo-pv-snap-before-upgrade',
          expect.stringContaining('lvcreate --yes -s'),
        ],
        remove: ['lvremove -f vg0/demo-pv-snap-before-upgrade'],
      },
    });
    expect(l.snapshots[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const [audit] = audits('domain.snapshot');
    expect(audit?.result).toBe('ok');
    expect(audit?.command).toBe(preview.commands[0]?.replace(/snapshot-at=\S+/, (m) => m));
    // The same label again is refused before anything runs.
    const again = await post('/api/v1/domains/demo-pv/snapshots', { label: 'before-upgrade' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LV_EXISTS');
  });

  it('pauses a running guest for the moment of the snapshot and unpauses it after, also when it fails', async () => {
    const domid = await f.sim.domidByName('web-01');
    expect(domid).toBeDefined();
    const ok = await run(
      await post('/api/v1/domains/web-01/snapshots', { label: 'one', sizePercent: 5 }),
    );
    expect(ok.state, JSON.stringify(ok.error)).toBe('succeeded');
    expect(ok.steps.map((s) => s.name)).toEqual([
      'xl pause web-01',
      'snapshot vg0/web-01 as web-01-snap-one',
      'xl unpause web-01',
    ]);
    expect((await f.sim.domainInfo(domid as number)).state).not.toBe('paused');
    expect(audits('domain.snapshot')[0]?.command).toMatch(
      /^xl pause web-01 && lvcreate .* && xl unpause web-01$/,
    );

    // A snapshot that fails (LVM says no space at that moment): still unpaused, nothing left.
    const real = storage.snapshotVolume.bind(storage);
    storage.snapshotVolume = async () => {
      throw Object.assign(new Error('  Insufficient free space'), { code: 'NO_SPACE' });
    };
    const bad = await run(await post('/api/v1/domains/web-01/snapshots', { label: 'two' }));
    storage.snapshotVolume = real;
    expect(bad.state).toBe('failed');
    expect(bad.steps.map((s) => [s.name, s.state])).toEqual([
      ['xl pause web-01', 'succeeded'],
      ['snapshot vg0/web-01 as web-01-snap-two', 'failed'],
      ['xl unpause web-01', 'succeeded'],
    ]);
    expect((await f.sim.domainInfo(domid as number)).state).not.toBe('paused');
    expect(await lvs()).not.toContain('web-01-snap-two');
  });

  it('refuses to snapshot a guest with a writable disk that is not a logical volume', async () => {
    writeFileSync(
      join(f.config.configDir, 'mixed.cfg'),
      `name = "mixed"\ndisk = [ 'phy:/dev/vg0/demo-pv,xvda,w', 'file:/var/lib/xen/images/data.img,xvdb,w' ]\n`,
    );
    expect((await list('mixed')).notCovered).toEqual(['/var/lib/xen/images/data.img']);
    const res = await post('/api/v1/domains/mixed/snapshots', { label: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('data.img');
    expect((await post('/api/v1/domains/demo-pv/snapshots', { label: '-bad' })).status).toBe(422);
  });

  it('reverts only a shut-down guest, after the typed confirmation; the set stays; deletes with confirmation', async () => {
    expect(
      (await run(await post('/api/v1/domains/web-01/snapshots', { label: 'a', sizePercent: 1 })))
        .state,
    ).toBe('succeeded');
    const running = await post('/api/v1/domains/web-01/snapshots/a/revert?confirm=a');
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('INVALID_STATE');
    expect(running.body.error.message).toMatch(/shut it down/);

    expect((await run(await post('/api/v1/domains/demo-pv/snapshots', { label: 'a' }))).state).toBe(
      'succeeded',
    );
    const noConfirm = await post('/api/v1/domains/demo-pv/snapshots/a/revert');
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body.error.code).toBe('CONFIRMATION_REQUIRED');
    expect((await post('/api/v1/domains/demo-pv/snapshots/a/revert?confirm=b')).status).toBe(400);
    expect((await post('/api/v1/domains/demo-pv/snapshots/zz/revert?confirm=zz')).status).toBe(404);

    const merged: string[] = [];
    const realMerge = storage.mergeSnapshot.bind(storage);
    storage.mergeSnapshot = async (vg, snap) => {
      merged.push(`${vg}/${snap}`);
      return realMerge(vg, snap);
    };
    const t = await run(await post('/api/v1/domains/demo-pv/snapshots/a/revert?confirm=a'));
    expect(t.kind).toBe('domain.revert');
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(merged).toEqual(['vg0/demo-pv-snap-a']);
    const after = (await list('demo-pv')).snapshots;
    expect(after.map((s) => s.label)).toEqual(['a']);
    expect(audits('domain.revert').at(-1)?.command).toMatch(
      /^lvconvert --merge vg0\/demo-pv-snap-a && lvcreate --yes -s/,
    );

    expect((await del('/api/v1/domains/demo-pv/snapshots/a')).status).toBe(400);
    const gone = await run(await del('/api/v1/domains/demo-pv/snapshots/a?confirm=a'));
    expect(gone.kind).toBe('domain.snapshot.remove');
    expect(gone.state).toBe('succeeded');
    expect(await lvs()).not.toContain('demo-pv-snap-a');
    expect((await list('demo-pv')).snapshots).toEqual([]);
    expect(audits('domain.snapshot.remove').at(-1)?.command).toBe('lvremove -f vg0/demo-pv-snap-a');
  });
});

describe('clones', () => {
  it('previews then clones a shut-down guest by copy: new volume, config with new name, MAC, disk; comments kept', async () => {
    const pre = await post('/api/v1/domains/demo-pv/clone/preview', {
      newName: 'demo-pv2',
      mode: 'copy',
    });
    expect(pre.status, pre.text).toBe(200);
    const plan = clonePlanSchema.parse(pre.body);
    expect(plan.volumes).toEqual([
      { vg: 'vg0', from: 'demo-pv', to: 'demo-pv2', sizeBytes: 8 * GiB },
    ]);
    expect(plan.commands).toEqual([
      `lvcreate --yes --wipesignatures y -L ${8 * GiB}b -n demo-pv2 --addtag xendeck-clone-of=demo-pv vg0`,
      'dd if=/dev/vg0/demo-pv of=/dev/vg0/demo-pv2 bs=4M oflag=direct conv=fsync status=progress',
    ]);
    const t = await run(
      await post('/api/v1/domains/demo-pv/clone', { newName: 'demo-pv2', mode: 'copy' }),
    );
    expect(t.kind).toBe('domain.clone');
    expect(t.target).toBe('domain:demo-pv2');
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.progress).toBe(1);
    expect(t.steps.map((s) => s.name)).toEqual([
      'copy vg0/demo-pv to demo-pv2',
      `write ${join(f.config.configDir, 'demo-pv2.cfg')}`,
    ]);
    const lv = (await storage.logicalVolumes('vg0')).find((l) => l.name === 'demo-pv2');
    expect(lv).toMatchObject({
      sizeBytes: 8 * GiB,
      origin: null,
      tags: ['xendeck-clone-of=demo-pv'],
    });
    const text = readFileSync(join(f.config.configDir, 'demo-pv2.cfg'), 'utf8');
    const src = SIM_CONFIGS['demo-pv.cfg'] as string;
    // Lossless: only the name, the disk target and the vif changed.
    expect(text).toContain('#  demo-pv — small PV guest');
    expect(text).toContain("# 'phy:/dev/vg0/demo-pv-swap,xvdb,w',   # swap disk, removed 2019-11");
    const doc = parseXlConfig(text);
    expect(doc.get('name')).toBe('demo-pv2');
    expect(doc.get('disk')).toEqual(['phy:/dev/vg0/demo-pv2,xvda,w']);
    const vif = doc.get('vif') as string[];
    expect(vif[0]).toMatch(/^mac=00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2},bridge=xenbr0$/);
    expect(text.split('\n').length).toBe(src.split('\n').length);
    // The history has it.
    const hist = await f.admin.get('/api/v1/configs/demo-pv2/history');
    expect(hist.status, hist.text).toBe(200);
    expect(audits('domain.clone')[0]?.command).toContain(
      'dd if=/dev/vg0/demo-pv of=/dev/vg0/demo-pv2',
    );
  });

  it('clones by snapshot, with a fresh MAC and UUID, keeping CD-ROMs; refuses a running source and taken names', async () => {
    writeFileSync(
      join(f.config.configDir, 'tpl.cfg'),
      `name = "tpl"\nuuid = "11111111-2222-3333-4444-555555555555"\ndisk = [ 'phy:/dev/vg0/demo-pv,xvda,w', 'file:/isos/x.iso,xvdc:cdrom,r' ]\nvif = [ 'mac=00:16:3e:11:22:33,bridge=xenbr0,vifname=tpl0' ]\n`,
    );
    const t = await run(
      await post('/api/v1/domains/tpl/clone', { newName: 'shop2', mode: 'snapshot' }),
    );
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    const lv = (await storage.logicalVolumes('vg0')).find((l) => l.name === 'shop2-demo-pv');
    expect(lv?.origin).toBe('demo-pv');
    const doc = parseXlConfig(readFileSync(join(f.config.configDir, 'shop2.cfg'), 'utf8'));
    expect(doc.get('uuid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.get('uuid')).not.toBe('11111111-2222-3333-4444-555555555555');
    expect(doc.get('disk')).toEqual([
      'phy:/dev/vg0/shop2-demo-pv,xvda,w',
      'file:/isos/x.iso,xvdc:cdrom,r',
    ]);
    const vif = (doc.get('vif') as string[])[0] as string;
    expect(vif).not.toContain('00:16:3e:11:22:33');
    expect(vif).not.toContain('vifname');
    expect((t.result as { warnings: string[] }).warnings[0]).toMatch(/vifname=tpl0 dropped/);

    const running = await post('/api/v1/domains/web-01/clone', { newName: 'web-02', mode: 'copy' });
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('INVALID_STATE');
    const taken = await post('/api/v1/domains/demo-pv/clone', { newName: 'tpl', mode: 'copy' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CONFIG_EXISTS');
    const domainTaken = await post('/api/v1/domains/demo-pv/clone', {
      newName: 'db-01',
      mode: 'copy',
    });
    expect(domainTaken.body.error.code).toBe('DOMAIN_EXISTS');
    expect(
      (await post('/api/v1/domains/demo-pv/clone', { newName: '.x', mode: 'copy' })).status,
    ).toBe(422);
  });

  it('a copy that fails half-way leaves no volume and no config (undo), and says why', async () => {
    storage.failNextCopy('dd: error reading /dev/vg0/demo-pv: Input/output error');
    const before = await lvs();
    const t = await run(
      await post('/api/v1/domains/demo-pv/clone', { newName: 'broken', mode: 'copy' }),
    );
    expect(t.state).toBe('failed');
    expect(t.error?.message).toContain('Input/output error');
    expect(await lvs()).toEqual(before);
    expect(existsSync(join(f.config.configDir, 'broken.cfg'))).toBe(false);
    // The audit row records the accepted start; the task's outcome is added to it when it ends.
    await expect
      .poll(async () => (await f.admin.get('/api/v1/audit?action=domain.clone')).body.entries[0])
      .toMatchObject({ result: 'ok', details: { taskId: t.id, taskOutcome: 'LVM_ERROR' } });
  });

  it('a failed config write removes the volumes the clone made', async () => {
    // A directory where the config would go makes the exclusive create fail after the volume exists.
    const real = storage.snapshotVolume.bind(storage);
    storage.snapshotVolume = async (...args) => {
      const lv = await real(...args);
      writeFileSync(join(f.config.configDir, 'late.cfg'), 'name = "someone-else"\n');
      return lv;
    };
    const t = await run(
      await post('/api/v1/domains/demo-pv/clone', { newName: 'late', mode: 'snapshot' }),
    );
    storage.snapshotVolume = real;
    expect(t.state).toBe('failed');
    expect(t.error?.code).toBe('CONFIG_EXISTS');
    expect(t.steps[0]?.undo?.state).toBe('succeeded');
    expect(await lvs()).not.toContain('late');
    expect(readFileSync(join(f.config.configDir, 'late.cfg'), 'utf8')).toBe(
      'name = "someone-else"\n',
    );
  });

  it('is admin only: no session, 401', async () => {
    const res = await request(f.app).get('/api/v1/domains/demo-pv/snapshots');
    expect(res.status).toBe(401);
  });
});
