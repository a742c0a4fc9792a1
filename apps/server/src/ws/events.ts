/**
 * `WS /api/v1/events`: domain changes, pushed. The first message on a socket is a `snapshot` of
 * every domain; then `domain.added`, `domain.removed`, `domain.changed` as they happen, and
 * `console.viewers` when a console's viewer count changes (`eventMessageSchema` in @xendeck/api;
 * JSON text frames, server → client only).
 *
 * The hub subscribes to `hypervisor.onDomainEvent` once and broadcasts. While at least one client
 * is connected it calls `hypervisor.refresh()` every XENDECK_RECONCILE_MS, which finds changes
 * xenstore does not announce (pause/unpause from a shell). Clients are pinged; one that does not
 * answer by the next ping, or whose send buffer grows beyond {@link EventHubOptions.maxBufferedBytes},
 * is dropped (`SocketSet`, shared with `/api/v1/metrics`).
 */
import type { EventMessage } from '@xendeck/api';
import type { DomainEvent, Hypervisor } from '@xendeck/hypervisor';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { domainFilter } from '../auth/authorize.js';
import { taskForCustomer } from '../auth/customer-views.js';
import type { Grants } from '../auth/grants.js';
import type { User } from '../auth/users.js';
import { API_PREFIX } from '../context.js';
import { toApiDomain } from '../routes/domains.js';
import { type SocketClient, SocketSet } from './clients.js';
import type { WsRoute } from './router.js';

export interface EventHubOptions {
  /** Reconcile period in ms (XENDECK_RECONCILE_MS). */
  reconcileMs: number;
  /** Ping period in ms; default 30 000. */
  pingMs?: number;
  /** A client whose unsent data exceeds this many bytes is dropped; default 1 MiB. */
  maxBufferedBytes?: number;
}

/**
 * Maps a backend event to its websocket message; `watchFiredAt` (the addon's xenstore watch
 * firing time, ms since the epoch) is passed on when the event has one.
 */
export function toEventMessage(e: DomainEvent): EventMessage {
  const cause = e.watchFiredAt === undefined ? {} : { watchFiredAt: e.watchFiredAt };
  switch (e.kind) {
    case 'added':
      return { type: 'domain.added', domain: toApiDomain(e.domain), ...cause };
    case 'removed':
      return { type: 'domain.removed', domid: e.domid, name: e.name, ...cause };
    case 'changed':
      return {
        type: 'domain.changed',
        domain: toApiDomain(e.domain),
        previousState: e.previousState,
        ...cause,
      };
  }
}

interface ClientState {
  /** Messages that arrived while the snapshot was being read; sent right after it. */
  queue: EventMessage[] | undefined;
  /** The user and grants for a customer's filter (undefined: everything is sent). */
  customer: { user: User; grants: Grants } | undefined;
}

/**
 * `msg` as a customer may receive it, or undefined: domain events and console viewer counts only
 * of domains they see, tasks as `taskForCustomer` shows them; the snapshot filtered. Grants are
 * read again for every message, so a new or revoked grant counts from the next one.
 */
export function eventForCustomer(
  msg: EventMessage,
  user: User,
  grants: Grants,
): EventMessage | undefined {
  const visible = domainFilter(grants, user);
  switch (msg.type) {
    case 'snapshot':
      return { ...msg, domains: msg.domains.filter((d) => visible(d.name)) };
    case 'domain.added':
    case 'domain.changed':
      return visible(msg.domain.name) ? msg : undefined;
    case 'domain.removed':
    case 'console.viewers':
      return visible(msg.name) ? msg : undefined;
    case 'task.updated': {
      const task = taskForCustomer(msg.task, user, visible);
      return task ? { ...msg, task } : undefined;
    }
  }
}

export class EventHub {
  private readonly clients: SocketSet<ClientState>;
  private readonly unsubscribe: () => void;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private closed = false;

  constructor(
    private readonly hv: Hypervisor,
    private readonly logger: Logger,
    private readonly opts: EventHubOptions,
  ) {
    this.clients = new SocketSet(logger, 'events', opts);
    this.clients.onEmpty(() => this.stopReconcile());
    this.unsubscribe = hv.onDomainEvent((e) => this.broadcast(toEventMessage(e)));
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

  /**
   * The websocket route of this hub: every logged-in user; a customer's messages are filtered to
   * their domains ({@link eventForCustomer}, with `grants`).
   */
  route(grants: Grants): WsRoute {
    return {
      path: `${API_PREFIX}/events`,
      access: 'user',
      summary: 'Domain events: snapshot first, then domain.added / domain.removed / domain.changed',
      onConnection: (ws, _req, info) => {
        void this.attach(
          ws,
          info.user.role === 'customer' ? { user: info.user, grants } : undefined,
        );
      },
    };
  }

  private async attach(ws: WebSocket, customer: ClientState['customer']): Promise<void> {
    const client = this.clients.add(ws, { queue: [], customer });
    ws.on('message', () => {
      // Server → client only; anything received is ignored.
    });
    this.startReconcile();
    try {
      const domains = await this.hv.listDomains();
      this.send(client, { type: 'snapshot', domains: domains.map(toApiDomain) });
      const queued = client.state.queue ?? [];
      client.state.queue = undefined;
      for (const m of queued) this.send(client, m);
    } catch (err) {
      this.logger.error({ err }, 'events: could not read the domain list for the snapshot');
      ws.close(1011, 'could not read the domain list');
    }
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

  /**
   * Sends `msg` to every connected client (queued behind the snapshot of a client still reading
   * it). Used for the hypervisor's domain events and by other parts of the server, such as
   * `console.viewers` from `consoles/viewers.ts` (wired in `app.ts`).
   */
  broadcast(msg: EventMessage): void {
    // Serialized once for every client that sees it whole (not a customer's filtered copy).
    let whole: string | undefined;
    for (const c of this.clients) {
      if (c.state.queue) c.state.queue.push(msg);
      else if (c.state.customer) this.send(c, msg);
      else {
        whole ??= JSON.stringify(msg);
        this.clients.send(c, whole);
      }
    }
  }

  private send(c: SocketClient<ClientState>, msg: EventMessage): void {
    const { customer } = c.state;
    const out = customer ? eventForCustomer(msg, customer.user, customer.grants) : msg;
    if (out) this.clients.send(c, JSON.stringify(out));
  }

  /** Unsubscribes, stops timers and closes every client with 1001 (going away). */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    this.stopReconcile();
    this.clients.close();
    await this.refreshing;
  }
}
