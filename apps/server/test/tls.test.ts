/**
 * TLS configuration: the variables (XENDECK_TLS_CERT/KEY, XENDECK_HTTP, trusted proxies, allowed
 * hosts) and the generated certificate's names. HTTPS end to end through the real entry point is
 * in main.test.ts.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { generateSelfSigned, hostsFileNames, machineNames } from '../src/http/tls.js';

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

  it('finds the FQDN of the hostname in /etc/hosts', () => {
    const hosts =
      '127.0.0.1\tlocalhost\n127.0.1.1 Dom0.Example.net dom0 # Debian\n::1 ip6-localhost\n';
    expect(hostsFileNames(hosts, 'dom0')).toEqual(['dom0.example.net', 'dom0']);
    expect(hostsFileNames(hosts, 'other')).toEqual([]);
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
