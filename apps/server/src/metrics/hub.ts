/**
 * `WS /api/v1/metrics`: the sampler's ticks, pushed (`metricsMessageSchema` in @xendeck/api).
 * Right after connecting a client gets the latest sample (if the sampler has one), then one
 * message per tick; a client that connects with `?fields=a,b` (`metricsFieldsParamSchema`) is
 * subscribed to all domains with those fields from the start and gets a keyframe instead (a bad
 * `fields` is answered with an `error` message, then the legacy stream). A client may send `{ type: 'subscribe', domains: [...names] | '*', fields? }`:
 * - without `fields` (legacy, e.g. scripts): one full `sample` per tick with those domains (the
 *   host part always comes); the latest sample, filtered, is sent at once;
 * - with `fields` (a browser view): `frame` messages (`metrics-frames.ts` in @xendeck/api): a
 *   keyframe at once (the latest tick), then per tick a delta with only the values of those fields
 *   that changed. A client gets a keyframe instead of a delta whenever it could not apply one: new
 *   or changed subscription, a tick it did not get (a send skipped), or its effective domain set
 *   changed (a customer's grants). Re-sending `subscribe` always yields a keyframe (what the
 *   browser's `MetricsFrameDecoder` asks for with `'resubscribe'`).
 * A message the server cannot accept is answered with `{ type: 'error', code, message }` and the
 * socket stays open.
 *
 * Cost per tick: the full `sample` is serialized once, to UTF-8 bytes, and the same bytes go to
 * every legacy client subscribed to all domains; filtered legacy clients get their own
 * serialization. Frames are encoded once per tick per distinct subscription (fields + domain
 * filter + a customer's allowed domains): the keyframe and the delta are each serialized at most
 * once and shared by every client with that subscription (50 tabs on the domains table = one
 * encoding).
 * Every logged-in user may connect. A customer receives only the domains they hold `metrics` on
 * (whatever they subscribe to; grants read again at each tick), and the host part with the
 * hardware facts only (`nrCpus`, `cpuMhz`): `totalMemoryBytes` and `freeMemoryBytes` are 0 and
 * `cpuPercent` null, because the host's load and free memory are the sum of the other domains'.
 * Authentication, the Origin check and the 404 for unknown paths are the upgrade router's
 * (`src/ws/router.ts`), as for `/api/v1/events`; keepalive and slow-client drops are `SocketSet`'s.
 */
import {
  type EncodedMetricsFrames,
  encodeMetricsFrames,
  METRICS_FIELDS,
  type MetricsField,
  type MetricsMessage,
  type MetricsSampleMessage,
  metricsClientMessageSchema,
  metricsFieldsParamSchema,
} from '@xendeck/api';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { domainFilter } from '../auth/authorize.js';
import type { Grants } from '../auth/grants.js';
import { API_PREFIX } from '../context.js';
import { type SocketClient, SocketSet, type SocketSetOptions } from '../ws/clients.js';
import type { WsRoute } from '../ws/router.js';
import type { MetricsSampler, MetricsTick } from './sampler.js';

/** What `MetricsHub.stats()` returns: counters since the server started. */
export interface MetricsHubStats {
  /** Wall time spent sending ticks (encode, serialize, write to every client), seconds. */
  publishSeconds: number;
  /** Bytes of JSON text sent to clients. */
  sentBytes: number;
  /** Messages sent to clients. */
  sentMessages: number;
}

interface ClientState {
  /** Domain names this client wants; undefined = all. */
  filter: Set<string> | undefined;
  /** `filter` as a cache key: `*` or the sorted names as JSON. */
  filterKey: string;
  /** For a customer: the domains they hold `metrics` on, read at each send (else undefined). */
  allowed: (() => (name: string) => boolean) | undefined;
  /** Fields of a frame subscription, in METRICS_FIELDS order, no repeats; undefined = legacy `sample`. */
  fields: readonly MetricsField[] | undefined;
  /** Subscription key and hub seq of the last frame this client was sent (a delta needs both). */
  lastKey: string | undefined;
  lastSeq: number;
}

/** A tick as the hub numbers it: `seq` counts the ticks the hub has seen, from 1. */
interface HubTick {
  tick: MetricsTick;
  seq: number;
}

/** One subscription's frames for the current tick, serialized on first use. */
interface FrameEntry {
  frames: EncodedMetricsFrames;
  keyBytes?: Buffer;
  deltaBytes?: Buffer;
}

