import { describe, expect, it } from 'vitest';
import { commandLine, xlCommand, xlTwin } from '../src/commands.js';

describe('xl twins', () => {
  it('spells each action as xl reads it', () => {
    expect(
      xlCommand({ action: 'save', name: 'web1', file: '/var/lib/xen/save/web1', checkpoint: true }),
    ).toBe('xl save -c web1 /var/lib/xen/save/web1');
    expect(xlTwin({ action: 'save', name: 'web1', file: '/s/web1', checkpoint: false })).toEqual([
      'xl',
      'save',
      'web1',
      '/s/web1',
    ]);
    expect(xlCommand({ action: 'mem-set', name: 'web1', targetMiB: 512 })).toBe(
      'xl mem-set web1 512m',
    );
    expect(xlCommand({ action: 'vcpu-pin', name: 'a', vcpu: 'all', hard: '0-1' })).toBe(
      'xl vcpu-pin a all 0-1',
    );
    expect(xlCommand({ action: 'sched-credit2', name: 'a', weight: 512 })).toBe(
      'xl sched-credit2 -d a -w 512',
    );
    expect(xlCommand({ action: 'sched-credit2', name: 'a', weight: 256, cap: 50 })).toBe(
      'xl sched-credit2 -d a -w 256 -c 50',
    );
    expect(
      xlCommand({
        action: 'network-attach',
        name: 'a',
        spec: ['bridge=xenbr0', 'mac=00:16:3e:01:02:03'],
      }),
    ).toBe('xl network-attach a bridge=xenbr0 mac=00:16:3e:01:02:03');
  });

  it('adds -i to vcpu-set beyond the host pCPUs, as xl needs', () => {
    expect(xlCommand({ action: 'vcpu-set', name: 'a', vcpus: 2, hostCpus: 2 })).toBe(
      'xl vcpu-set a 2',
    );
    expect(xlCommand({ action: 'vcpu-set', name: 'a', vcpus: 4, hostCpus: 2 })).toBe(
      'xl vcpu-set -i a 4',
    );
  });

  it('quotes words a shell would split', () => {
    expect(commandLine(['xl', 'create', "/etc/xen/it's here.cfg"])).toBe(
      `xl create '/etc/xen/it'\\''s here.cfg'`,
    );
  });
});
