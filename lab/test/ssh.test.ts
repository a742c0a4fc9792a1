import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envFileValue } from '../src/lab.js';
import { isPreAuthSshFailure, remoteCommand, shellQuote, sshArgs } from '../src/ssh.js';

/** What a real POSIX shell makes of the remote command: one line per argv word. */
function throughShell(argv: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${remoteCommand(argv)}`]);
  return out.toString().split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves safe words alone and quotes the rest', () => {
    expect(shellQuote('xl')).toBe('xl');
    expect(shellQuote('/etc/xen/xdtest-pv.cfg')).toBe('/etc/xen/xdtest-pv.cfg');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('survives a real shell unchanged, metacharacters included', () => {
    const argv = [
      'echo',
      'a b',
      "it's",
      '$(reboot)',
      '`id`',
      '; rm -rf /',
      '*',
      '',
      'x\ny',
      '"q"',
      '\\',
    ];
    expect(throughShell(argv)).toEqual(argv);
  });
});

describe('sshArgs', () => {
  const base = { keyFile: '/c/img/id_ed25519', port: 2222, tty: false };

  it('uses the key, port, batch mode, no host-key checks, and one quoted command word', () => {
    const a = sshArgs(base, ['xl', 'create', '/etc/xen/my guest.cfg']);
    expect(a.slice(0, 4)).toEqual(['-i', '/c/img/id_ed25519', '-p', '2222']);
    for (const o of [
      'StrictHostKeyChecking=no',
      'UserKnownHostsFile=/dev/null',
      'LogLevel=ERROR',
      'BatchMode=yes',
    ]) {
      expect(a).toContain(o);
    }
    expect(a).toContain('-T');
    expect(a).not.toContain('-t');
    expect(a.slice(-3)).toEqual(['root@127.0.0.1', '--', "xl create '/etc/xen/my guest.cfg'"]);
  });

  it('asks for a TTY only when told', () => {
    expect(sshArgs({ ...base, tty: true }, ['sh'])).toContain('-t');
  });

  it('refuses an empty command', () => {
    expect(() => sshArgs(base, [])).toThrow(/no command/);
  });
});

describe('envFileValue', () => {
  it('double-quotes and escapes for systemd EnvironmentFile', () => {
    expect(envFileValue('abc')).toBe('"abc"');
    expect(envFileValue('a"b\\c d')).toBe('"a\\"b\\\\c d"');
    expect(() => envFileValue('a\nb')).toThrow(/newlines/);
  });
});

describe('isPreAuthSshFailure', () => {
  it('recognises failures before the remote command starts', () => {
    expect(isPreAuthSshFailure('root@127.0.0.1: Permission denied (publickey,password).\n')).toBe(
      true,
    );
    expect(
      isPreAuthSshFailure('kex_exchange_identification: read: Connection reset by peer\n'),
    ).toBe(true);
    expect(isPreAuthSshFailure('Connection closed by 127.0.0.1 port 2222\n')).toBe(true);
    expect(
      isPreAuthSshFailure('ssh: connect to host 127.0.0.1 port 2222: Connection refused\n'),
    ).toBe(true);
  });
  it('does not retry a session that was running', () => {
    expect(isPreAuthSshFailure('Connection to 127.0.0.1 closed by remote host.\n')).toBe(false);
    expect(isPreAuthSshFailure('cat: /nope: No such file or directory\n')).toBe(false);
    expect(isPreAuthSshFailure('')).toBe(false);
  });
});
