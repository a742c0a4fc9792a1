import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import {
  LiveSocket,
  type LiveSocketStatus,
  liveSocketUrl,
  recheckSession,
} from '@/lib/live-socket';
import { type MetricsMessage, type MetricsSample, metricsMessageSchema } from '../lib/contract';
import { type LivePoint, type MetricsStatus, MetricsStore } from '../lib/metrics-store';

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
}

const storeStatus: Record<LiveSocketStatus, MetricsStatus> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  paused: 'paused',
  closed: 'reconnecting',
};

/**
 * The one connection to `WS /api/v1/metrics`, on the app's {@link LiveSocket}.
 * {@link MetricsStream.start} connects and subscribes to every domain
 * (`{ type: 'subscribe', domains: '*' }`); each `sample` message is validated with the contract and
 * goes into the store (an `error` message is logged). While `document.visibilityState` is `hidden`
 * the socket is closed (status `paused`: no samples are sent to a tab nobody looks at) and it
 * reconnects as soon as the tab is visible again; unexpected drops reconnect with the live
 * socket's backoff (1 s doubling to 30 s, jittered). Messages that are not JSON or break the
 * contract are reported on the console and skipped.
 */
export class MetricsStream {
  private readonly socket: LiveSocket<MetricsMessage>;
  private running = false;

  constructor(private readonly options: MetricsStreamOptions) {
    const { store } = options;
    this.socket = new LiveSocket<MetricsMessage>({
      url: () => options.url,
      label: 'metrics',
      schema: metricsMessageSchema,
      pauseWhenHidden: options.doc ?? document,
      onOpen: (ws) => ws.send(JSON.stringify({ type: 'subscribe', domains: '*' })),
      onMessage: (message) => {
        if (message.type === 'error') {
          console.error(`xendeck: metrics stream: ${message.code}: ${message.message}`);
          return;
        }
        store.ingest(message);
      },
      onStatus: (status) => {
        // `closed` after stop() is written as `idle` by stop itself.
        if (this.running) store.setStatus(storeStatus[status]);
      },
      ...(options.onDrop ? { onDrop: options.onDrop } : {}),
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.socket.start();
  }

  /** Closes the socket, stops reconnecting, forgets the buffered samples. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.socket.stop();
    this.options.store.setStatus('idle');
    this.options.store.clear();
  }
}

/** The app's metrics buffer; one for the whole page. */
export const metricsStore = new MetricsStore();

/**
 * Runs the app's {@link MetricsStream} while mounted (the logged-in frame mounts it once).
 * A drop re-checks the session, as the events stream does.
 */
export function useMetricsStream(store: MetricsStore = metricsStore): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stream = new MetricsStream({
      store,
      url: metricsUrl(),
      onDrop: recheckSession(queryClient),
    });
    stream.start();
    return () => stream.stop();
  }, [queryClient, store]);
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
