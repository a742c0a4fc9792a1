/**
 * `POST /api/v1/guests` and `GET /api/v1/guests/host` through HTTP, on the simulated host and the
 * simulated vg0: the issue's example body end to end (new LV, config file = xl-config's mapping,
 * running domain), the Windows profile, a PV guest from kernel + ramdisk on an existing volume and
 * a new image file, the refusals before any task (409 name taken, 400 unknown VG/ISO/bridge/LV,
 * 409 volume in use, 422 type rules, 507 no room), and the undo of a failed creation (a failing
 * `xl create`, a failing config write, a failing second lvcreate): nothing this task made is
 * left, and nothing else is touched.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CreateGuestRequest,
  type CreateGuestResult,
  createGuestAcceptedSchema,
  createGuestResultSchema,
  GUEST_REQUEST_MAX_DISKS,
  guestHostSchema,
  type Task,
} from '@xendeck/api';
import { HypervisorError } from '@xendeck/hypervisor';
import { lvcreateArgs } from '@xendeck/storage';
import { GUEST_MAX_DISKS, guestCommands, guestPreview, readDomainConfig } from '@xendeck/xl-config';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostBridges } from '../src/guests/host.js';
import { type Fixture, type FixtureOptions, makeFixture } from './helpers.js';

const GiB = 1024 ** 3;
let f: Fixture;

async function setup(opts: FixtureOptions = {}) {
  f = await makeFixture(opts);
  mkdirSync(f.config.isoDir, { recursive: true });
  writeFileSync(join(f.config.isoDir, 'debian-12.iso'), 'not really an ISO');
  mkdirSync(f.config.imageDir, { recursive: true });
}
afterEach(async () => {
  await f?.cleanup();
});

const EXAMPLE: CreateGuestRequest = {
  name: 'web1',
  type: 'hvm',
  profile: 'linux',
  memoryMiB: 1024,
  vcpus: 2,
  disks: [{ volumeGroup: 'vg0', sizeBytes: 10737418240 }],
  cdrom: 'debian-12.iso',
  network: { bridge: 'xenbr0' },
  start: true,
};

/** Two new 1 GiB volumes in vg0. */
const TWO_NEW_DISKS = [
  { volumeGroup: 'vg0', sizeBytes: GiB },
  { volumeGroup: 'vg0', sizeBytes: GiB },
];

const post = (body: unknown) =>
  f.admin
    .post('/api/v1/guests')
    .set('Content-Type', 'application/json')
    .send(body as object);

/** POSTs, expects 202, waits for the task to end; returns it. */
async function create(body: CreateGuestRequest): Promise<Task> {
  const res = await post(body);
  expect(res.status, res.text).toBe(202);
  const { task } = createGuestAcceptedSchema.parse(res.body);
  expect(task.kind).toBe('guest.create');
  expect(task.target).toBe(`domain:${body.name}`);
  const done = await f.context.tasks.settled(task.id);
  const stored = await f.admin.get(`/api/v1/tasks/${task.id}`);
  expect(stored.status).toBe(200);
  expect(stored.body.state).toBe(done?.state);
  return stored.body as Task;
}

const lvNames = async (vg = 'vg0') =>
  (await f.context.storage.logicalVolumes(vg)).map((l) => l.name).sort();
const cfgPath = (name: string) => join(f.config.configDir, `${name}.cfg`);

