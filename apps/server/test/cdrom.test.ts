/**
 * CD-ROM routes and "Eject and boot from disk" on the simulated host: a running HVM domain
 * started from a config with an ISO of the library in hdc; insert, eject, refusals; the dry run
 * and the apply of boot-from-disk (If-Match, history, the file's text, the drives ejected).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiErrorSchema,
  bootFromDiskResultSchema,
  type CdromStatus,
  cdromStatusSchema,
  configHistoryEntrySchema,
} from '@xendeck/api';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import { type Fixture, login, makeFixture } from './helpers.js';

const INSTALLING = (isoDir: string) => `# inst: installing from the library's ISO
name = "inst"
type = "hvm"
memory = 512        # MiB
boot = "dc"         # CD first while installing
disk = [
    'phy:/dev/vg0/inst,xvda,w',
    'file:${isoDir}/debian-12.iso,hdc:cdrom,r',   # the installer
]
vnc = 1
`;

const PV = `name = "pv1"
type = "pv"
kernel = "/boot/vmlinuz"
memory = 256
disk = [ 'phy:/dev/vg0/pv1,xvda,w' ]
`;

let f: Fixture;
let isoDir: string;
let cfgPath: string;

const cdrom = (name = 'inst') => f.admin.get(`/api/v1/domains/${name}/cdrom`);
const post = (path: string, body: unknown = {}) =>
  f.admin
    .post(`/api/v1/domains/${path}`)
    .set('Content-Type', 'application/json')
    .send(body as object);
/** The apply of boot-from-disk with `If-Match: etag`. */
const apply = (etag: string, body: object = {}) =>
  f.admin
    .post('/api/v1/domains/inst/boot-from-disk')
    .set('Content-Type', 'application/json')
    .set('If-Match', etag)
    .send(body);
const errorCode = (body: unknown) => apiErrorSchema.parse(body).error.code;
const drives = (body: unknown) => cdromStatusSchema.parse(body).drives;
const auditLines = (action: string) =>
  f.logs.filter((l) => l.audit === true && l.action === action);

beforeEach(async () => {
  f = await makeFixture();
  isoDir = f.config.isoDir;
  mkdirSync(isoDir, { recursive: true });
  writeFileSync(join(isoDir, 'debian-12.iso'), 'CD001 installer');
  writeFileSync(join(isoDir, 'rescue.iso'), 'CD001 rescue');
  cfgPath = join(f.config.configDir, 'inst.cfg');
  writeFileSync(cfgPath, INSTALLING(isoDir));
  writeFileSync(join(f.config.configDir, 'pv1.cfg'), PV);
  for (const name of ['inst', 'pv1']) {
    const started = await post(`${name}/start`);
    expect(started.status, started.text).toBe(201);
  }
});
afterEach(async () => {
  await f.cleanup();
});

describe('GET /domains/:name/cdrom', () => {
  it('lists the CD-ROM drives with the inserted ISO by library name', async () => {
    const res = await cdrom();
    expect(res.status).toBe(200);
    const body: CdromStatus = cdromStatusSchema.parse(res.body);
    expect(body).toMatchObject({ name: 'inst', hvm: true });
    expect(body.drives).toEqual([
      { vdev: 'hdc', target: join(isoDir, 'debian-12.iso'), iso: 'debian-12.iso' },
    ]);
  });

  it('names no library ISO for an image outside the library, and says when not HVM', async () => {
    writeFileSync(cfgPath, INSTALLING('/srv/elsewhere'));
    await post('inst/destroy');
    expect((await post('inst/start')).status).toBe(201);
    expect(drives((await cdrom()).body)).toEqual([
      { vdev: 'hdc', target: '/srv/elsewhere/debian-12.iso', iso: null },
    ]);
    const pv = cdromStatusSchema.parse((await cdrom('pv1')).body);
    expect(pv).toMatchObject({ hvm: false, drives: [] });
  });

  it('answers 404 for a domain that is not running', async () => {
    const res = await cdrom('nobody');
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('DOMAIN_NOT_FOUND');
  });
});

