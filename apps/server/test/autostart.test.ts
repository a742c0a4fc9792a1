/**
 * Autostart: the links in the auto dir (a temp dir), the per-config routes, the refusals for what
 * Xendeck did not make, the host status with /etc/default/xendomains read without a shell, and
 * the xendomains service through an injected program runner.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { apiErrorSchema, configAutostartSchema, hostAutostartSchema } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autostartCommand, configOfTarget } from '../src/configs/autostart.js';
import {
  parseXendomainsDefaults,
  shellAssignmentValue,
  xendomainsPlan,
  xendomainsService,
} from '../src/configs/xendomains.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture;
let autoDir: string;
let configDir: string;

const put = (name: string, enabled: boolean) =>
  f.admin
    .put(`/api/v1/configs/${name}/autostart`)
    .set('Content-Type', 'application/json')
    .send({ enabled });
const status = async (name: string) => {
  const r = await f.admin.get(`/api/v1/configs/${name}/autostart`);
  expect(r.status, r.text).toBe(200);
  return configAutostartSchema.parse(r.body);
};
const errorCode = (body: unknown) => apiErrorSchema.parse(body).error.code;
const audits = () =>
  f.logs.filter((l) => l.audit === true && String(l.action).startsWith('config.autostart'));

beforeEach(async () => {
  f = await makeFixture();
  autoDir = f.config.autoDir;
  configDir = f.config.configDir;
  writeFileSync(join(configDir, 'web1.cfg'), 'name = "web1"\nmemory = 256\n');
  writeFileSync(join(configDir, 'db1.cfg'), 'name = "db1"\nmemory = 256\n');
});
afterEach(async () => {
  await f.cleanup();
});

describe('PUT /configs/:name/autostart', () => {
  it('links <autoDir>/<name>.cfg to the config (making the dir), then removes it', async () => {
    expect(existsSync(autoDir)).toBe(false);
    const before = await status('web1');
    expect(before).toMatchObject({ enabled: false, state: 'absent', links: [] });
    expect(before.command).toBe(
      `ln -s ${join(configDir, 'web1.cfg')} ${join(autoDir, 'web1.cfg')}`,
    );

    const on = await put('web1', true);
    expect(on.status, on.text).toBe(200);
    const s = configAutostartSchema.parse(on.body);
    expect(s).toMatchObject({ enabled: true, state: 'linked', links: [join(autoDir, 'web1.cfg')] });
    expect(s.command).toBe(`rm ${join(autoDir, 'web1.cfg')}`);
    const link = join(autoDir, 'web1.cfg');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(configDir, 'web1.cfg'));
    // No temporary name left behind; the other config is untouched.
    expect(readdirSync(autoDir)).toEqual(['web1.cfg']);
    expect((await status('db1')).enabled).toBe(false);

    // Idempotent.
    expect((await put('web1', true)).status).toBe(200);
    expect(readdirSync(autoDir)).toEqual(['web1.cfg']);

    const off = await put('web1', false);
    expect(off.status, off.text).toBe(200);
    expect(configAutostartSchema.parse(off.body)).toMatchObject({
      enabled: false,
      state: 'absent',
    });
    expect(readdirSync(autoDir)).toEqual([]);
    expect(readFileSync(join(configDir, 'web1.cfg'), 'utf8')).toContain('web1');

    const lines = audits();
    expect(lines.map((l) => [l.action, l.result, l.command])).toEqual([
      ['config.autostart.enable', 'ok', `ln -s ${join(configDir, 'web1.cfg')} ${link}`],
      ['config.autostart.enable', 'ok', `ln -s ${join(configDir, 'web1.cfg')} ${link}`],
      ['config.autostart.disable', 'ok', `rm ${link}`],
    ]);
    expect(lines.map((l) => l.changed)).toEqual([true, false, true]);
  });

  it('counts and removes a hand-made link of another name that resolves to the config', async () => {
    mkdirSync(autoDir);
    symlinkSync('../web1.cfg', join(autoDir, 'web1'));
    const s = await status('web1');
    expect(s).toMatchObject({ enabled: true, state: 'absent', links: [join(autoDir, 'web1')] });
    // Enabling adds no second link (xendomains would start it twice).
    expect((await put('web1', true)).status).toBe(200);
    expect(readdirSync(autoDir)).toEqual(['web1']);
    const off = await put('web1', false);
    expect(off.status, off.text).toBe(200);
    expect(readdirSync(autoDir)).toEqual([]);
  });

  it('never replaces nor deletes a regular file or a link elsewhere at the name (409)', async () => {
    mkdirSync(autoDir);
    const copy = join(autoDir, 'web1.cfg');
    writeFileSync(copy, 'name = "web1"\n# a copy put here by hand\n');
    const s = await status('web1');
    expect(s.state).toBe('foreign');
    expect(s.note).toMatch(/regular file/);
    for (const enabled of [true, false]) {
      const r = await put('web1', enabled);
      expect(r.status).toBe(409);
      expect(errorCode(r.body)).toBe('AUTOSTART_LINK_TAKEN');
      expect(r.body.error.message).toContain(copy);
    }
    expect(readFileSync(copy, 'utf8')).toContain('by hand');

    symlinkSync('/srv/other.cfg', join(autoDir, 'db1.cfg'));
    const r = await put('db1', true);
    expect(r.status).toBe(409);
    expect(readlinkSync(join(autoDir, 'db1.cfg'))).toBe('/srv/other.cfg');
    expect(audits().map((l) => l.result)).toEqual([
      'AUTOSTART_LINK_TAKEN',
      'AUTOSTART_LINK_TAKEN',
      'AUTOSTART_LINK_TAKEN',
    ]);
  });

  it('answers 404 for a config that does not exist and 422 for a bad name or body', async () => {
    const missing = await put('nope', true);
    expect(missing.status).toBe(404);
    expect(errorCode(missing.body)).toBe('CONFIG_NOT_FOUND');
    expect(existsSync(join(autoDir, 'nope.cfg'))).toBe(false);
    expect((await put('..', true)).status).toBe(422);
    const bad = await f.admin
      .put('/api/v1/configs/web1/autostart')
      .set('Content-Type', 'application/json')
      .send({ enabled: 'yes' });
    expect(bad.status).toBe(422);
  });
});

describe('GET /host/autostart (simulated host)', () => {
  it("reports the simulated service, Debian's defaults and the linked configs", async () => {
    expect((await put('db1', true)).status).toBe(200);
    const r = await f.admin.get('/api/v1/host/autostart');
    expect(r.status, r.text).toBe(200);
    const h = hostAutostartSchema.parse(r.body);
    expect(h.simulated).toBe(true);
    expect(h.service.source).toBe('simulated');
    // Debian's file with the simulated host's directories: nothing to warn about.
    expect(h.settings.atShutdown).toEqual({
      migrateTo: null,
      action: 'save',
      saveDir: f.config.saveDir,
      maxWaitSeconds: 300,
    });
    expect(h.settings.atBoot).toEqual({ restore: true, autoDir });
    expect(h.warnings).toEqual([]);
    expect(h.entries).toEqual([
      {
        file: 'db1.cfg',
        path: join(autoDir, 'db1.cfg'),
        kind: 'link',
        target: join(configDir, 'db1.cfg'),
        config: 'db1',
      },
    ]);
    expect(h.configs.map((c) => [c.name, c.enabled, c.command])).toEqual([
      ['db1', true, `rm ${join(autoDir, 'db1.cfg')}`],
      ['web1', false, `ln -s ${join(configDir, 'web1.cfg')} ${join(autoDir, 'web1.cfg')}`],
    ]);
  });

  it('warns when XENDOMAINS_AUTO or XENDOMAINS_SAVE name other directories than Xendeck uses', async () => {
    writeFileSync(
      join(f.config.stateDir, 'sim-default-xendomains'),
      'XENDOMAINS_SAVE=/srv/save\nXENDOMAINS_AUTO=/etc/xen/auto\n',
    );
    const h = hostAutostartSchema.parse((await f.admin.get('/api/v1/host/autostart')).body);
    expect(h.warnings.join('\n')).toMatch(
      /XENDOMAINS_AUTO is \/etc\/xen\/auto but Xendeck links into/,
    );
    expect(h.warnings.join('\n')).toMatch(
      /XENDOMAINS_SAVE is \/srv\/save but Xendeck's saved images/,
    );
  });

  it('reads an edited defaults file: shutdown instead of save, no autostart', async () => {
    writeFileSync(
      join(f.config.stateDir, 'sim-default-xendomains'),
      'XENDOMAINS_SAVE=""\nXENDOMAINS_AUTO=\nXENDOMAINS_STOP_MAXWAIT=$(reboot)\n',
    );
    const h = hostAutostartSchema.parse((await f.admin.get('/api/v1/host/autostart')).body);
    expect(h.settings.atShutdown.action).toBe('shutdown');
    expect(h.settings.atBoot).toEqual({ restore: false, autoDir: null });
    expect(h.settings.skippedLines).toEqual([3]);
    expect(h.warnings.join('\n')).toMatch(/XENDOMAINS_AUTO is empty/);
    expect(h.warnings.join('\n')).toMatch(/line\(s\) 3/);
  });

  it('is admin-only', async () => {
    const { default: request } = await import('supertest');
    expect((await request(f.app).get('/api/v1/host/autostart')).status).toBe(401);
  });
});

describe('/etc/default/xendomains without a shell', () => {
  it('reads shell words as sh assigns them and skips what needs the shell', () => {
    expect(shellAssignmentValue('/var/lib/xen/save')).toBe('/var/lib/xen/save');
    expect(shellAssignmentValue('""')).toBe('');
    expect(shellAssignmentValue(`"a \\"b\\" \\$x"`)).toBe('a "b" $x');
    expect(shellAssignmentValue(`'$HOME'"/x"y`)).toBe('$HOME/x' + 'y');
    expect(shellAssignmentValue('300   # seconds')).toBe('300');
    expect(shellAssignmentValue('$DIR/save')).toBeUndefined();
    expect(shellAssignmentValue('"$(id)"')).toBeUndefined();
    expect(shellAssignmentValue('a; reboot')).toBeUndefined();
    expect(shellAssignmentValue('"open')).toBeUndefined();
    expect(shellAssignmentValue('two words')).toBeUndefined();
  });

  it('keeps the last assignment and interprets it as Debian 12 does', () => {
    const { variables, skippedLines } = parseXendomainsDefaults(
      [
        '# comment',
        'XENDOMAINS_SAVE=/var/lib/xen/save',
        'export XENDOMAINS_SAVE=/srv/save',
        'XENDOMAINS_RESTORE=false',
        'XENDOMAINS_MIGRATE="10.0.0.2 --live"',
        'if true; then',
        '',
      ].join('\n'),
    );
    expect(variables.XENDOMAINS_SAVE).toBe('/srv/save');
    expect(skippedLines).toEqual([6]);
    const plan = xendomainsPlan(variables);
    expect(plan.atShutdown).toMatchObject({
      migrateTo: '10.0.0.2 --live',
      action: 'save',
      saveDir: '/srv/save',
    });
    // Debian's script tests -n: "false" restores too.
    expect(plan.atBoot).toEqual({ restore: true, autoDir: null });
  });
});

describe('xendomains service', () => {
  it('asks systemctl is-enabled / is-active with argument arrays', async () => {
    const calls: string[][] = [];
    const s = await xendomainsService(async (file, args) => {
      calls.push([file, ...args]);
      return args[0] === 'is-enabled'
        ? { code: 1, stdout: 'disabled\n' }
        : { code: 3, stdout: 'inactive\n' };
    }, '/nonexistent-etc');
    expect(calls).toEqual([
      ['systemctl', 'is-enabled', 'xendomains'],
      ['systemctl', 'is-active', 'xendomains'],
    ]);
    expect(s).toEqual({
      installed: true,
      enabled: false,
      state: 'disabled',
      active: 'inactive',
      source: 'systemctl',
    });
  });

  it('falls back to the SysV links without systemctl', async () => {
    const etc = join(f.config.stateDir, 'etc');
    mkdirSync(join(etc, 'init.d'), { recursive: true });
    mkdirSync(join(etc, 'rc2.d'));
    writeFileSync(join(etc, 'init.d', 'xendomains'), '#!/bin/sh\n');
    const noSystemctl = async () => {
      throw Object.assign(new Error('spawn systemctl ENOENT'), { code: 'ENOENT' });
    };
    expect(await xendomainsService(noSystemctl, etc)).toMatchObject({
      enabled: false,
      source: 'rc.d',
    });
    symlinkSync('../init.d/xendomains', join(etc, 'rc2.d', 'S01xendomains'));
    expect(await xendomainsService(noSystemctl, etc)).toMatchObject({
      installed: true,
      enabled: true,
      source: 'rc.d',
    });
  });
});

describe('helpers', () => {
  it('resolves link targets to config names, relative or absolute, and nothing else', async () => {
    expect(await configOfTarget(autoDir, configDir, '../web1.cfg')).toBe('web1');
    expect(await configOfTarget(autoDir, configDir, join(configDir, 'db1.cfg'))).toBe('db1');
    expect(await configOfTarget(autoDir, configDir, '/srv/web1.cfg')).toBeNull();
    expect(await configOfTarget(autoDir, configDir, '../web1.conf')).toBeNull();
  });

  it('quotes the twin for a shell', () => {
    expect(
      autostartCommand({ enabled: true, configPath: "/etc/xen/it's.cfg", linkPath: '/a/b' }),
    ).toBe(`ln -s '/etc/xen/it'\\''s.cfg' /a/b`);
    expect(autostartCommand({ enabled: false, links: ['/a/x', '/a/y'] })).toBe('rm /a/x /a/y');
  });
});