describe('POST /api/v1/guests', () => {
  beforeEach(() => setup());

  it('creates the issue’s example: new LV, the config xl-config maps, the domain running', async () => {
    const before = await lvNames();
    const task = await create(EXAMPLE);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(task.steps.map((s) => [s.name, s.state])).toEqual([
      ['create volume web1-disk0 in vg0 (10737418240 bytes)', 'succeeded'],
      [`write ${cfgPath('web1')}`, 'succeeded'],
      [`xl create ${cfgPath('web1')}`, 'succeeded'],
    ]);
    const result: CreateGuestResult = createGuestResultSchema.parse(task.result);
    expect(result.mac).toMatch(/^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(result.configPath).toBe(cfgPath('web1'));
    expect(result.volumes).toEqual([
      { volumeGroup: 'vg0', name: 'web1-disk0', path: '/dev/vg0/web1-disk0', sizeBytes: 10 * GiB },
    ]);

    // The file is exactly what the web's preview computes with the same settings and MAC.
    const text = readFileSync(cfgPath('web1'), 'utf8');
    const preview = guestPreview(
      { ...EXAMPLE, start: true, network: { bridge: 'xenbr0', mac: result.mac as string } },
      { isoDir: f.config.isoDir, imageDir: f.config.imageDir, configDir: f.config.configDir },
      { user: 'admin', createdAt: new Date(f.clock.now) },
    );
    expect(text).toBe(preview.configText);
    const read = readDomainConfig(text);
    expect(read.errors).toEqual([]);
    expect(read.config).toMatchObject({
      type: 'hvm',
      memoryMiB: 1024,
      vcpus: 2,
      boot: 'dc',
      vnclisten: '127.0.0.1',
      usbdevice: ['tablet'],
      serial: ['pty'],
    });
    expect(read.config.disk?.map((d) => [d.vdev, d.target])).toEqual([
      ['xvda', '/dev/vg0/web1-disk0'],
      ['hdc', join(f.config.isoDir, 'debian-12.iso')],
    ]);

    expect(await lvNames()).toEqual([...before, 'web1-disk0'].sort());
    const domid = await f.sim.domidByName('web1');
    expect(domid).toBe(result.domid);
    expect((await f.sim.domainInfo(domid as number)).type).toBe('hvm');

    // The history has the created text; the name is now taken.
    const hist = await f.admin.get('/api/v1/configs/web1/history');
    expect(hist.body.map((v: { reason: string }) => v.reason)).toEqual(['create']);
    const again = await post(EXAMPLE);
    expect(again.status).toBe(409);
  });

  it('Windows profile: every Windows setting in the file, MAC as sent, started', async () => {
    const task = await create({
      name: 'win1',
      type: 'hvm',
      profile: 'windows',
      memoryMiB: 2048,
      vcpus: 2,
      disks: [{ volumeGroup: 'vg0', sizeBytes: 20 * GiB }],
      cdrom: 'debian-12.iso',
      network: { bridge: 'xenbr0', mac: '00:16:3E:AA:BB:CC' },
      vnc: { enabled: true, password: 'secret' },
      start: true,
    });
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const text = readFileSync(cfgPath('win1'), 'utf8');
    for (const line of [
      'viridian = 1',
      "vga = 'stdvga'",
      'videoram = 16',
      'usb = 1',
      "usbdevice = [ 'tablet' ]",
      "hdtype = 'ahci'",
      'localtime = 1',
      "vncpasswd = 'secret'",
      "vif = [ 'mac=00:16:3e:aa:bb:cc, bridge=xenbr0, model=e1000' ]",
    ])
      expect(text.split('\n')).toContain(line);
    expect((task.result as CreateGuestResult).mac).toBe('00:16:3e:aa:bb:cc');
    expect(await f.sim.domidByName('win1')).toBeTypeOf('number');
  });

  it('PV from kernel + ramdisk on an existing unused LV and a new sparse image file', async () => {
    await f.context.storage.createVolume('vg0', 'pv1-root', GiB);
    const task = await create({
      name: 'pv1',
      type: 'pv',
      memoryMiB: 256,
      vcpus: 1,
      kernel: '/var/lib/xen/images/vmlinuz',
      ramdisk: '/var/lib/xen/images/initrd.img',
      extra: 'console=hvc0',
      disks: [
        { volumeGroup: 'vg0', volume: 'pv1-root' },
        { imageFile: 'pv1-data.img', sizeBytes: GiB },
      ],
      network: { bridge: 'xenbr0' },
      onCrash: 'preserve',
      start: true,
    });
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(task.steps.map((s) => s.name)).toEqual([
      `create image file pv1-data.img (${GiB} bytes)`,
      `write ${cfgPath('pv1')}`,
      `xl create ${cfgPath('pv1')}`,
    ]);
    const r = readDomainConfig(readFileSync(cfgPath('pv1'), 'utf8'));
    expect(r.config).toMatchObject({
      type: 'pv',
      kernel: '/var/lib/xen/images/vmlinuz',
      ramdisk: '/var/lib/xen/images/initrd.img',
      extra: 'console=hvc0',
      onCrash: 'preserve',
    });
    expect(r.config.disk?.map((d) => [d.vdev, d.target])).toEqual([
      ['xvda', '/dev/vg0/pv1-root'],
      ['xvdb', join(f.config.imageDir, 'pv1-data.img')],
    ]);
    expect(r.config.vnc).toBeUndefined();
    expect(existsSync(join(f.config.imageDir, 'pv1-data.img'))).toBe(true);
    const domid = (await f.sim.domidByName('pv1')) as number;
    expect((await f.sim.domainInfo(domid)).type).toBe('pv');
  });

  it('without start: disks and config, no domain; result domid null', async () => {
    const task = await create({ ...EXAMPLE, name: 'later', start: false });
    expect(task.state).toBe('succeeded');
    expect(task.steps).toHaveLength(2);
    expect((task.result as CreateGuestResult).domid).toBeNull();
    expect(await f.sim.domidByName('later')).toBeUndefined();
    expect(existsSync(cfgPath('later'))).toBe(true);
  });

  it('refuses a taken name with 409 before any task: a config file, a running domain', async () => {
    writeFileSync(cfgPath('taken'), "name = 'taken'\n");
    const before = await lvNames();
    const a = await post({ ...EXAMPLE, name: 'taken' });
    expect(a.status).toBe(409);
    expect(a.body.error.code).toBe('CONFIG_EXISTS');
    expect(a.body.error.details.issues[0].path).toBe('name');
    const running = (await f.sim.listDomains()).find((d) => d.domid !== 0)?.name as string;
    const b = await post({ ...EXAMPLE, name: running });
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('DOMAIN_EXISTS');
    expect(await lvNames()).toEqual(before);
    const tasks = await f.admin.get('/api/v1/tasks');
    expect(tasks.body.filter((t: Task) => t.kind === 'guest.create')).toEqual([]);
    const audit = f.logs.filter((l) => l.audit === true && l.action === 'guest.create');
    expect(audit.map((l) => l.result)).toEqual(['CONFIG_EXISTS', 'DOMAIN_EXISTS']);
  });

  it.each([
    [{ disks: [{ volumeGroup: 'vg9', sizeBytes: GiB }] }, 'VG_NOT_FOUND', 'disks.0.volumeGroup'],
    [{ cdrom: 'nope.iso' }, 'ISO_NOT_FOUND', 'cdrom'],
    [{ network: { bridge: 'br-missing' } }, 'BRIDGE_NOT_FOUND', 'network.bridge'],
    [{ disks: [{ volumeGroup: 'vg0', volume: 'ghost' }] }, 'LV_NOT_FOUND', 'disks.0.volume'],
    [{ disks: [{ imageFile: 'ghost.img' }] }, 'IMAGE_NOT_FOUND', 'disks.0.imageFile'],
  ] as const)('answers 400 naming the field for %j', async (change, code, path) => {
    const res = await post({ ...EXAMPLE, name: 'x1', ...change });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.issues).toEqual([{ path, message: expect.any(String) }]);
    expect(res.body.error.message).toContain(path);
    expect(existsSync(cfgPath('x1'))).toBe(false);
  });

  it('answers 422 for the schema and for the type rules, by path', async () => {
    const a = await post({ ...EXAMPLE, memoryMiB: 'lots', disks: [{ volumeGroup: 'vg0' }] });
    expect(a.status).toBe(422);
    expect(a.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'memoryMiB',
      'disks.0.sizeBytes',
    ]);
    const b = await post({
      ...EXAMPLE,
      type: 'pvh',
      profile: undefined,
      network: { bridge: 'xenbr0', mac: 'zz' },
    });
    expect(b.status).toBe(422);
    expect(b.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'cdrom',
      'kernel',
      'network.mac',
    ]);
    const c = await post({ ...EXAMPLE, name: 'snapshotter' });
    expect(c.status).toBe(422);
    expect(c.body.error.details.issues[0].path).toBe('name');
    expect(c.body.error.message).toContain('snapshotter-disk0');
  });

  it('refuses an existing volume a config names, or an image a config names (409 VOLUME_IN_USE)', async () => {
    writeFileSync(
      cfgPath('demo'),
      `name = 'demo'\ndisk = [ 'phy:/dev/vg0/demo-pv,xvda,w', 'file:${join(f.config.imageDir, 'used.img')},xvdb,w' ]\n`,
    );
    writeFileSync(join(f.config.imageDir, 'used.img'), '');
    const a = await post({
      ...EXAMPLE,
      name: 'x2',
      disks: [{ volumeGroup: 'vg0', volume: 'demo-pv' }],
    });
    expect(a.status).toBe(409);
    expect(a.body.error.code).toBe('VOLUME_IN_USE');
    expect(a.body.error.message).toContain('demo');
    expect(a.body.error.details.issues[0].path).toBe('disks.0.volume');
    const b = await post({ ...EXAMPLE, name: 'x2', disks: [{ imageFile: 'used.img' }] });
    expect(b.status).toBe(409);
    expect(b.body.error.details.issues[0].path).toBe('disks.0.imageFile');
  });

  it('refuses new volumes that do not fit their volume group (507 NO_SPACE) and a name taken in it', async () => {
    const vg = await f.context.storage.volumeGroup('vg0');
    const a = await post({
      ...EXAMPLE,
      disks: [
        { volumeGroup: 'vg0', sizeBytes: vg.freeBytes - 4 * 1024 ** 2 },
        { volumeGroup: 'vg0', sizeBytes: 8 * 1024 ** 2 },
      ],
    });
    expect(a.status).toBe(507);
    expect(a.body.error.code).toBe('NO_SPACE');
    expect(a.body.error.details.issues[0].path).toBe('disks.1.sizeBytes');
    await f.context.storage.createVolume('vg0', 'web1-disk0', GiB);
    const b = await post(EXAMPLE);
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('LV_EXISTS');
  });

  it('limits disks as xl-config maps them', () => {
    expect(GUEST_REQUEST_MAX_DISKS).toBe(GUEST_MAX_DISKS);
  });
});