describe('insert and eject', () => {
  it('ejects, then inserts another library ISO, audited, answering the drives', async () => {
    const ejected = await post('inst/cdrom/hdc/eject');
    expect(ejected.status, ejected.text).toBe(200);
    expect(drives(ejected.body)).toEqual([{ vdev: 'hdc', target: null, iso: null }]);
    expect(drives((await cdrom()).body)[0]?.target).toBeNull();

    const inserted = await post('inst/cdrom/hdc/insert', { iso: 'rescue.iso' });
    expect(inserted.status, inserted.text).toBe(200);
    expect(drives(inserted.body)).toEqual([
      { vdev: 'hdc', target: join(isoDir, 'rescue.iso'), iso: 'rescue.iso' },
    ]);
    expect(auditLines('domain.cd-eject')).toMatchObject([
      { user: 'admin', target: 'domain:inst', vdev: 'hdc', result: 'ok' },
    ]);
    expect(auditLines('domain.cd-insert')).toMatchObject([
      { user: 'admin', target: 'domain:inst', vdev: 'hdc', iso: 'rescue.iso', result: 'ok' },
    ]);
    // The config file is not touched by a CD change.
    expect(readFileSync(cfgPath, 'utf8')).toBe(INSTALLING(isoDir));
  });

  it('takes only a library file name: paths and unknown files are refused, nothing inserted', async () => {
    for (const iso of ['../etc/passwd.iso', '/etc/passwd', 'x.img', '.hidden.iso', '']) {
      const res = await post('inst/cdrom/hdc/insert', { iso });
      expect(res.status, iso).toBe(422);
      expect(errorCode(res.body)).toBe('INVALID_INPUT');
    }
    const extra = await post('inst/cdrom/hdc/insert', { iso: 'rescue.iso', path: '/etc/shadow' });
    expect(extra.status).toBe(422);
    const missing = await post('inst/cdrom/hdc/insert', { iso: 'missing.iso' });
    expect(missing.status).toBe(404);
    expect(errorCode(missing.body)).toBe('ISO_NOT_FOUND');
    // Every attempt is recorded, a refused one with the code it got.
    expect(auditLines('domain.cd-insert').map((l) => l.result)).toEqual([
      ...Array(6).fill('INVALID_INPUT'),
      'ISO_NOT_FOUND',
    ]);
    expect(drives((await cdrom()).body)[0]?.iso).toBe('debian-12.iso');
  });

  it('refuses a PV domain with 409 INVALID_STATE and a drive that is not a CD-ROM with 422', async () => {
    const pv = await post('pv1/cdrom/hdc/eject');
    expect(pv.status).toBe(409);
    expect(errorCode(pv.body)).toBe('INVALID_STATE');
    expect(apiErrorSchema.parse(pv.body).error.message).toMatch(/only HVM domains/);
    const pvInsert = await post('pv1/cdrom/hdc/insert', { iso: 'rescue.iso' });
    expect(pvInsert.status).toBe(409);

    const disk = await post('inst/cdrom/xvda/eject');
    expect(disk.status).toBe(422);
    expect(apiErrorSchema.parse(disk.body).error.message).toMatch(/not a CD-ROM drive/);
    const none = await post('inst/cdrom/hdd/insert', { iso: 'rescue.iso' });
    expect(none.status).toBe(422);
    const bad = await post('inst/cdrom/HDC%3Brm/eject');
    expect(bad.status).toBe(422);
    expect(drives((await cdrom()).body)[0]?.iso).toBe('debian-12.iso');
  });

  it('needs reinstall on the domain: 404 for a customer without a grant, 403 with view only, 401 without a session', async () => {
    const carol = await new Users(f.db).create('carol', 'customer-password', 'customer');
    const cookie = await login(f, 'carol', 'customer-password');
    const viewer = await new Users(f.db).create('vic', 'customer-password', 'customer');
    f.context.grants.replace(viewer.id, [{ domain: 'inst', permissions: ['view'] }]);
    const viewerCookie = await login(f, 'vic', 'customer-password');
    expect(carol.role).toBe('customer');
    for (const [method, path] of [
      ['get', '/api/v1/domains/inst/cdrom'],
      ['post', '/api/v1/domains/inst/cdrom/hdc/eject'],
      ['post', '/api/v1/domains/inst/cdrom/hdc/insert'],
      ['post', '/api/v1/domains/inst/boot-from-disk'],
    ] as const) {
      const asCustomer = await request(f.app)
        [method](path)
        .set('Cookie', cookie)
        .set('Content-Type', 'application/json')
        .send(method === 'post' ? { iso: 'rescue.iso' } : undefined);
      expect(asCustomer.status, path).toBe(404);
      const asViewer = await request(f.app)
        [method](path)
        .set('Cookie', viewerCookie)
        .set('Content-Type', 'application/json')
        .send(method === 'post' ? { iso: 'rescue.iso' } : undefined);
      expect(asViewer.status, path).toBe(403);
      const anonymous = await request(f.app)
        [method](path)
        .set('Content-Type', 'application/json')
        .send(method === 'post' ? {} : undefined);
      expect(anonymous.status, path).toBe(401);
    }
    expect(drives((await cdrom()).body)[0]?.iso).toBe('debian-12.iso');
  });
});

