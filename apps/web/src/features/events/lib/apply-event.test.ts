import { QueryClient } from '@tanstack/react-query';
import type { ConsoleStatus, Domain } from '@xendeck/api';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { consoleStatus, dom0, domain } from '@/test/fixtures';
import { applyEvent, applyEventToDomains } from './apply-event';

const web1 = domain({ domid: 3, name: 'web1', state: 'running' });
const db1 = domain({ domid: 5, name: 'db1', state: 'blocked' });

describe('applyEventToDomains', () => {
  it('snapshot replaces whatever was there, sorted by domid', () => {
    const stale = [domain({ domid: 9, name: 'gone' })];
    const next = applyEventToDomains(stale, { type: 'snapshot', domains: [db1, dom0, web1] });
    expect(next?.map((d) => d.name)).toEqual(['Domain-0', 'web1', 'db1']);
  });

  it('snapshot fills a list that was never loaded', () => {
    expect(applyEventToDomains(undefined, { type: 'snapshot', domains: [] })).toEqual([]);
  });

  it('snapshot does not mutate the message array', () => {
    const domains = [db1, dom0];
    applyEventToDomains(undefined, { type: 'snapshot', domains });
    expect(domains.map((d) => d.domid)).toEqual([5, 0]);
  });

  it('domain.added inserts in domid order', () => {
    const added = domain({ domid: 4, name: 'mail1' });
    const next = applyEventToDomains([dom0, web1, db1], { type: 'domain.added', domain: added });
    expect(next?.map((d) => d.domid)).toEqual([0, 3, 4, 5]);
    expect(next?.[2]).toBe(added);
  });

  it('domain.added for a domid already listed replaces it instead of duplicating', () => {
    const again = { ...web1, state: 'paused' as const };
    const next = applyEventToDomains([dom0, web1], { type: 'domain.added', domain: again });
    expect(next).toEqual([dom0, again]);
  });

  it('domain.changed patches only that domain and leaves the others as they were', () => {
    const paused = { ...web1, state: 'paused' as const, cpuTimeNs: 9e9 };
    const before = [dom0, web1, db1];
    const next = applyEventToDomains(before, {
      type: 'domain.changed',
      domain: paused,
      previousState: 'running',
    });
    expect(next).toEqual([dom0, paused, db1]);
    expect(next?.[0]).toBe(dom0);
    expect(next?.[2]).toBe(db1);
    // The list in the cache is never mutated in place.
    expect(before[1]).toBe(web1);
    expect(web1.state).toBe('running');
  });

  it('domain.changed for an unknown domid adds it (the list was behind)', () => {
    const next = applyEventToDomains([dom0], {
      type: 'domain.changed',
      domain: db1,
      previousState: 'running',
    });
    expect(next).toEqual([dom0, db1]);
  });

  it('domain.removed drops the domain with that domid', () => {
    const next = applyEventToDomains([dom0, web1, db1], {
      type: 'domain.removed',
      domid: 3,
      name: 'web1',
    });
    expect(next).toEqual([dom0, db1]);
  });

  it('domain.removed for an unknown domid returns the same list', () => {
    const list = [dom0, web1];
    expect(applyEventToDomains(list, { type: 'domain.removed', domid: 42, name: 'ghost' })).toBe(
      list,
    );
  });

  it('console.viewers leaves the list as it is (same array)', () => {
    const list = [dom0, web1];
    expect(
      applyEventToDomains(list, { type: 'console.viewers', name: 'web1', kind: 'vnc', viewers: 1 }),
    ).toBe(list);
  });

  it('patches leave a never-loaded list undefined', () => {
    expect(applyEventToDomains(undefined, { type: 'domain.added', domain: web1 })).toBeUndefined();
    expect(
      applyEventToDomains(undefined, {
        type: 'domain.changed',
        domain: web1,
        previousState: 'paused',
      }),
    ).toBeUndefined();
    expect(
      applyEventToDomains(undefined, { type: 'domain.removed', domid: 3, name: 'web1' }),
    ).toBeUndefined();
  });
});

describe('applyEvent (query cache)', () => {
  let client: QueryClient;
  let invalidated: unknown[][];

  beforeEach(() => {
    client = new QueryClient();
    invalidated = [];
    vi.spyOn(client, 'invalidateQueries').mockImplementation(async (filters) => {
      invalidated.push([...(filters?.queryKey ?? [])]);
    });
  });

  const list = () => client.getQueryData<Domain[]>(['domains', 'list']);

  it('snapshot sets [domains, list] and invalidates nothing', () => {
    applyEvent(client, { type: 'snapshot', domains: [web1, dom0] });
    expect(list()).toEqual([dom0, web1]);
    expect(invalidated).toEqual([]);
  });

  it('added and removed patch the list and invalidate [configs, list], [host] and its console status', () => {
    client.setQueryData(['domains', 'list'], [dom0]);
    applyEvent(client, { type: 'domain.added', domain: web1 });
    expect(list()).toEqual([dom0, web1]);
    expect(invalidated).toEqual([['configs', 'list'], ['host'], ['consoles', 'status', 'web1']]);

    invalidated.length = 0;
    applyEvent(client, { type: 'domain.removed', domid: 3, name: 'web1' });
    expect(list()).toEqual([dom0]);
    expect(invalidated).toEqual([['configs', 'list'], ['host'], ['consoles', 'status', 'web1']]);
  });

  it('console.viewers patches the viewer count of that console and leaves the domain list alone', () => {
    const domains = [dom0, web1];
    client.setQueryData(['domains', 'list'], domains);
    const status = consoleStatus({ domain: 'web1' });
    const other = consoleStatus({ domain: 'db1' });
    client.setQueryData(['consoles', 'status', 'web1'], status);
    client.setQueryData(['consoles', 'status', 'db1'], other);
    applyEvent(client, { type: 'console.viewers', name: 'web1', kind: 'vnc', viewers: 2 });
    applyEvent(client, { type: 'console.viewers', name: 'web1', kind: 'pv', viewers: 3 });
    const after = client.getQueryData<ConsoleStatus>(['consoles', 'status', 'web1']);
    expect(after?.vnc).toEqual({ ...status.vnc, viewers: 2 });
    expect(after?.pv).toEqual({ ...status.pv, viewers: 3 });
    expect(after?.serial).toBe(status.serial);
    expect(client.getQueryData(['consoles', 'status', 'db1'])).toBe(other);
    expect(list()).toBe(domains);
    expect(invalidated).toEqual([]);
  });

  it('console.viewers for a status never loaded stays unloaded', () => {
    applyEvent(client, { type: 'console.viewers', name: 'web9', kind: 'serial', viewers: 1 });
    expect(client.getQueryData(['consoles', 'status', 'web9'])).toBeUndefined();
  });

  it('a state-only change patches the list without invalidating anything', () => {
    client.setQueryData(['domains', 'list'], [dom0, web1]);
    applyEvent(client, {
      type: 'domain.changed',
      domain: { ...web1, state: 'paused' },
      previousState: 'running',
    });
    expect(list()?.[1]?.state).toBe('paused');
    expect(invalidated).toEqual([]);
  });

  it('a change of memory invalidates [host] (the memory split moved)', () => {
    client.setQueryData(['domains', 'list'], [dom0, web1]);
    applyEvent(client, {
      type: 'domain.changed',
      domain: { ...web1, memoryKiB: 262_144 },
      previousState: 'running',
    });
    expect(list()?.[1]?.memoryKiB).toBe(262_144);
    expect(invalidated).toEqual([['host']]);
  });
});
