import { describe, expect, it } from 'vitest';
import { ConfigError, defaultWebDir, loadConfig } from '../src/config.js';

const noXen = { xenPresent: () => false };
const xen = { xenPresent: () => true };

describe('loadConfig', () => {
  it('uses the documented defaults on a dom0', () => {
    const c = loadConfig({}, xen);
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      stateDir: '/var/lib/xendeck',
      configDir: '/etc/xen',
      simulatedConfigDir: false,
      backend: 'libxl',
      adminPassword: undefined,
      dom0MinMiB: 512,
      logLevel: 'info',
      cookieSecure: 'auto',
      reconcileMs: 2000,
    });
    expect(c.webDir).toBe(defaultWebDir());
    expect(c.webDir).toMatch(/apps\/web\/dist\/?$/);
  });

  it('refuses to start with the auto backend where there is no Xen, pointing at the lab and the simulated host', () => {
    expect(() => loadConfig({}, noXen)).toThrow(ConfigError);
    expect(() => loadConfig({}, noXen)).toThrow(/pnpm lab start[\s\S]*XENDECK_BACKEND=simulated/);
  });

  it('gives the simulated backend its own seeded config dir unless XENDECK_CONFIG_DIR is set', () => {
    const sim = loadConfig({ XENDECK_BACKEND: 'simulated', XENDECK_STATE_DIR: '/tmp/xd' }, noXen);
    expect(sim).toMatchObject({
      backend: 'simulated',
      configDir: '/tmp/xd/sim-etc-xen',
      simulatedConfigDir: true,
    });
    const explicit = loadConfig(
      { XENDECK_BACKEND: 'simulated', XENDECK_CONFIG_DIR: '/srv/xen' },
      noXen,
    );
    expect(explicit).toMatchObject({ configDir: '/srv/xen', simulatedConfigDir: false });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ XENDECK_PORT: '', XENDECK_BACKEND: '' }, xen).port).toBe(8080);
  });

  it.each([
    ['XENDECK_PORT', 'eighty'],
    ['XENDECK_PORT', '70000'],
    ['XENDECK_BACKEND', 'xapi'],
    ['XENDECK_STATE_DIR', 'relative/dir'],
    ['XENDECK_CONFIG_DIR', 'etc/xen'],
    ['XENDECK_DOM0_MIN_MIB', '64'],
    ['XENDECK_LOG_LEVEL', 'loud'],
    ['XENDECK_COOKIE_SECURE', 'yes'],
    ['XENDECK_RECONCILE_MS', '5'],
    ['XENDECK_WEB_DIR', './dist'],
  ])('fails with a message naming %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value }, xen)).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, xen)).toThrow(`${name}="${value}"`);
  });

  it('does not echo a bad admin password', () => {
    let message = '';
    try {
      loadConfig({ XENDECK_ADMIN_PASSWORD: 'short' }, xen);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('XENDECK_ADMIN_PASSWORD=(hidden)');
    expect(message).not.toContain('short"');
  });
});
