import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { API_BASE } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';
import { reconnectDelayMs } from '@/lib/reconnect';
import { type MetricsSample, metricsMessageSchema } from '../lib/contract';
import { type LivePoint, type MetricsStatus, MetricsStore } from '../lib/metrics-store';

/** `ws(s)://<this host>/api/v1/metrics`, same origin as the page (the session cookie goes along). */
export function metricsUrl(
  location: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${API_BASE}/metrics`;
}

export interface MetricsStreamOptions {
  store: MetricsStore;
  url: string;
  /** Called after each unexpected drop (the app re-checks the session: a refused upgrade is a 401). */
  onDrop?: () => void;
  /** The document whose visibility pauses the stream (default: `document`). */
  doc?: Document;
}

/**
 * The one connection to `WS /api/v1/metrics`. {@link MetricsStream.start} connects and subscribes
 * to every domain (`{ type: 'subscribe', domains: '*' }`); each `sample` message is validated with
 * the contract and goes into the store (an `error` message is logged). While
 * `document.visibilityState` is `hidden` the socket is closed (status `paused`: no samples are
 * sent to a tab nobody looks at) and it reconnects as soon as the tab is visible again;
 * unexpected drops reconnect with the events stream's backoff (1 s doubling to 30 s, jittered).
 * Messages that are not JSON or break the contract are reported on the console and skipped.
 */
export class MetricsStream {
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private running = false;
  private readonly doc: Document;

  constructor(private readonly options: MetricsStreamOptions) {
    this.doc = options.doc ?? document;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.doc.addEventListener('visibilitychange', this.onVisibility);
    if (this.doc.visibilityState === 'hidden') this.options.store.setStatus('paused');
    else this.connect();
  }

  /** Closes the socket, stops reconnecting, forgets the buffered samples. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.doc.removeEventListener('visibilitychange', this.onVisibility);
    this.disconnect();
    this.options.store.setStatus('idle');
    this.options.store.clear();
  }

  private readonly onVisibility = () => {
    if (!this.running) return;
    if (this.doc.visibilityState === 'hidden') {
      this.disconnect();
      this.options.store.setStatus('paused');
    } else if (!this.socket) {
      this.attempt = 0;
      this.connect();
    }
  };

  private disconnect(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.socket;
    this.socket = undefined;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close();
    }
  }

  private connect(): void {
    const { store } = this.options;
    store.setStatus(this.attempt > 0 ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(this.options.url);
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      ws.send(JSON.stringify({ type: 'subscribe', domains: '*' }));
      store.setStatus('live');
    };
    ws.onmessage = (event) => {
      let json: unknown;
      try {
        json = JSON.parse(String(event.data));
      } catch {
        console.error('xendeck: metrics message is not JSON', event.data);
        return;
      }
      const parsed = metricsMessageSchema.safeParse(json);
      if (!parsed.success) {
        console.error('xendeck: metrics message does not match the contract', parsed.error, json);
        return;
      }
      if (parsed.data.type === 'error') {
        console.error(`xendeck: metrics stream: ${parsed.data.code}: ${parsed.data.message}`);
        return;
      }
      store.ingest(parsed.data);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      store.setStatus('reconnecting');
      this.options.onDrop?.();
      this.timer = setTimeout(() => this.connect(), reconnectDelayMs(this.attempt));
      this.attempt += 1;
    };
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
      onDrop: () => void queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
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
