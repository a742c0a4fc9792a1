/**
 * HTTPS end to end: the real entry point (src/main.ts through tsx) with no TLS variable generates
 * a self-signed certificate into the state dir (key 0600), logs its fingerprint, and serves
 * /server-info, a login (`__Host-xendeck_session`, Secure, HSTS) and a websocket over TLS to a
 * client that trusts only that certificate; a restart reuses it. Config checks of the TLS
 * variables; the generated certificate's names.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverInfoSchema } from '@xendeck/api';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/config.js';
import { generateSelfSigned, machineNames } from '../src/http/tls.js';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts src/main.ts with only these XENDECK_* variables; resolves once it listens. */
async function startMain(env: Record<string, string>) {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('XENDECK_')) base[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!out.includes('Xendeck listening')) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopped = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const stop = () => {
    child.kill('SIGTERM');
    return stopped;
  };
  return { child, out: () => out, stop };
}

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
    const stateDir = mkdtempSync(join(tmpdir(), 'xendeck-tls-test-'));
    dirs.push(stateDir);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env = {
      XENDECK_BACKEND: 'simulated',
      XENDECK_STATE_DIR: stateDir,
      XENDECK_PORT: String(port),
      XENDECK_HOST: '127.0.0.1',
      XENDECK_ADMIN_PASSWORD: 'tls test password 1',
      XENDECK_WEB_DIR: join(stateDir, 'no-web'),
    };
    const first = await startMain(env);
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

    expect(await first.stop()).toBe(0);
    const second = await startMain(env);
    expect(readFileSync(join(stateDir, 'tls-cert.pem'), 'utf8')).toBe(certPem);
    expect(second.out()).not.toContain('generated a self-signed TLS certificate');
    expect(second.out()).toContain(cert.fingerprint256);
    expect(await second.stop()).toBe(0);
  }, 90_000);
});

describe('TLS configuration', () => {
  const xen = { xenPresent: () => false };
  const env = { XENDECK_BACKEND: 'simulated' };

  it('defaults to a self-signed certificate on 0.0.0.0; XENDECK_HTTP=1 is plain HTTP on 127.0.0.1', () => {
    expect(loadConfig(env, xen)).toMatchObject({ tls: { mode: 'self-signed' }, host: '0.0.0.0' });
    expect(loadConfig({ ...env, XENDECK_HTTP: '1' }, xen)).toMatchObject({
      tls: { mode: 'off' },
      host: '127.0.0.1',
    });
    expect(
      loadConfig(
        { ...env, XENDECK_TLS_CERT: '/etc/ssl/x.pem', XENDECK_TLS_KEY: '/etc/ssl/x.key' },
        xen,
      ).tls,
    ).toEqual({ mode: 'files', certFile: '/etc/ssl/x.pem', keyFile: '/etc/ssl/x.key' });
  });

  it('refuses half a pair, plain HTTP with certificate files, and bad proxy or host lists', () => {
    expect(() => loadConfig({ ...env, XENDECK_TLS_CERT: '/etc/ssl/x.pem' }, xen)).toThrow(
      ConfigError,
    );
    expect(() =>
      loadConfig(
        { ...env, XENDECK_HTTP: '1', XENDECK_TLS_CERT: '/a.pem', XENDECK_TLS_KEY: '/a.key' },
        xen,
      ),
    ).toThrow(/contradict/);
    expect(() => loadConfig({ ...env, XENDECK_TRUSTED_PROXIES: '10.0.0.0/33' }, xen)).toThrow(
      /XENDECK_TRUSTED_PROXIES/,
    );
    expect(
      loadConfig({ ...env, XENDECK_TRUSTED_PROXIES: '127.0.0.1, fd00::/8' }, xen).trustedProxies,
    ).toEqual(['127.0.0.1', 'fd00::/8']);
    expect(
      loadConfig({ ...env, XENDECK_ALLOWED_HOSTS: 'Dom0.example,10.0.0.2' }, xen).allowedHosts,
    ).toEqual(['dom0.example', '10.0.0.2']);
  });

  it('names the machine in a generated certificate', async () => {
    const names = machineNames();
    const { cert } = await generateSelfSigned(names);
    const x = new X509Certificate(cert);
    for (const n of names.dns) expect(x.subjectAltName).toContain(`DNS:${n}`);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkIP('::1')).toBe('::1');
    expect(x.ca).toBe(false);
  });
});
