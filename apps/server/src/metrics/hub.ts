/**
 * `WS /api/v1/metrics`: the sampler's ticks, pushed (`metricsMessageSchema` in @xendeck/api).
 * Right after connecting a client gets the latest sample (if the sampler has one), then one
 * `sample` per tick. A client may send `{ type: 'subscribe', domains: [...names] | '*' }` to
 * receive only those domains (the host part always comes); it gets the latest sample filtered at
 * once. A message the server cannot accept is answered with `{ type: 'error', code, message }`
 * and the socket stays open.
 *
 * Cost per tick: the full message is serialized once, to UTF-8 bytes, and the same bytes go to
 * every client subscribed to all domains; filtered clients get their own serialization.
 * Every logged-in user may connect. A customer receives only the domains they hold `metrics` on
 * (whatever they subscribe to; grants read again at each tick), and the host part with the
 * hardware facts only (`nrCpus`, `cpuMhz`): `totalMemoryBytes` and `freeMemoryBytes` are 0 and
 * `cpuPercent` null, because the host's load and free memory are the sum of the other domains'.
 * Authentication, the Origin check and the 404 for unknown paths are the upgrade router's
 * (`src/ws/router.ts`), as for `/api/v1/events`; keepalive and slow-client drops are `SocketSet`'s.
 */
import {
  type MetricsMessage,
  type MetricsSampleMessage,
  metricsClientMessageSchema,
} from '@xendeck/api';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { domainFilter } from '../auth/authorize.js';
import type { Grants } from '../auth/grants.js';
import { API_PREFIX } from '../context.js';
import { type SocketClient, SocketSet, type SocketSetOptions } from '../ws/clients.js';
import type { WsRoute } from '../ws/router.js';
import type { MetricsSampler, MetricsTick } from './sampler.js';

interface ClientState {
  /** Domain names this client wants; undefined = all. */
  filter: Set<string> | undefined;
  /** For a customer: the domains they hold `metrics` on, read at each send (else undefined). */
  allowed: (() => (name: string) => boolean) | undefined;
}

export class MetricsHub {
  private readonly clients: SocketSet<ClientState>;
  private readonly unsubscribe: () => void;
  /** The latest tick and its full message as UTF-8 JSON, made at most once per tick. */
  private fullFor: MetricsTick | undefined;
  private fullBytes: Buffer | undefined;
  /** Messages and bytes sent since start (all clients), for the log and the benchmark. */
  sentMessages = 0;
  sentBytes = 0;

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
      summary: 'Live metrics: one sample per sampler tick; subscribe to a subset of domains',
      onConnection: (ws, _req, info) =>
        this.attach(
          ws,
          info.user.role === 'customer'
            ? () => domainFilter(grants, info.user, 'metrics')
            : undefined,
        ),
    };
  }

  private attach(ws: WebSocket, allowed: ClientState['allowed']): void {
    const client = this.clients.add(ws, { filter: undefined, allowed });
    ws.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    const latest = this.sampler.latest;
    if (latest) this.sendTick(client, latest);
  }

  private onMessage(client: SocketClient<ClientState>, data: RawData, isBinary: boolean): void {
    const fail = (message: string) =>
      this.sendMessage(client, { type: 'error', code: 'INVALID_INPUT', message });
    if (isBinary) {
      fail('Send JSON text frames: {"type":"subscribe","domains":["name", ...] | "*"}');
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
    client.state.filter = r.data.domains === '*' ? undefined : new Set(r.data.domains);
    const latest = this.sampler.latest;
    if (latest) this.sendTick(client, latest);
  }

  private publish(tick: MetricsTick): void {
    for (const c of this.clients) this.sendTick(c, tick);
  }

  private sendTick(c: SocketClient<ClientState>, tick: MetricsTick): void {
    const { filter, allowed } = c.state;
    if (allowed) {
      const may = allowed();
      this.sendMessage(c, {
        ...tick.message,
        host: { ...tick.message.host, totalMemoryBytes: 0, freeMemoryBytes: 0, cpuPercent: null },
        domains: tick.message.domains.filter(
          (d) => may(d.name) && (filter === undefined || filter.has(d.name)),
        ),
      });
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
    const msg: MetricsSampleMessage = {
      ...tick.message,
      domains: tick.message.domains.filter((d) => filter.has(d.name)),
    };
    this.sendMessage(c, msg);
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