describe('a failed creation is undone', () => {
  beforeEach(() => setup());

  it('xl create fails: the task fails with xl’s error; its LV and config are removed, nothing else', async () => {
    await f.context.storage.createVolume('vg0', 'bystander', GiB);
    const before = await lvNames();
    const realCreate = f.sim.createDomain.bind(f.sim);
    f.sim.createDomain = async (path: string) => {
      throw new HypervisorError('CREATE_FAILED', `${path}: libxl: device model failed to start`);
    };
    const task = await create({
      ...EXAMPLE,
      disks: TWO_NEW_DISKS,
    });
    expect(task.state).toBe('failed');
    expect(task.error).toEqual({
      code: 'CREATE_FAILED',
      message: `${cfgPath('web1')}: libxl: device model failed to start`,
    });
    expect(task.steps.map((s) => [s.state, s.undo?.state ?? null])).toEqual([
      ['succeeded', 'succeeded'],
      ['succeeded', 'succeeded'],
      ['succeeded', 'succeeded'],
      ['failed', null],
    ]);
    expect(await lvNames()).toEqual(before);
    expect(await lvNames()).toContain('bystander');
    expect(await lvNames()).toContain('demo-pv');
    expect(existsSync(cfgPath('web1'))).toBe(false);
    // The text written is kept in the history.
    const hist = await f.admin.get('/api/v1/configs/web1/history');
    expect(hist.body.map((v: { reason: string }) => v.reason)).toEqual(['create']);
    // The name is free again: a second try runs to the end.
    f.sim.createDomain = realCreate;
    const again = await create(EXAMPLE);
    expect(again.state, JSON.stringify(again.error)).toBe('succeeded');
    expect(await lvNames()).toEqual([...before, 'web1-disk0'].sort());
  });

  it('xl create times out leaving the domain paused: the step destroys it, then the undos run', async () => {
    const realCreate = f.sim.createDomain.bind(f.sim);
    f.sim.createDomain = async (path: string) => {
      await realCreate(path); // the domain exists, as when xl is stopped by its timeout half-way
      throw new HypervisorError(
        'CREATE_FAILED',
        'xl create timed out after 120000 ms: Parsing config',
      );
    };
    const task = await create(EXAMPLE);
    expect(task.state).toBe('failed');
    expect(task.error?.message).toContain('timed out');
    expect(task.steps[2]?.output).toMatch(
      /left domain web1 \(domid \d+\) behind: destroying it\ndestroyed domid \d+/,
    );
    expect(task.steps.slice(0, 2).map((s) => s.undo)).toEqual([
      { state: 'succeeded', error: null },
      { state: 'succeeded', error: null },
    ]);
    expect(await f.sim.domidByName('web1')).toBeUndefined();
    expect(await lvNames()).not.toContain('web1-disk0');
    expect(existsSync(cfgPath('web1'))).toBe(false);
  });

  it('a domain that cannot be destroyed keeps its volume and config: the undos refuse and say why', async () => {
    const realCreate = f.sim.createDomain.bind(f.sim);
    f.sim.createDomain = async (path: string) => {
      await realCreate(path);
      throw new HypervisorError('CREATE_FAILED', 'xl create timed out after 120000 ms');
    };
    f.sim.domainOperation = async () => {
      throw new HypervisorError('LIBXL_ERROR', 'libxl_domain_destroy failed');
    };
    const task = await create(EXAMPLE);
    expect(task.state).toBe('failed');
    expect(task.steps[2]?.output).toContain('could not destroy');
    for (const s of task.steps.slice(0, 2)) {
      expect(s.undo?.state).toBe('failed');
      expect(s.undo?.error?.code).toBe('INVALID_STATE');
      expect(s.undo?.error?.message).toMatch(
        /^domain web1 \(domid \d+\) exists, so .* was left in place$/,
      );
    }
    expect(await lvNames()).toContain('web1-disk0');
    expect(existsSync(cfgPath('web1'))).toBe(true);
  });

  it('the config write fails: the new LV is removed, no config file is left', async () => {
    await setupFailingWrite();
    const before = await lvNames();
    const task = await create(EXAMPLE);
    expect(task.state).toBe('failed');
    expect(task.error?.message).toMatch(/EIO|link/);
    expect(task.steps.map((s) => s.state)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(task.steps[0]?.undo).toEqual({ state: 'succeeded', error: null });
    expect(await lvNames()).toEqual(before.filter((n) => n !== 'web1-disk0'));
    expect(await lvNames()).not.toContain('web1-disk0');
    expect(existsSync(cfgPath('web1'))).toBe(false);
    expect(await f.sim.domidByName('web1')).toBeUndefined();
  });

  it('the second lvcreate fails: only the first new volume is removed', async () => {
    const storage = f.context.storage;
    const original = storage.createVolume.bind(storage);
    let calls = 0;
    storage.createVolume = async (vg, name, size, o) => {
      calls++;
      if (calls === 2) {
        // An LV of that name appeared meanwhile (made by someone else): LVM refuses, and it is
        // not ours to remove.
        await original(vg, name, size, o);
        return original(vg, name, size, o);
      }
      return original(vg, name, size, o);
    };
    const task = await create({
      ...EXAMPLE,
      disks: TWO_NEW_DISKS,
    });
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('LV_EXISTS');
    expect(task.steps.map((s) => s.state)).toEqual(['succeeded', 'failed', 'skipped', 'skipped']);
    const names = await lvNames();
    expect(names).not.toContain('web1-disk0');
    expect(names).toContain('web1-disk1'); // someone else's: left alone
    expect(names).toContain('demo-pv');
  });
});

/** Rebuilds the fixture with a config commit (link) that fails with EIO. */
async function setupFailingWrite() {
  await f.cleanup();
  await setup({
    configCommitOps: {
      rename: async () => {
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      },
      link: async () => {
        throw Object.assign(new Error('EIO: i/o error, link'), { code: 'EIO' });
      },
    },
  });
}

describe('GET /api/v1/guests/host', () => {
  beforeEach(() => setup());

  it('gives the simulated host’s bridges and the directories', async () => {
    const res = await f.admin.get('/api/v1/guests/host');
    expect(res.status).toBe(200);
    expect(guestHostSchema.parse(res.body)).toEqual({
      bridges: ['xenbr0', 'xenbr1'],
      configDir: f.config.configDir,
      isoDir: f.config.isoDir,
      imageDir: f.config.imageDir,
    });
  });

  it('reads a real host’s bridges from sysfs: interfaces with a bridge/ directory', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'xendeck-sysnet-'));
    for (const i of ['eth0', 'xenbr0', 'br1', 'vif3.0']) mkdirSync(join(sys, i));
    mkdirSync(join(sys, 'xenbr0', 'bridge'));
    mkdirSync(join(sys, 'br1', 'bridge'));
    const ctx = { hypervisor: { kind: 'libxl' } as never, logger: pino({ level: 'silent' }) };
    expect(await hostBridges(ctx, sys)).toEqual(['br1', 'xenbr0']);
    expect(await hostBridges(ctx, join(sys, 'missing'))).toEqual([]);
  });

  it('is admin only', async () => {
    const res = await (await import('supertest')).default(f.app).get('/api/v1/guests/host');
    expect(res.status).toBe(401);
  });
});

describe('the commands the wizard shows', () => {
  it("show lvcreate with the arguments the LVM backend runs (@xendeck/storage's lvcreateArgs)", () => {
    const [shown] = guestCommands({
      configPath: '/etc/xen/web1.cfg',
      newVolumes: [{ volumeGroup: 'vg0', name: 'web1-disk0', sizeBytes: 10 * GiB }],
      start: true,
    });
    expect(shown).toBe(['lvcreate', ...lvcreateArgs('vg0', 'web1-disk0', 10 * GiB)].join(' '));
  });
});
