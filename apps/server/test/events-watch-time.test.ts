// The events websocket's `watchFiredAt`: passed from the backend's DomainEvent to the message,
// valid against @xendeck/api's schema, absent when the backend has none.
import { eventMessageSchema } from '@xendeck/api';
import type { DomainInfo } from '@xendeck/hypervisor';
import { describe, expect, it } from 'vitest';
import { toEventMessage } from '../src/ws/events.js';

const info: DomainInfo = {
  domid: 5,
  name: 'lat-bench',
  uuid: '0f2c6a8e-1d3b-4c5a-9e7f-8a6b5c4d3e2f',
  type: 'pv',
  state: 'paused',
  memoryKiB: 32768,
  maxMemoryKiB: 32768,
  vcpus: 1,
  maxVcpus: 1,
  cpuTimeNs: 0,
};

describe('toEventMessage and watchFiredAt', () => {
  it('carries the watch firing time on added, removed and changed', () => {
    const at = 1_796_081_292_402.5;
    const msgs = [
      toEventMessage({ kind: 'added', domain: info, watchFiredAt: at }),
      toEventMessage({ kind: 'removed', domid: 5, name: 'lat-bench', watchFiredAt: at }),
      toEventMessage({ kind: 'changed', domain: info, previousState: 'running', watchFiredAt: at }),
    ];
    for (const m of msgs) {
      const parsed = eventMessageSchema.parse(JSON.parse(JSON.stringify(m)));
      expect(parsed).toMatchObject({ watchFiredAt: at });
    }
    expect(msgs.map((m) => m.type)).toEqual(['domain.added', 'domain.removed', 'domain.changed']);
  });

  it('has no watchFiredAt key when the event has none (simulated host, own operations)', () => {
    const m = toEventMessage({ kind: 'removed', domid: 5, name: 'lat-bench' });
    expect(JSON.parse(JSON.stringify(m))).toEqual({
      type: 'domain.removed',
      domid: 5,
      name: 'lat-bench',
    });
  });

  it('the schema refuses a negative or non-numeric watchFiredAt', () => {
    const base = { type: 'domain.removed', domid: 5, name: 'x' };
    expect(eventMessageSchema.safeParse({ ...base, watchFiredAt: -1 }).success).toBe(false);
    expect(eventMessageSchema.safeParse({ ...base, watchFiredAt: 'soon' }).success).toBe(false);
  });
});
