/**
 * The real entry point, as a process: refusal without Xen, first start with a generated password
 * (kept in a root-only file), a later XENDECK_ADMIN_PASSWORD not applied.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xenPresent } from '@xendeck/hypervisor';
import { afterEach, describe, expect, it } from 'vitest';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'xendeck-main-test-'));
  dirs.push(d);
  return d;
}

/** Starts `src/main.ts` (through tsx) with only the given XENDECK_* variables. */
function startServer(env: Record<string, string>) {
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('XENDECK_')) baseEnv[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...baseEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = async (): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!stdout.includes('Xendeck listening')) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`server did not start: ${stdout}${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, listening, out: () => stdout, err: () => stderr };
}

const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);

describe('the server process', () => {
  it.skipIf(xenPresent())(
    'refuses XENDECK_BACKEND=libxl on a machine without Xen: exit 1, a clear message, no stack trace',
    async () => {
      const s = startServer({ XENDECK_BACKEND: 'libxl', XENDECK_STATE_DIR: tempDir() });
      expect(await s.exited).toBe(1);
      expect(s.err()).toContain('XEN_UNAVAILABLE');
      expect(s.err()).toContain('pnpm lab start');
      expect(s.err()).toContain('XENDECK_BACKEND=simulated');
      expect(s.err()).not.toMatch(/^\s+at /m);
    },
  );

  it('refuses a bad variable with a message naming it', async () => {
    const s = startServer({
      XENDECK_BACKEND: 'simulated',
      XENDECK_PORT: 'http',
      XENDECK_STATE_DIR: tempDir(),
    });
    expect(await s.exited).toBe(1);
    expect(s.err()).toContain('XENDECK_PORT="http"');
    expect(s.err()).not.toMatch(/^\s+at /m);
  });

  it('on first start generates the admin password into <stateDir>/initial-admin-password (0600, not printed without a terminal), seeds the simulated config dir, and stops on SIGTERM', async () => {
    const stateDir = tempDir();
    const port = freePort();
    const env = {
      XENDECK_BACKEND: 'simulated',
      XENDECK_STATE_DIR: stateDir,
      XENDECK_PORT: String(port),
      XENDECK_HOST: '127.0.0.1',
      XENDECK_HTTP: '1', // plain HTTP on loopback; tls.test.ts starts main over HTTPS
    };
    const first = startServer(env);
    await first.listening();
    const file = join(stateDir, 'initial-admin-password');
    const password = readFileSync(file, 'utf8').trimEnd();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // stdout is a pipe here (the journal, on a dom0): the log says where, never what.
    expect(first.out()).toContain(file);
    expect(first.out() + first.err()).not.toContain(password);

    const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(204);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const configs = (await (
      await fetch(`http://127.0.0.1:${port}/api/v1/configs`, { headers: { Cookie: cookie } })
    ).json()) as {
      name: string;
      running: boolean;
    }[];
    expect(configs.map((c) => [c.name, c.running])).toEqual([
      ['demo-hvm', false],
      ['demo-pv', false],
      ['web-01', true],
    ]);
    const started = await fetch(`http://127.0.0.1:${port}/api/v1/domains/demo-pv/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
    });
    expect(started.status).toBe(201);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.out()).toContain('"msg":"stopped"');

    // A later XENDECK_ADMIN_PASSWORD is not applied; the warning names the reset command.
    const second = startServer({ ...env, XENDECK_ADMIN_PASSWORD: 'set too late 123' });
    await second.listening();
    expect(second.out()).not.toContain('created the user');
    expect(second.out()).toContain('NOT APPLIED');
    expect(second.out()).toContain('pnpm xendeck user reset-password');
    const again = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(again.status).toBe(204);
    expect(readFileSync(file, 'utf8').trimEnd()).toBe(password);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