export class MetricsHub {
  private readonly clients: SocketSet<ClientState>;
  private readonly unsubscribe: () => void;
  /** The latest tick and its full message as UTF-8 JSON, made at most once per tick. */
  private fullFor: MetricsTick | undefined;
  private fullBytes: Buffer | undefined;
  /** The current and the previous tick (deltas are made between them). */
  private current: HubTick | undefined;
  private previous: HubTick | undefined;
  /** Frames of the current tick by subscription key; emptied at each tick. */
  private readonly frames = new Map<string, FrameEntry>();
  /** Messages and bytes sent since start (all clients), for the log and the benchmark. */
  sentMessages = 0;
  sentBytes = 0;
  /** Frame encodings made since start (one per distinct subscription per tick). */
  frameEncodings = 0;
  /** Wall time spent in `publish` since start (encode, serialize, write to every client), s. */
  publishSeconds = 0;

  constructor(
    private readonly sampler: MetricsSampler,
    private readonly logger: Logger,
    opts: SocketSetOptions = {},
  ) {
    this.clients = new SocketSet(logger, 'metrics', opts);
    this.unsubscribe = sampler.onTick((tick) => this.publish(tick));
  }

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }

  /** The websocket route of this hub (a customer's samples filtered with `grants`). */
  route(grants: Grants): WsRoute {
    return {
      path: `${API_PREFIX}/metrics`,
      access: 'user',
      summary:
        'Live metrics: one sample per sampler tick, or columnar delta frames of the subscribed fields',
      onConnection: (ws, _req, info) =>
        this.attach(
          ws,
          info.user.role === 'customer'
            ? () => domainFilter(grants, info.user, 'metrics')
            : undefined,
          info.query.get('fields'),
        ),
    };
  }

  private attach(ws: WebSocket, allowed: ClientState['allowed'], fieldsParam: string | null): void {
    const client = this.clients.add(ws, {
      filter: undefined,
      filterKey: '*',
      allowed,
      fields: undefined,
      lastKey: undefined,
      lastSeq: 0,
    });
    ws.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    if (fieldsParam !== null) {
      const r = metricsFieldsParamSchema.safeParse(fieldsParam);
      if (r.success) client.state.fields = inFieldOrder(r.data);
      else
        this.sendMessage(client, {
          type: 'error',
          code: 'INVALID_INPUT',
          message: `Invalid fields query parameter: ${r.error.issues.map((i) => i.message).join('; ')}`,
        });
    }
    const latest = this.latest();
    if (latest) this.sendTick(client, latest);
  }

  /** The sampler's latest tick as the hub numbers it (adopted if it came before the hub). */
  private latest(): HubTick | undefined {
    const tick = this.sampler.latest;
    if (!tick) return undefined;
    if (this.current?.tick !== tick) this.advance(tick);
    return this.current;
  }

  private advance(tick: MetricsTick): void {
    this.previous = this.current;
    this.current = { tick, seq: (this.current?.seq ?? 0) + 1 };
    this.frames.clear();
  }

  private onMessage(client: SocketClient<ClientState>, data: RawData, isBinary: boolean): void {
    const fail = (message: string) =>
      this.sendMessage(client, { type: 'error', code: 'INVALID_INPUT', message });
    if (isBinary) {
      fail(
        'Send JSON text frames: {"type":"subscribe","domains":["name", ...] | "*","fields"?:[...]}',
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch (err) {
      fail(`Malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const r = metricsClientMessageSchema.safeParse(parsed);
    if (!r.success) {
      const issues = r.error.issues
        .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
        .join('; ');
      fail(`Invalid message: ${issues}`);
      return;
    }
    const st = client.state;
    st.filter = r.data.domains === '*' ? undefined : new Set(r.data.domains);
    st.filterKey = st.filter ? JSON.stringify([...st.filter].sort()) : '*';
    st.fields = r.data.fields ? inFieldOrder(r.data.fields) : undefined;
    st.lastKey = undefined;
    const latest = this.latest();
    if (latest) this.sendTick(client, latest);
  }

  private publish(tick: MetricsTick): void {
    const t0 = performance.now();
    if (this.current?.tick !== tick) this.advance(tick);
    const cur = this.current;
    if (cur) for (const c of this.clients) this.sendTick(c, cur);
    this.publishSeconds += (performance.now() - t0) / 1000;
  }

  /** Counters since start, for `GET /metrics` (`xendeck_metrics_ws_*`) and the benchmarks. */
  stats(): MetricsHubStats {
    return {
      publishSeconds: this.publishSeconds,
      sentBytes: this.sentBytes,
      sentMessages: this.sentMessages,
    };
  }

  private sendTick(c: SocketClient<ClientState>, cur: HubTick): void {
    const { filter, allowed, fields } = c.state;
    const may = allowed?.();
    if (fields !== undefined) {
      this.sendFrame(c, cur, fields, may);
      return;
    }
    const tick = cur.tick;
    if (may) {
      this.sendMessage(c, this.view(tick.message, filter, may));
      return;
    }
    if (filter === undefined) {
      if (this.fullFor !== tick || !this.fullBytes) {
        this.fullFor = tick;
        this.fullBytes = Buffer.from(JSON.stringify(tick.message));
      }
      this.count(this.clients.send(c, this.fullBytes), this.fullBytes.length);
      return;
    }
    this.sendMessage(c, this.view(tick.message, filter, undefined));
  }

  /**
   * The sample a client sees: `filter`ed domains, and for a customer (`may` given) only the
   * domains they may see and the host's load and free memory blanked. The message itself when
   * nothing is filtered.
   */
  private view(
    msg: MetricsSampleMessage,
    filter: Set<string> | undefined,
    may: ((name: string) => boolean) | undefined,
  ): MetricsSampleMessage {
    if (!may) {
      if (!filter) return msg;
      return { ...msg, domains: msg.domains.filter((d) => filter.has(d.name)) };
    }
    return {
      ...msg,
      host: { ...msg.host, totalMemoryBytes: 0, freeMemoryBytes: 0, cpuPercent: null },
      domains: msg.domains.filter(
        (d) => may(d.name) && (filter === undefined || filter.has(d.name)),
      ),
    };
  }

  /** Sends `cur` as a delta when this client holds the previous frame of the same subscription, else a keyframe. */
  private sendFrame(
    c: SocketClient<ClientState>,
    cur: HubTick,
    fields: readonly MetricsField[],
    may: ((name: string) => boolean) | undefined,
  ): void {
    const { filter, filterKey } = c.state;
    // A customer's allowed domains are part of the key: a grant given or taken = a keyframe.
    const allowedKey = may
      ? JSON.stringify(cur.tick.message.domains.filter((d) => may(d.name)).map((d) => d.name))
      : 'all';
    const key = `${fields.join(',')}|${filterKey}|${allowedKey}`;
    let entry = this.frames.get(key);
    if (!entry) {
      const prev =
        this.previous && this.previous.seq === cur.seq - 1
          ? this.view(this.previous.tick.message, filter, may)
          : undefined;
      entry = {
        frames: encodeMetricsFrames(
          prev,
          this.view(cur.tick.message, filter, may),
          fields,
          cur.seq,
        ),
      };
      this.frameEncodings++;
      this.frames.set(key, entry);
    }
    const delta = entry.frames.delta;
    let bytes: Buffer;
    if (delta && c.state.lastKey === key && c.state.lastSeq === cur.seq - 1) {
      entry.deltaBytes ??= Buffer.from(JSON.stringify(delta));
      bytes = entry.deltaBytes;
    } else {
      entry.keyBytes ??= Buffer.from(JSON.stringify(entry.frames.key));
      bytes = entry.keyBytes;
    }
    const sent = this.clients.send(c, bytes);
    this.count(sent, bytes.length);
    if (sent) {
      c.state.lastKey = key;
      c.state.lastSeq = cur.seq;
    }
  }
  private sendMessage(c: SocketClient<ClientState>, msg: MetricsMessage): void {
    const text = JSON.stringify(msg);
    this.count(this.clients.send(c, text), Buffer.byteLength(text));
  }

  private count(sent: boolean, bytes: number): void {
    if (!sent) return;
    this.sentMessages++;
    this.sentBytes += bytes;
  }

  /** Stops listening to the sampler and closes every client with 1001. */
  close(): void {
    this.unsubscribe();
    this.clients.close();
    this.logger.debug({ messages: this.sentMessages, bytes: this.sentBytes }, 'metrics hub closed');
  }
}

/** `fields` without repeats, in METRICS_FIELDS order (so equal subscriptions share a cache key). */
function inFieldOrder(fields: readonly MetricsField[]): MetricsField[] {
  const wanted = new Set(fields);
  return METRICS_FIELDS.filter((f) => wanted.has(f));
}
