/**
 * `WS /api/v1/events`: domain changes, pushed. The first message on a socket is a `snapshot` of
 * every domain; then `domain.added`, `domain.removed`, `domain.changed` as they happen
 * (`eventMessageSchema` in @xendeck/api; JSON text frames, server → client only).
 *
 * The hub subscribes to `hypervisor.onDomainEvent` once and broadcasts. While at least one client
 * is connected it calls `hypervisor.refresh()` every XENDECK_RECONCILE_MS, which finds changes
 * xenstore does not announce (pause/unpause from a shell). Clients are pinged; one that does not
 * answer by the next ping, or whose send buffer grows beyond {@link EventHubOptions.maxBufferedBytes},
 * is dropped.
 */
import type { EventMessage } from '@xendeck/api';
import type { DomainEvent, Hypervisor } from '@xendeck/hypervisor';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { toApiDomain } from '../routes/domains.js';
import { ADMIN } from '../routes/types.js';
import type { WsRoute } from './router.js';

export interface EventHubOptions {
  /** Reconcile period in ms (XENDECK_RECONCILE_MS). */
  reconcileMs: number;
  /** Ping period in ms; default 30 000. */
  pingMs?: number;
  /** A client whose unsent data exceeds this many bytes is dropped; default 1 MiB. */
  maxBufferedBytes?: number;
}

/** Maps a backend event to its websocket message. */
export function toEventMessage(e: DomainEvent): EventMessage {
  switch (e.kind) {
    case 'added':
      return { type: 'domain.added', domain: toApiDomain(e.domain) };
    case 'removed':
      return { type: 'domain.removed', domid: e.domid, name: e.name };
    case 'changed':
      return {
        type: 'domain.changed',
        domain: toApiDomain(e.domain),
        previousState: e.previousState,
      };
  }
}

interface Client {
  ws: WebSocket;
  alive: boolean;
  /** Messages that arrived while the snapshot was being read; sent right after it. */
  queue: EventMessage[] | undefined;
}

export class EventHub {
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: () => void;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private readonly pingTimer: NodeJS.Timeout;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private closed = false;
  private readonly maxBuffered: number;

  constructor(
    private readonly hv: Hypervisor,
    private readonly logger: Logger,
    private readonly opts: EventHubOptions,
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.unsubscribe = hv.onDomainEvent((e) => this.broadcast(toEventMessage(e)));
    this.pingTimer = setInterval(() => this.pingAll(), opts.pingMs ?? 30_000);
    this.pingTimer.unref();
  }

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * `hypervisor.refresh()`, coalesced: calls made while one runs lead to exactly one more run.
   * Never rejects (failures are logged).
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.hv.refresh();
        } while (this.refreshAgain && !this.closed);
      } catch (err) {
        this.logger.warn({ err }, 'hypervisor refresh failed');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** The websocket route of this hub. */
  route(): WsRoute {
    return {
      path: '/api/v1/events',
      access: ADMIN,
      summary: 'Domain events: snapshot first, then domain.added / domain.removed / domain.changed',
      onConnection: (ws) => {
        void this.attach(ws);
      },
    };
  }

  private async attach(ws: WebSocket): Promise<void> {
    const client: Client = { ws, alive: true, queue: [] };
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', () => {
      // Server → client only; anything received is ignored.
    });
    ws.on('error', (err) => this.logger.debug({ err }, 'events socket error'));
    ws.on('close', () => this.detach(client));
    this.startReconcile();
    try {
      const domains = await this.hv.listDomains();
      this.send(client, { type: 'snapshot', domains: domains.map(toApiDomain) });
      const queued = client.queue ?? [];
      client.queue = undefined;
      for (const m of queued) this.send(client, m);
    } catch (err) {
      this.logger.error({ err }, 'events: could not read the domain list for the snapshot');
      ws.close(1011, 'could not read the domain list');
    }
  }

  private detach(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stopReconcile();
  }

  private startReconcile(): void {
    if (this.reconcileTimer || this.closed) return;
    this.reconcileTimer = setInterval(() => void this.refresh(), this.opts.reconcileMs);
    this.reconcileTimer.unref();
  }

  private stopReconcile(): void {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = undefined;
  }

  private broadcast(msg: EventMessage): void {
    for (const c of this.clients) {
      if (c.queue) c.queue.push(msg);
      else this.send(c, msg);
    }
  }

  private send(c: Client, msg: EventMessage): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > this.maxBuffered) {
      this.logger.warn(
        { bufferedAmount: c.ws.bufferedAmount },
        'events: dropping a client that does not read',
      );
      c.ws.terminate();
      this.detach(c);
      return;
    }
    c.ws.send(JSON.stringify(msg));
  }

  private pingAll(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        this.detach(c);
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  /** Unsubscribes, stops timers and closes every client with 1001 (going away). */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.pingTimer);
    this.stopReconcile();
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.clients.clear();
    await this.refreshing;
  }
}
