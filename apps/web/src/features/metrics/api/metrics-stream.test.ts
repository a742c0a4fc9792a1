import { encodeMetricsFrames, type MetricsSampleMessage } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket as FakeSocket } from '@/test/fake-websocket';
import { metricsDomain, metricsSample } from '@/test/fixtures';
import { MetricsStore } from '../lib/metrics-store';
import { ALL_FIELDS, MetricsViews } from '../lib/metrics-view';
import {
  fullSnapshotRequested,
  MetricsStream,
  metricsUrl,
  NARROW_DELAY_MS,
} from './metrics-stream';

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(v: DocumentVisibilityState) {
  visibility = v;
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  FakeSocket.all = [];
  visibility = 'visible';
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const T0 = 1_700_000_000_000;
const URL = 'ws://dom0:8080/api/v1/metrics';
const HOST_ONLY_SUBSCRIBE = { type: 'subscribe', domains: [], fields: ['state'] };

describe('metricsUrl', () => {
  it('uses ws: or wss: to match the page', () => {
    expect(metricsUrl({ protocol: 'http:', host: 'dom0:8080' })).toBe(URL);
    expect(metricsUrl({ protocol: 'https:', host: 'xen.example' })).toBe(
      'wss://xen.example/api/v1/metrics',
    );
  });
});

describe('MetricsStream', () => {
  it('subscribes to the host only when no view asks for more, and stores legacy samples', () => {
    const store = new MetricsStore();
    const stream = new MetricsStream({ store, url: URL });
    stream.start();
    expect(store.getStatus()).toBe('connecting');
    const ws = FakeSocket.all[0];
    if (!ws) throw new Error('no socket');
    expect(ws.url).toBe(URL);
    ws.open();
    expect(ws.sentJson()).toEqual([HOST_ONLY_SUBSCRIBE]);
    expect(store.getStatus()).toBe('live');

    ws.receive(metricsSample(T0, [metricsDomain({ domid: 1, name: 'web1', cpuPercent: 73.4 })]));
    expect(store.getLatest()?.domains[0]?.cpuPercent).toBe(73.4);

    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    ws.receive('not json');
    ws.receive({ type: 'sample', t: T0 + 1000 }); // breaks the contract
    ws.receive({ type: 'error', code: 'INVALID_SUBSCRIBE', message: 'bad name' });
    expect(error).toHaveBeenCalledTimes(3);
    expect(store.getLatest()?.t).toBe(T0);
    stream.stop();
  });

  it('closes the socket while the tab is hidden and reconnects when it is visible again', () => {
    const store = new MetricsStore();
    const stream = new MetricsStream({ store, url: URL });
    stream.start();
    const first = FakeSocket.all[0];
    first?.open();
    first?.receive(metricsSample(T0, [metricsDomain({ domid: 1, name: 'web1' })]));

    setVisibility('hidden');
    expect(first?.closed).toBe(true);
    expect(store.getStatus()).toBe('paused');
    // Closing on purpose is not a drop: no reconnect timer runs while hidden.
    first?.drop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    // The buffer is kept while paused.
    expect(store.getDomainSeries('web1')).toHaveLength(1);

    setVisibility('visible');
    expect(FakeSocket.all).toHaveLength(2);
    expect(store.getStatus()).toBe('connecting');
    FakeSocket.all[1]?.open();
    expect(store.getStatus()).toBe('live');
    expect(FakeSocket.all[1]?.sentJson()).toEqual([HOST_ONLY_SUBSCRIBE]);
    stream.stop();
  });

  it('starts paused in a hidden tab', () => {
    visibility = 'hidden';
    const store = new MetricsStore();
    const stream = new MetricsStream({ store, url: URL });
    stream.start();
    expect(FakeSocket.all).toHaveLength(0);
    expect(store.getStatus()).toBe('paused');
    setVisibility('visible');
    expect(FakeSocket.all).toHaveLength(1);
    stream.stop();
  });

  it('reconnects after a drop with backoff, re-checking the session each time', () => {
    const store = new MetricsStore();
    const onDrop = vi.fn();
    const stream = new MetricsStream({ store, url: URL, onDrop });
    stream.start();
    FakeSocket.all[0]?.open();
    FakeSocket.all[0]?.drop();
    expect(store.getStatus()).toBe('reconnecting');
    expect(onDrop).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(700);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(600); // ≥ 1.2 s: the first retry (1 s ± 20 %)
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]?.drop(); // never opened: the next wait doubles
    vi.advanceTimersByTime(1300);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1200);
    expect(FakeSocket.all).toHaveLength(3);
    expect(onDrop).toHaveBeenCalledTimes(2);
    stream.stop();
  });

  it('stop closes the socket, stops listening and forgets the samples', () => {
    const store = new MetricsStore();
    const stream = new MetricsStream({ store, url: URL });
    stream.start();
    const ws = FakeSocket.all[0];
    ws?.open();
    ws?.receive(metricsSample(T0, [metricsDomain({ domid: 1, name: 'web1' })]));
    stream.stop();
    expect(ws?.closed).toBe(true);
    expect(store.getLatest()).toBeNull();
    expect(store.getStatus()).toBe('idle');
    setVisibility('hidden');
    setVisibility('visible');
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('MetricsStream subscribed by view', () => {
  it('re-sends the merged subscription when the views change, once per task, never twice alike', async () => {
    const views = new MetricsViews();
    const stream = new MetricsStream({ store: new MetricsStore(), url: URL, views });
    stream.start();
    const ws = FakeSocket.all[0];
    if (!ws) throw new Error('no socket');
    const removeTable = views.add({ domains: '*', fields: ['state', 'cpuPercent'] });
    ws.open();
    expect(ws.sentJson()).toEqual([
      { type: 'subscribe', domains: '*', fields: ['state', 'cpuPercent'] },
    ]);
    // A page change: the table goes, a domain page comes, in the same task: one message.
    removeTable();
    const removeDomain = views.add({ domains: ['web1'], fields: ALL_FIELDS });
    await Promise.resolve();
    expect(ws.sentJson()).toHaveLength(2);
    expect(ws.sentJson()[1]).toEqual({ type: 'subscribe', domains: ['web1'], fields: ALL_FIELDS });
    // The same need registered again sends nothing new.
    const again = views.add({ domains: ['web1'], fields: ['cpuPercent'] });
    await Promise.resolve();
    expect(ws.sentJson()).toHaveLength(2);
    again();
    removeDomain();
    await Promise.resolve();
    // Narrowing waits a moment (a lazily loaded page may be about to register its view)…
    expect(ws.sentJson()).toHaveLength(2);
    vi.advanceTimersByTime(NARROW_DELAY_MS);
    expect(ws.sentJson()[2]).toEqual(HOST_ONLY_SUBSCRIBE);
    // …and a view that comes within it leaves nothing to narrow.
    const removeTop = views.add({ domains: '*', fields: ALL_FIELDS });
    await Promise.resolve();
    removeTop();
    const addedBack = views.add({ domains: '*', fields: ALL_FIELDS });
    await Promise.resolve();
    vi.advanceTimersByTime(NARROW_DELAY_MS);
    expect(ws.sentJson()).toHaveLength(4);
    expect(ws.sentJson()[3]).toEqual({ type: 'subscribe', domains: '*', fields: ALL_FIELDS });
    addedBack();
    stream.stop();
  });

  it('decodes frames into the store and resubscribes once when a delta does not apply', () => {
    const views = new MetricsViews();
    views.add({ domains: '*', fields: ['state', 'cpuPercent'] });
    const store = new MetricsStore();
    const stream = new MetricsStream({ store, url: URL, views });
    stream.start();
    const ws = FakeSocket.all[0];
    if (!ws) throw new Error('no socket');
    ws.open();
    const fields = ['state', 'cpuPercent'] as const;
    // The fixture builds every field: a full sample as the server's encoder takes it.
    const s1 = <MetricsSampleMessage>(
      metricsSample(T0, [
        metricsDomain({ domid: 1, name: 'web1', cpuPercent: 10 }),
        metricsDomain({ domid: 2, name: 'web2', cpuPercent: 20 }),
      ])
    );
    const s2 = <MetricsSampleMessage>(
      metricsSample(T0 + 1000, [
        metricsDomain({ domid: 1, name: 'web1', cpuPercent: 10 }),
        metricsDomain({ domid: 2, name: 'web2', cpuPercent: 55.55 }),
      ])
    );
    ws.receive(encodeMetricsFrames(undefined, s1, fields, 1).key);
    const first = store.getDomainLatest('web1');
    expect(first).toEqual({ domid: 1, name: 'web1', state: 'running', cpuPercent: 10 });
    ws.receive(encodeMetricsFrames(s1, s2, fields, 2).delta);
    expect(store.getDomainLatest('web2')?.cpuPercent).toBe(55.6);
    // An unchanged domain keeps its object: its row need not re-render.
    expect(store.getDomainLatest('web1')).toBe(first);
    // Fields not subscribed are null points, not zeros.
    expect(store.getDomainSeries('web2').at(-1)).toMatchObject({
      cpuPercent: 55.6,
      memoryBytes: null,
    });
    const before = ws.sentJson().length;
    // seq 4 after 2: a frame was lost; the stream asks again, once until a keyframe comes.
    ws.receive(encodeMetricsFrames(s1, s2, fields, 4).delta);
    ws.receive(encodeMetricsFrames(s1, s2, fields, 5).delta);
    expect(ws.sentJson()).toHaveLength(before + 1);
    expect(ws.sentJson().at(-1)).toEqual({
      type: 'subscribe',
      domains: '*',
      fields: ['state', 'cpuPercent'],
    });
    expect(store.getLatest()?.t).toBe(T0 + 1000);
    stream.stop();
  });

  it('subscribes the old way (full samples) when asked for the benchmark baseline', () => {
    expect(fullSnapshotRequested('?metrics=full')).toBe(true);
    expect(fullSnapshotRequested('?rows=all')).toBe(false);
    const views = new MetricsViews();
    views.add({ domains: '*', fields: ['state'] });
    const stream = new MetricsStream({
      store: new MetricsStore(),
      url: URL,
      views,
      fullSnapshot: true,
    });
    stream.start();
    FakeSocket.all[0]?.open();
    expect(FakeSocket.all[0]?.sentJson()).toEqual([{ type: 'subscribe', domains: '*' }]);
    stream.stop();
  });
});
