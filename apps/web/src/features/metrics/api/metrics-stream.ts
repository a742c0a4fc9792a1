import { useQueryClient } from '@tanstack/react-query';
import { MetricsFrameDecoder } from '@xendeck/api';
import { useEffect, useSyncExternalStore } from 'react';
import {
  LiveSocket,
  type LiveSocketStatus,
  liveSocketUrl,
  recheckSession,
} from '@/lib/live-socket';
import { type MetricsMessage, type MetricsSample, metricsMessageSchema } from '../lib/contract';
import { type LivePoint, type MetricsStatus, MetricsStore } from '../lib/metrics-store';
import { type MetricsViewRequest, MetricsViews } from '../lib/metrics-view';

/** `ws(s)://<this host>/api/v1/metrics`, same origin as the page (the session cookie goes along). */
export function metricsUrl(
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  return liveSocketUrl('/metrics', location);
}

export interface MetricsStreamOptions {
  store: MetricsStore;
  url: string;
  /** Called after each unexpected drop (the app re-checks the session: a refused upgrade is a 401). */
  onDrop?: () => void;
  /** The document whose visibility pauses the stream (default: `document`). */
  doc?: Document;
  /** The page's view requests: what to subscribe to (default: none, i.e. the host only). */
  views?: MetricsViews;
  /**
   * Subscribe the old way, `{ type: 'subscribe', domains: '*' }` without fields: a full `sample`
   * of every domain every second, whatever the page shows. The baseline of the table benchmark
   * (`?metrics=full` in the page URL, see {@link fullSnapshotRequested}).
   */
  fullSnapshot?: boolean;
}

/** How long a subscription waits before narrowing after a view went away, ms. */
export const NARROW_DELAY_MS = 500;

/** True when the page URL asks for the old full-snapshot subscription (`?metrics=full`). */
export function fullSnapshotRequested(search: string = window.location.search): boolean {
  return new URLSearchParams(search).get('metrics') === 'full';
}

const storeStatus: Record<LiveSocketStatus, MetricsStatus> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  paused: 'paused',
  closed: 'reconnecting',
};

/**
 * The one connection to `WS /api/v1/metrics`, on the app's {@link LiveSocket}, subscribed by
 * view: on open, and again whenever the page's view requests change (coalesced to one message
 * per task, and only when it differs from the last sent), it sends the merged `subscribe`
 * message of {@link MetricsViews} (`domains` and `fields`); the server then sends a keyframe and
 * deltas (`frame`), which {@link MetricsFrameDecoder} turns back into samples for the store. A
 * frame the decoder cannot apply (`'resubscribe'`: a lost or out-of-order delta) makes it re-send
 * the subscription once, and the server answers with a keyframe. A legacy `sample` message
 * (a server without frames, or `fullSnapshot`) goes into the store as it is; an `error` message
 * is logged. While `document.visibilityState` is `hidden` the socket is closed (status
 * `paused`: nothing is sent to a tab nobody looks at) and it reconnects as soon as the tab is
 * visible again; unexpected drops reconnect with the live socket's backoff (1 s doubling to
 * 30 s, jittered). Messages that are not JSON or break the contract are reported on the console
 * and skipped.
 */
export class MetricsStream {
  private readonly socket: LiveSocket<MetricsMessage>;
  private readonly decoder = new MetricsFrameDecoder();
  private readonly views: MetricsViews;
  private running = false;
  /** The subscribe message last sent on the open socket (JSON), to skip repeats. */
  private sent: string | undefined;
  /** A resubscribe was sent after a frame that did not apply; waiting for its keyframe. */
  private awaitingKey = false;
  private pending = false;
  private narrowTimer: ReturnType<typeof setTimeout> | undefined;
  private unwatchViews: (() => void) | undefined;

  constructor(private readonly options: MetricsStreamOptions) {
    const { store } = options;
    this.views = options.views ?? new MetricsViews();
    this.socket = new LiveSocket<MetricsMessage>({
      url: () => options.url,
      label: 'metrics',
      schema: metricsMessageSchema,
      pauseWhenHidden: options.doc ?? document,
      onOpen: () => {
        this.sent = undefined;
        this.awaitingKey = false;
        this.decoder.reset();
        this.sendSubscription();
      },
      onMessage: (message) => {
        if (message.type === 'error') {
          console.error(`xendeck: metrics stream: ${message.code}: ${message.message}`);
          return;
        }
        if (message.type === 'sample') {
          store.ingest(message);
          return;
        }
        const view = this.decoder.apply(message);
        if (view === 'resubscribe') {
          if (!this.awaitingKey) {
            this.awaitingKey = true;
            this.sendSubscription(true);
          }
          return;
        }
        this.awaitingKey = false;
        store.ingest(view);
      },
      onStatus: (status) => {
        // `closed` after stop() is written as `idle` by stop itself.
        if (this.running) store.setStatus(storeStatus[status]);
      },
      ...(options.onDrop ? { onDrop: options.onDrop } : {}),
    });
  }

