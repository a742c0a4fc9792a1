/**
 * The command line (src/users/cli.ts, `pnpm xendeck user …`): run against the fixture's state
 * directory while the app uses the same database, as on dom0 beside the running service.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFirstRun, writeInitialPassword } from '../src/users/bootstrap.js';
import { type CliIo, runCli } from '../src/users/cli.js';
import { ADMIN_PASSWORD, type Fixture, login, makeFixture } from './helpers.js';

let f: Fixture;
beforeEach(async () => {
  f = await makeFixture();
});
afterEach(async () => {
  await f.cleanup();
});

/** Runs the CLI with XENDECK_STATE_DIR = the fixture's; returns status, stdout and stderr. */
async function cli(
  args: string[],
  stdin = '',
  env: NodeJS.ProcessEnv = { XENDECK_STATE_DIR: f.stateDir },
) {
  let out = '';
  let err = '';
  const io: CliIo = {
    env,
    readStdin: async () => stdin,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  };
  const status = await runCli(args, io);
  return { status, out, err };
}

describe('xendeck user reset-password', () => {
  it('prints a generated password once; the old one stops working; the user’s sessions end', async () => {
    const other = await login(f, 'admin', ADMIN_PASSWORD);
    const r = await cli(['user', 'reset-password', 'admin']);
    expect(r.status).toBe(0);
    const password = r.out.trim();
    expect(r.out).toBe(`${password}\n`);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(r.err).toContain('2 session(s) ended');
    for (const cookie of [f.adminCookie, other]) {
      expect((await request(f.app).get('/api/v1/session').set('Cookie', cookie)).status).toBe(401);
    }
    expect(await f.context.users.verify('admin', ADMIN_PASSWORD)).toBeUndefined();
    await login(f, 'admin', password);
    expect(f.context.users.record('admin')?.passwordChangedAt).not.toBeNull();
    const audit = f.db
      .prepare("SELECT username, target, details FROM audit_log WHERE action = 'user.update'")
      .get() as { username: string; target: string; details: string };
    expect(audit.username).toMatch(/^cli:/);
    expect(audit.target).toBe('user:admin');
    expect(audit.details).not.toContain(password);
  });

  it('--password-stdin takes the first line (its newline dropped) and prints nothing on stdout; too short is refused', async () => {
    const r = await cli(
      ['user', 'reset-password', 'admin', '--password-stdin'],
      'chosen on the host\n',
    );
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
    await login(f, 'admin', 'chosen on the host');
    const short = await cli(['user', 'reset-password', 'admin', '--password-stdin'], 'short\n');
    expect(short.status).toBe(1);
    expect(short.err).toContain('at least 8');
    await login(f, 'admin', 'chosen on the host');
  });

  it('removes the first admin’s initial password file', async () => {
    writeInitialPassword(f.stateDir, 'generated at first start');
    expect((await cli(['user', 'reset-password', 'admin'])).status).toBe(0);
    expect(isFirstRun(f.stateDir)).toBe(false);
  });

  it('an unknown user: exit 1 and a message; a bad name: exit 2 with the usage', async () => {
    const r = await cli(['user', 'reset-password', 'nobody']);
    expect(r).toMatchObject({ status: 1, out: '' });
    expect(r.err).toContain('No user "nobody"');
    const bad = await cli(['user', 'reset-password', '../x']);
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('Usage:');
  });
});

describe('xendeck user create and list', () => {
  it('creates a user with a generated password that logs in with that role; a taken name is exit 1', async () => {
    const r = await cli(['user', 'create', 'carol', '--role', 'customer']);
    expect(r.status).toBe(0);
    const cookie = await login(f, 'carol', r.out.trim());
    expect((await request(f.app).get('/api/v1/session').set('Cookie', cookie)).body.role).toBe(
      'customer',
    );
    const again = await cli(['user', 'create', 'carol', '--role=admin']);
    expect(again.status).toBe(1);
    expect(again.err).toContain('exists already');
    expect(f.context.users.byName('carol')?.role).toBe('customer');
    expect((await cli(['user', 'create', 'dave'])).status).toBe(2);
    expect((await cli(['user', 'create', 'dave', '--role', 'root'])).status).toBe(2);
    expect(f.context.users.byName('dave')).toBeUndefined();
  });

  it('lists users as a table and as JSON, without hashes', async () => {
    await cli(['user', 'create', 'ops', '--role', 'operator']);
    const table = await cli(['user', 'list']);
    expect(table.status).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+TOTP\s+PASSWORD CHANGED\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['admin', 'admin', 'off'],
      ['ops', 'operator', 'off'],
    ]);
    const json = JSON.parse((await cli(['user', 'list', '--json'])).out) as { username: string }[];
    expect(json.map((u) => u.username)).toEqual(['admin', 'ops']);
    expect(JSON.stringify(json)).not.toContain('argon2');
  });
});

describe('xendeck user disable-totp', () => {
  it('turns TOTP off and ends the sessions; exit 1 when it is off', async () => {
    f.context.users.setTotpSecret(f.context.users.byName('admin')?.id ?? -1, 'JBSWY3DPEHPK3PXP');
    const r = await cli(['user', 'disable-totp', 'admin']);
    expect(r.status).toBe(0);
    expect(f.context.users.record('admin')?.totpEnabled).toBe(false);
    expect((await request(f.app).get('/api/v1/session').set('Cookie', f.adminCookie)).status).toBe(
      401,
    );
    expect((await cli(['user', 'disable-totp', 'admin'])).status).toBe(1);
  });
});

describe('environment and usage', () => {
  it('refuses a state directory without a database (creates nothing there) and a relative XENDECK_STATE_DIR', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'xendeck-cli-'));
    try {
      const r = await cli(['user', 'list'], '', { XENDECK_STATE_DIR: empty });
      expect(r.status).toBe(1);
      expect(r.err).toContain(`no Xendeck database at ${join(empty, 'xendeck.sqlite')}`);
      expect(() => statSync(join(empty, 'xendeck.sqlite'))).toThrow();
      const rel = await cli(['user', 'list'], '', { XENDECK_STATE_DIR: 'relative/dir' });
      expect(rel.status).toBe(1);
      expect(rel.err).toContain('XENDECK_STATE_DIR');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('help is exit 0, nothing or an unknown command exit 2, with the usage', async () => {
    expect((await cli(['help'])).status).toBe(0);
    expect((await cli([])).status).toBe(2);
    const unknown = await cli(['user', 'frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toContain('unknown command "user frobnicate"');
    expect((await cli(['user', 'list', '--force'])).status).toBe(2);
  });
});