describe('POST /domains/:name/boot-from-disk', () => {
  const AFTER = (dir: string) =>
    INSTALLING(dir)
      .replace('boot = "dc"', "boot = 'c'")
      .replace(
        `'file:${dir}/debian-12.iso,hdc:cdrom,r'`,
        "'format=empty, vdev=hdc, access=ro, devtype=cdrom'",
      );

  it('dry run: before, after, the ETag to send back and the drives to eject; nothing changes', async () => {
    const res = await post('inst/boot-from-disk', { dryRun: true });
    expect(res.status, res.text).toBe(200);
    const body = bootFromDiskResultSchema.parse(res.body);
    const etag = (await f.admin.get('/api/v1/configs/inst')).headers.etag;
    expect(body).toMatchObject({
      name: 'inst',
      path: cfgPath,
      dryRun: true,
      running: true,
      before: INSTALLING(isoDir),
      after: AFTER(isoDir),
      etag,
      eject: ['hdc'],
      written: false,
    });
    expect(body.changes.map((c) => c.kind)).toEqual(['boot', 'cdrom']);
    expect(res.headers.etag).toBe(etag);
    expect(readFileSync(cfgPath, 'utf8')).toBe(INSTALLING(isoDir));
    expect(drives((await cdrom()).body)[0]?.iso).toBe('debian-12.iso');
  });

  it('applies with If-Match: writes the file with history, then ejects the CD', async () => {
    const preview = bootFromDiskResultSchema.parse(
      (await post('inst/boot-from-disk', { dryRun: true })).body,
    );
    const res = await apply(preview.etag);
    expect(res.status, res.text).toBe(200);
    const body = bootFromDiskResultSchema.parse(res.body);
    expect(body).toMatchObject({ dryRun: false, written: true, eject: ['hdc'] });
    expect(readFileSync(cfgPath, 'utf8')).toBe(AFTER(isoDir));
    const doc = await f.admin.get('/api/v1/configs/inst');
    expect(doc.body.text).toBe(AFTER(isoDir));
    expect(doc.headers.etag).toBe(body.newEtag);
    expect(drives((await cdrom()).body)).toEqual([{ vdev: 'hdc', target: null, iso: null }]);
    const history = configHistoryEntrySchema
      .array()
      .parse((await f.admin.get('/api/v1/configs/inst/history')).body);
    expect(history.map((h) => h.reason)).toEqual(['edit', 'before-edit']);
    expect(history[0]?.id).toBe(body.versionId);
    // One row for the request (the preview is not a change), with the config write's details.
    expect(auditLines('domain.boot-from-disk')).toMatchObject([
      { result: 'ok', via: 'boot-from-disk', newEtag: body.newEtag, written: true },
    ]);

    // Once more: nothing left to change, nothing written.
    const again = await apply(body.newEtag as string, { dryRun: false });
    expect(bootFromDiskResultSchema.parse(again.body)).toMatchObject({
      changes: [],
      eject: [],
      written: false,
    });
  });

  it('needs If-Match, and refuses a file changed since the preview without ejecting', async () => {
    const preview = bootFromDiskResultSchema.parse(
      (await post('inst/boot-from-disk', { dryRun: true })).body,
    );
    const without = await post('inst/boot-from-disk', {});
    expect(without.status).toBe(428);
    expect(errorCode(without.body)).toBe('PRECONDITION_REQUIRED');

    const edited = `${INSTALLING(isoDir)}# the hoster added a note meanwhile\n`;
    writeFileSync(cfgPath, edited);
    const stale = await apply(preview.etag);
    expect(stale.status).toBe(409);
    expect(errorCode(stale.body)).toBe('CONFIG_CHANGED');
    expect(readFileSync(cfgPath, 'utf8')).toBe(edited);
    expect(drives((await cdrom()).body)[0]?.iso).toBe('debian-12.iso');
    expect(auditLines('domain.boot-from-disk').map((l) => l.result)).toEqual([
      'PRECONDITION_REQUIRED',
      'CONFIG_CHANGED',
    ]);
  });

  it('edits the config of a domain that is not running, ejecting nothing', async () => {
    await post('inst/destroy');
    const preview = bootFromDiskResultSchema.parse(
      (await post('inst/boot-from-disk', { dryRun: true })).body,
    );
    expect(preview).toMatchObject({ running: false, eject: [] });
    const res = await apply(preview.etag);
    expect(res.status, res.text).toBe(200);
    expect(readFileSync(cfgPath, 'utf8')).toBe(AFTER(isoDir));
    // The next start boots from the disk with an empty CD-ROM drive.
    expect((await post('inst/start')).status).toBe(201);
    expect(drives((await cdrom()).body)).toEqual([{ vdev: 'hdc', target: null, iso: null }]);
  });

  it('answers 404 CONFIG_NOT_FOUND without a config file, 422 for an unknown field', async () => {
    const res = await post('ghost/boot-from-disk', { dryRun: true });
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('CONFIG_NOT_FOUND');
    const bad = await post('inst/boot-from-disk', { dryRun: true, boot: 'n' });
    expect(bad.status).toBe(422);
  });
});
