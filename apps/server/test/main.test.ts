/**
 * The real entry point, as a process: refusal without Xen, first start with a generated password
 * (kept in a root-only file), a later XENDECK_ADMIN_PASSWORD not applied; HTTPS by default (a
 * generated certificate, trusted by the client as its only CA: server-info, a `__Host-` login and
 * a websocket over TLS; reused after a restart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverInfoSchema } from '@xendeck/api';
import { xenPresent } from '@xendeck/hypervisor';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

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
      XENDECK_HTTP: '1', // plain HTTP on loopback; the last test here starts main over HTTPS
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

/** An HTTPS request trusting only `ca`; resolves with status, headers and body text. */
function get(
  url: string,
  ca: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { ca, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HTTPS by default', () => {
  it('generates a certificate once, serves server-info, login and a websocket over TLS with it, and reuses it after a restart', async () => {
    const stateDir = tempDir();
    const port = freePort();
    const env = {
      XENDECK_BACKEND: 'simulated',
      XENDECK_STATE_DIR: stateDir,
      XENDECK_PORT: String(port),
      XENDECK_HOST: '127.0.0.1',
      XENDECK_ADMIN_PASSWORD: 'tls test password 1',
      XENDECK_WEB_DIR: join(stateDir, 'no-web'),
    };
    const first = startServer(env);
    await first.listening();
    const certPem = readFileSync(join(stateDir, 'tls-cert.pem'), 'utf8');
    expect(statSync(join(stateDir, 'tls-key.pem')).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(certPem);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(first.out()).toContain(`https://127.0.0.1:${port}`);
    expect(first.out()).toContain(cert.fingerprint256);

    const base = `https://127.0.0.1:${port}`;
    const info = await get(`${base}/api/v1/server-info`, certPem);
    expect(info.status).toBe(200);
    expect(info.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(serverInfoSchema.parse(JSON.parse(info.body))).toEqual({
      firstRun: false, // XENDECK_ADMIN_PASSWORD: no generated password file
      tls: { fingerprintSha256: cert.fingerprint256, selfSigned: true },
    });
    // A client that does not trust the certificate is refused by TLS itself.
    await expect(get(`${base}/api/v1/server-info`, '')).rejects.toThrow();

    const login = await get(`${base}/api/v1/session`, certPem, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'tls test password 1' }),
    });
    expect(login.status).toBe(204);
    const setCookie = String((login.headers['set-cookie'] as string[] | undefined)?.[0]);
    expect(setCookie).toMatch(/^__Host-xendeck_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie.toLowerCase()).toContain('; secure');
    const cookie = setCookie.split(';')[0] as string;

    const ws = new WebSocket(`wss://127.0.0.1:${port}/api/v1/events`, {
      ca: certPem,
      headers: { Cookie: cookie },
    });
    const firstMessage = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
    });
    expect(JSON.parse(firstMessage)).toHaveProperty('type');
    ws.close();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = startServer(env);
    await second.listening();
    expect(readFileSync(join(stateDir, 'tls-cert.pem'), 'utf8')).toBe(certPem);
    expect(second.out()).not.toContain('generated a self-signed TLS certificate');
    expect(second.out()).toContain(cert.fingerprint256);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});
