// DomainEventHub: the diff's events, stamped with the firing time of the xenstore watch that led
// to the re-list (libxl backend), or left unstamped (simulated host, refresh without a watch).
import { describe, expect, it } from 'vitest';
import { DomainEventHub } from '../src/domain-events.js';
import type { DomainEvent, DomainInfo } from '../src/types.js';

function domain(domid: number, name: string, state: DomainInfo['state'] = 'running'): DomainInfo {
  return {
    domid,
    name,
    uuid: `00000000-0000-0000-0000-${String(domid).padStart(12, '0')}`,
    type: 'pv',
    state,
    memoryKiB: 131072,
    maxMemoryKiB: 131072,
    vcpus: 1,
    maxVcpus: 1,
    cpuTimeNs: 0,
  };
}

describe('DomainEventHub.update and watchFiredAt', () => {
  it('stamps every event of a re-list caused by a watch with the watch firing time', () => {
    const hub = new DomainEventHub();
    hub.update([domain(0, 'Domain-0'), domain(3, 'old'), domain(4, 'web')]);
    const seen: DomainEvent[] = [];
    hub.subscribe((e) => seen.push(e));
    const firedAt = 1_796_081_292_402.25;
    const emitted = hub.update(
      [domain(0, 'Domain-0'), domain(4, 'web', 'paused'), domain(5, 'lat-bench', 'paused')],
      firedAt,
    );
    expect(emitted.map((e) => e.kind)).toEqual(['removed', 'added', 'changed']);
    expect(seen).toEqual(emitted);
    for (const e of seen) expect(e.watchFiredAt).toBe(firedAt);
    expect(seen[0]).toEqual({ kind: 'removed', domid: 3, name: 'old', watchFiredAt: firedAt });
  });

  it('leaves watchFiredAt out when the re-list had no watch behind it', () => {
    const hub = new DomainEventHub();
    hub.update([domain(0, 'Domain-0')]);
    const emitted = hub.update([domain(0, 'Domain-0'), domain(7, 'guest')]);
    expect(emitted).toHaveLength(1);
    expect('watchFiredAt' in (emitted[0] ?? {})).toBe(false);
  });
});