  /** The subscribe message this stream sends now (JSON-ready). */
  subscription(): object {
    return this.options.fullSnapshot ? { type: 'subscribe', domains: '*' } : this.views.message();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unwatchViews = this.views.subscribe((added) => this.scheduleSubscription(added));
    this.socket.start();
  }

  /** Closes the socket, stops reconnecting, forgets the buffered samples. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.unwatchViews?.();
    this.unwatchViews = undefined;
    clearTimeout(this.narrowTimer);
    this.socket.stop();
    this.options.store.setStatus('idle');
    this.options.store.clear();
  }

  /**
   * One send per task however many views changed in it (a page change removes and adds). A
   * removal alone waits {@link NARROW_DELAY_MS} first: a page whose view is loaded lazily mounts
   * it a moment after the previous page's went, and the subscription need not narrow to the
   * host and widen again (two keyframes) in between.
   */
  private scheduleSubscription(added: boolean): void {
    if (!added) {
      clearTimeout(this.narrowTimer);
      this.narrowTimer = setTimeout(() => {
        if (this.running) this.sendSubscription();
      }, NARROW_DELAY_MS);
      return;
    }
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (this.running) this.sendSubscription();
    });
  }

  /** Sends the subscription when it differs from the last sent (or `force`). */
  private sendSubscription(force = false): void {
    const json = JSON.stringify(this.subscription());
    if (!force && json === this.sent) return;
    if (this.socket.send(json)) this.sent = json;
  }
}

/** The app's metrics buffer; one for the whole page. */
export const metricsStore = new MetricsStore();

/** The page's metrics view requests; one for the whole page (see `../lib/metrics-view.ts`). */
export const metricsViews = new MetricsViews();

/**
 * Declares, while mounted, that this component shows `request` (domains and fields) of the live
 * metrics: the app's one socket subscribes to what the mounted components need together.
 */
export function useMetricsView(
  request: MetricsViewRequest,
  views: MetricsViews = metricsViews,
): void {
  const key = JSON.stringify(request);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the request's identity
  useEffect(() => views.add(request), [key, views]);
}

/**
 * Runs the app's {@link MetricsStream} while mounted (the logged-in frame mounts it once),
 * subscribed to what the page's components declare with {@link useMetricsView}. A drop
 * re-checks the session, as the events stream does.
 */
export function useMetricsStream(
  store: MetricsStore = metricsStore,
  views: MetricsViews = metricsViews,
): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stream = new MetricsStream({
      store,
      url: metricsUrl(),
      onDrop: recheckSession(queryClient),
      views,
      fullSnapshot: fullSnapshotRequested(),
    });
    stream.start();
    return () => stream.stop();
  }, [queryClient, store, views]);
}

/** The latest sample, or null before the first one (re-renders every tick). */
export function useLatestSample(store: MetricsStore = metricsStore): MetricsSample | null {
  return useSyncExternalStore(store.subscribe, store.getLatest, store.getLatest);
}

/** The last 10 minutes of the domain called `name` (re-renders when its series changes). */
export function useDomainSeries(
  name: string,
  store: MetricsStore = metricsStore,
): readonly LivePoint[] {
  const get = () => store.getDomainSeries(name);
  return useSyncExternalStore(store.subscribe, get, get);
}

/** The last 10 minutes of the host: CPU % and used/total memory. */
export function useHostSeries(store: MetricsStore = metricsStore): readonly LivePoint[] {
  return useSyncExternalStore(store.subscribe, store.getHostSeries, store.getHostSeries);
}

/** State of the metrics websocket (`paused` while the tab is hidden). */
export function useMetricsStatus(store: MetricsStore = metricsStore): MetricsStatus {
  return useSyncExternalStore(store.subscribe, store.getStatus, store.getStatus);
}
