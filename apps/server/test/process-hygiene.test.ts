/**
 * Secrets leave the environment once the config is read: a child that inherits the process
 * environment (as libxl's hotplug scripts, the device model and xl's monitor do) no longer sees
 * them; a program the server spawns itself gets `childEnv()` only.
 */
import { execFileSync } from 'node:child_process';
import { childEnv } from '@xendeck/api';
import { afterEach, describe, expect, it } from 'vitest';
import { removeSecretsFromEnv } from '../src/process-hygiene.js';

const SECRETS = {
  XENDECK_ADMIN_PASSWORD: 'rb-admin-secret-1',
  XENDECK_METRICS_TOKEN: 'rb-metrics-secret-2',
  SOME_API_TOKEN: 'rb-other-secret-3',
};

afterEach(() => {
  for (const k of Object.keys(SECRETS)) delete process.env[k];
});

describe('removeSecretsFromEnv', () => {
  it('unsets every secret variable, so an inheriting child does not see it', () => {
    Object.assign(process.env, SECRETS, { RB_PLAIN: 'kept' });
    // Before: a child that inherits the environment (no env option) sees the secret.
    expect(execFileSync('/bin/sh', ['-c', 'env'], { encoding: 'utf8' })).toContain(
      'rb-admin-secret-1',
    );
    const removed = removeSecretsFromEnv(process.env);
    expect(removed.sort()).toEqual(Object.keys(SECRETS).sort());
    const seen = execFileSync('/bin/sh', ['-c', 'env'], { encoding: 'utf8' });
    expect(seen).not.toMatch(/rb-\w+-secret/);
    expect(seen).toContain('RB_PLAIN=kept');
    delete process.env.RB_PLAIN;
  });

  it("a program spawned with childEnv() sees only PATH and the locale, not the server's variables", () => {
    Object.assign(process.env, SECRETS);
    const seen = execFileSync('/bin/sh', ['-c', 'env'], { encoding: 'utf8', env: childEnv() });
    expect(seen).not.toMatch(/rb-\w+-secret/);
    expect(seen).toMatch(/^PATH=\/usr\/local\/sbin:/m);
  });
});
