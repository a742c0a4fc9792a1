import { describe, expect, it, vi } from 'vitest';
import { metricsDomain, metricsSample } from '@/test/fixtures';
import { MetricsStore } from './metrics-store';

const T0 = 1_700_000_000_000;

describe('MetricsStore', () => {
  it('keeps one series per domain name and one for the host, with the latest sample', () => {
    const store = new MetricsStore();
    store.ingest(
      metricsSample(T0, [
        metricsDomain({ domid: 1, name: 'web1', cpuPercent: null }),
        metricsDomain({ domid: 2, name: 'db1', cpuPercent: 40 }),
      ]),
    );
    store.ingest(
      metricsSample(T0 + 1000, [
        metricsDomain({ domid: 1, name: 'web1', cpuPercent: 7.5 }),
        metricsDomain({ domid: 2, name: 'db1', cpuPercent: 41 }),
      ]),
    );
    expect(store.getDomainSeries('web1').map((p) => p.cpuPercent)).toEqual([null, 7.5]);
    expect(store.getDomainSeries('db1').map((p) => p.cpuPercent)).toEqual([40, 41]);
    expect(store.getDomainSeries('nope')).toHaveLength(0);
    expect(store.getLatest()?.t).toBe(T0 + 1000);
    // Host: used = total − free, max = total.
    const host = store.getHostSeries();
    expect(host).toHaveLength(2);
    expect(host[1]).toMatchObject({
      cpuPercent: 12.5,
      memoryBytes: 4 * 1024 ** 3,
      maxMemoryBytes: 8 * 1024 ** 3,
    });
  });

  it('caps every series at maxPoints and trims points older than the window', () => {
    const store = new MetricsStore({ windowMs: 60_000, maxPoints: 50 });
    for (let i = 0; i < 200; i += 1) {
      store.ingest(
        metricsSample(T0 + i * 1000, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: i })]),
      );
    }
    const s = store.getDomainSeries('web1');
    expect(s).toHaveLength(50);
    expect(s.at(-1)?.cpuPercent).toBe(199);
    expect(s[0]?.cpuPercent).toBe(150);
    expect(store.getHostSeries()).toHaveLength(50);

    const byTime = new MetricsStore({ windowMs: 10_000, maxPoints: 1000 });
    for (let i = 0; i < 30; i += 1) {
      byTime.ingest(metricsSample(T0 + i * 1000, [metricsDomain({ domid: 1, name: 'web1' })]));
    }
    const kept = byTime.getDomainSeries('web1');
    expect(kept[0]?.t).toBe(T0 + 19_000);
    expect(kept).toHaveLength(11);
  });

  it('continues a domain restarted under a new domid in the same series, by name', () => {
    const store = new MetricsStore();
    store.ingest(metricsSample(T0, [metricsDomain({ domid: 5, name: 'web1', cpuPercent: 30 })]));
    store.ingest(
      metricsSample(T0 + 1000, [metricsDomain({ domid: 5, name: 'web1', cpuPercent: 31 })]),
    );
    // Gone for one tick (destroyed), back as domid 9 with no rate on its first sample.
    store.ingest(metricsSample(T0 + 2000, []));
    expect(store.getDomainSeries('web1')).toHaveLength(2);
    store.ingest(
      metricsSample(T0 + 3000, [metricsDomain({ domid: 9, name: 'web1', cpuPercent: null })]),
    );
    store.ingest(
      metricsSample(T0 + 4000, [metricsDomain({ domid: 9, name: 'web1', cpuPercent: 2 })]),
    );
    expect(store.getDomainSeries('web1').map((p) => p.cpuPercent)).toEqual([30, 31, null, 2]);
  });

  it('inserts a gap marker after a pause, so charts break the line', () => {
    const store = new MetricsStore();
    store.ingest(metricsSample(T0, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: 10 })]));
    store.ingest(
      metricsSample(T0 + 60_000, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: 20 })]),
    );
    const s = store.getDomainSeries('web1');
    expect(s.map((p) => [p.t - T0, p.cpuPercent, p.memoryBytes])).toEqual([
      [0, 10, 512 * 1024 * 1024],
      [1000, null, null],
      [60_000, 20, 512 * 1024 * 1024],
    ]);
    // A sample not newer than the last point is ignored.
    store.ingest(
      metricsSample(T0 + 60_000, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: 99 })]),
    );
    expect(store.getDomainSeries('web1')).toHaveLength(3);
  });

  it('forgets a vanished domain once its points leave the window', () => {
    const store = new MetricsStore({ windowMs: 5_000 });
    store.ingest(metricsSample(T0, [metricsDomain({ domid: 1, name: 'old' })]));
    store.ingest(metricsSample(T0 + 1000, []));
    expect(store.domainNames()).toEqual(['old']);
    store.ingest(metricsSample(T0 + 6000, []));
    expect(store.domainNames()).toEqual([]);
  });

  it('keeps getter results stable between changes and notifies subscribers', () => {
    const store = new MetricsStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.ingest(metricsSample(T0, [metricsDomain({ domid: 1, name: 'web1' })]));
    const a = store.getDomainSeries('web1');
    expect(store.getDomainSeries('web1')).toBe(a);
    expect(store.getDomainSeries('missing')).toBe(store.getDomainSeries('other'));
    store.ingest(metricsSample(T0 + 1000, [metricsDomain({ domid: 1, name: 'web1' })]));
    expect(store.getDomainSeries('web1')).not.toBe(a);
    expect(a).toHaveLength(1); // replaced, not mutated
    expect(listener).toHaveBeenCalledTimes(2);
    store.setStatus('live');
    store.setStatus('live');
    expect(listener).toHaveBeenCalledTimes(3);
    store.clear();
    expect(store.getLatest()).toBeNull();
    expect(store.getDomainSeries('web1')).toHaveLength(0);
    unsubscribe();
    store.setStatus('paused');
    expect(listener).toHaveBeenCalledTimes(4);
  });
});
