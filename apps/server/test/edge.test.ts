/**
 * The network edge (`http/edge.ts`) on the real app: the Host allowlist for REST, static files
 * and websocket upgrades (421), cross-site mutations (403), trusted proxies (client address and
 * `__Host-` Secure cookie only from them), HSTS only over HTTPS.
 */
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../src/auth/sessions.js';
import { createEdge, defaultAllowedHosts, hostName, plainHttpWarning } from '../src/http/edge.js';
import { ADMIN_PASSWORD, type Fixture, makeFixture } from './helpers.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

/** The client address the sessions table holds for the session of a `Set-Cookie` value. */
function sessionAddress(fixture: Fixture, setCookie: string): string | undefined {
  const token = (setCookie.split(';')[0] as string).split('=')[1] as string;
  const row = fixture.db
    .prepare('SELECT remote_addr FROM sessions WHERE token_hash = ?')
    .get(hashToken(token)) as { remote_addr: string } | undefined;
  return row?.remote_addr;
}

/** Sends an upgrade request with `headers` to `port`; resolves with the status line's code. */
function upgradeStatus(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host allowlist', () => {
  it('answers 421 MISDIRECTED_HOST to a foreign Host on REST, static files and websocket upgrades; allows its own names', async () => {
    f = await makeFixture({ config: { allowedHosts: ['xendeck.example', '127.0.0.1'] } });
    const rest = await request(f.app).get('/api/v1/server-info').set('Host', 'evil.example');
    expect(rest.status).toBe(421);
    expect(rest.body.error.code).toBe('MISDIRECTED_HOST');
    const login = await request(f.app)
      .post('/api/v1/session')
      .set('Host', 'rebound.attacker.example:8080')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(421);
    expect((await request(f.app).get('/').set('Host', 'evil.example')).status).toBe(421);
    // Its own names, with or without a port, in any case.
    expect(
      (await request(f.app).get('/api/v1/server-info').set('Host', 'XENDECK.example:8443')).status,
    ).toBe(200);
    const { port } = await f.listen();
    expect(
      await upgradeStatus(port, '/api/v1/events', { Host: 'evil.example', Cookie: f.adminCookie }),
    ).toBe(421);
    expect(
      await upgradeStatus(port, '/api/v1/events', {
        Host: `127.0.0.1:${port}`,
        Cookie: f.adminCookie,
      }),
    ).toBe(101);
  });

  it('defaults to the machine names: localhost, loopback, the hostname, its addresses', () => {
    const list = defaultAllowedHosts({ host: '0.0.0.0' });
    expect(list).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
    const edge = createEdge({
      host: '0.0.0.0',
      trustedProxies: [],
      allowedHosts: undefined,
      cookieSecure: 'auto',
    });
    expect(edge.allowedHosts).toEqual(list);
  });

  it('warns about plain HTTP only off loopback', () => {
    const off = { mode: 'off' } as const;
    expect(plainHttpWarning({ tls: off, host: '0.0.0.0', port: 8080 })).toMatch(
      /PLAIN HTTP ON 0\.0\.0\.0:8080/,
    );
    expect(plainHttpWarning({ tls: off, host: '192.0.2.10', port: 80 })).toContain(
      'XENDECK_HTTP=1',
    );
    expect(plainHttpWarning({ tls: off, host: '127.0.0.1', port: 8080 })).toBeUndefined();
    expect(plainHttpWarning({ tls: off, host: '::1', port: 8080 })).toBeUndefined();
    expect(
      plainHttpWarning({ tls: { mode: 'self-signed' }, host: '0.0.0.0', port: 8080 }),
    ).toBeUndefined();
  });

  it('parses Host headers: ports, IPv6 brackets, a trailing dot; refuses junk', () => {
    expect(hostName('Example.org:8443')).toBe('example.org');
    expect(hostName('[::1]:8443')).toBe('::1');
    expect(hostName('dom0.lan.')).toBe('dom0.lan');
    expect(hostName('a b')).toBeUndefined();
    expect(hostName('[::1')).toBeUndefined();
    expect(hostName(undefined)).toBeUndefined();
  });
});

describe('Sec-Fetch-Site', () => {
  it('refuses a mutating request sent from another site (403 CROSS_SITE) and lets same-origin ones through', async () => {
    f = await makeFixture();
    const cross = await f.admin
      .post('/api/v1/domains/web-01/pause')
      .set('Content-Type', 'application/json')
      .set('Sec-Fetch-Site', 'cross-site');
    expect(cross.status).toBe(403);
    expect(cross.body.error.code).toBe('CROSS_SITE');
    const sibling = await f.admin
      .delete('/api/v1/session')
      .set('Content-Type', 'application/json')
      .set('Sec-Fetch-Site', 'same-site');
    expect(sibling.status).toBe(403);
    // Reads are not refused (a link from elsewhere opens the SPA), same-origin writes pass.
    expect((await f.admin.get('/api/v1/session').set('Sec-Fetch-Site', 'cross-site')).status).toBe(
      200,
    );
    const own = await f.admin
      .delete('/api/v1/session')
      .set('Content-Type', 'application/json')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(own.status).toBe(204);
  });
});

describe('trusted proxies', () => {
  it('takes the client address and https from X-Forwarded-* only from a trusted proxy: __Host- Secure cookie, HSTS, the address in the session', async () => {
    f = await makeFixture({ config: { trustedProxies: ['127.0.0.1', '::1'] } });
    const res = await request(f.app)
      .post('/api/v1/session')
      .set('X-Forwarded-For', '198.51.100.7, 203.0.113.9')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(204);
    const cookie = String(res.headers['set-cookie']?.[0] ?? '');
    expect(cookie).toMatch(/^__Host-xendeck_session=[A-Za-z0-9_-]{43};/);
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    expect(attrs).toEqual(
      expect.arrayContaining(['secure', 'httponly', 'path=/', 'samesite=strict']),
    );
    expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    // The right-most address that is not a trusted proxy is the client.
    expect(sessionAddress(f, cookie)).toBe('203.0.113.9');
    // The cookie is read under the same name, over the same (forwarded) https.
    const me = await request(f.app)
      .get('/api/v1/session')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookie.split(';')[0] as string);
    expect(me.status).toBe(200);
    // The same cookie value under the plain name does not count over https.
    const plainName = `xendeck_session=${(cookie.split(';')[0] as string).split('=')[1]}`;
    const wrongName = await request(f.app)
      .get('/api/v1/session')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', plainName);
    expect(wrongName.status).toBe(401);
  });

  it('ignores X-Forwarded-For and -Proto from any other peer', async () => {
    f = await makeFixture({ config: { trustedProxies: ['10.0.0.0/8'] } });
    const res = await request(f.app)
      .post('/api/v1/session')
      .set('X-Forwarded-For', '198.51.100.7')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie']?.[0])).toMatch(/^xendeck_session=/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(sessionAddress(f, String(res.headers['set-cookie']?.[0]))).toBe('127.0.0.1');
  });
});
