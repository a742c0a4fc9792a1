/**
 * Builds the Express app, its route table and websocket routes from injected dependencies, so
 * tests can build it with the simulated host and a temp state dir. `main.ts` owns the process:
 * listening, signals, opening and closing the database and the hypervisor. Here too: the
 * websocket router and its registry of open sockets (`ws/router.ts`, `ws/connections.ts`), and the
 * consoles (tickets, viewer counts broadcast as `console.viewers` events, VNC proxy, text consoles)
 * and the task registry (changes broadcast as `task.updated` events).
 */
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Hypervisor } from '@xendeck/hypervisor';
import type { Storage } from '@xendeck/storage';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { AuditLog, auditRoute } from './audit.js';
import { remoteAddress } from './auth/access.js';
import { authorizeRequest } from './auth/authorize.js';
import { customerPrecheck, customerView } from './auth/customer-views.js';
import { Grants } from './auth/grants.js';
import { Sessions } from './auth/sessions.js';
import { HashGate, LoginThrottle } from './auth/throttle.js';
import { ApiTokens } from './auth/tokens.js';
import { Users } from './auth/users.js';
import { openStorage } from './backend.js';
import type { Config } from './config.js';
import type { CommitOps } from './configs/atomic.js';
import { autostartRoutes } from './configs/autostart.js';
import { consoleLogRoutes } from './consoles/log.js';
import { consoleRoutes } from './consoles/routes.js';
import { TextConsoleHub } from './consoles/text-console.js';
import { ConsoleTickets } from './consoles/tickets.js';
import { ConsoleViewers } from './consoles/viewers.js';
import { vncConsoleRoute } from './consoles/vnc-proxy.js';
import { API_PREFIX, type AppContext } from './context.js';
import type { Db } from './db.js';
import { bootFromDiskRoutes } from './domains/boot-from-disk.js';
import { cdromRoutes } from './domains/cdrom.js';
import { resourceRoutes } from './domains/resources.js';
import { ApiError, apiNotFound, errorMiddleware } from './errors.js';
import { guestRoutes } from './guests/routes.js';
import { createEdge, type Edge } from './http/edge.js';
import { requireJsonForMutations, securityHeaders } from './http/security.js';
import { webApp } from './http/static.js';
import type { TlsIdentity } from './http/tls.js';
import { isoChoiceRoutes } from './isos/choices.js';
import { requestDeadline } from './isos/request-deadline.js';
import { type IsoRouteOptions, isoRoutes } from './isos/routes.js';
import { MetricsHub } from './metrics/hub.js';
import { createPrometheusExporter, type PrometheusExporter } from './metrics/prometheus.js';
import { MetricsRing } from './metrics/ring.js';
import { MetricsSampler } from './metrics/sampler.js';
import { MetricsStore } from './metrics/store.js';
import { MetricsTokenStore } from './metrics/token.js';
import { networkRoutes } from './network/routes.js';
import { auditRoutes } from './routes/audit.js';
import { configRoutes } from './routes/configs.js';
import { domainRoutes } from './routes/domains.js';
import { hostRoutes } from './routes/host.js';
import { metricsRoutes } from './routes/metrics.js';
import { serverInfoRoutes } from './routes/server-info.js';
import { sessionRoutes } from './routes/session.js';
import type { RouteDef } from './routes/types.js';
import { savedImageRoutes } from './saved-images/routes.js';
import { snapshotRoutes } from './snapshots/routes.js';
import { storageRoutes } from './storage/routes.js';
import { TaskRegistry } from './tasks/registry.js';
import { taskRoutes } from './tasks/routes.js';
import { userRoutes } from './users/routes.js';
import { accountRoutes } from './users/session-routes.js';
import { Totp } from './users/totp.js';
import { WsConnections } from './ws/connections.js';
import { EventHub } from './ws/events.js';
import { type AnyWsRoute, WsRouter } from './ws/router.js';

/** Largest JSON body of a route that does not say otherwise: 64 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Prefix of every REST route (defined in `context.ts`, which route modules import). */
export { API_PREFIX };

export interface AppDeps {
  config: Config;
  db: Db;
  hypervisor: Hypervisor;
  /** Storage backend; default {@link openStorage} of `hypervisor` (LVM, or in memory when simulated). */
  storage?: Storage;
  logger: Logger;
  /** The TLS identity the server listens with (main.ts); undefined over plain HTTP and in tests. */
  tls?: TlsIdentity;
  /**
   * Test hooks: clock for sessions, throttling and console tickets; websocket ping period (ms);
   * period of the websockets' session re-check (ms, default 30 000).
   */
  options?: {
    now?: () => number;
    pingMs?: number;
    wsSessionCheckMs?: number;
    maxBufferedBytes?: number;
    /** Replaces the rename/link that commit a config file write (to simulate failures). */
    configCommitOps?: CommitOps;
    /** Metrics: wall clock of the sampler and history (default Date.now); whether the sampler
     * starts its timer (default true; tests may call `metrics.sampler.tick()` themselves). */
    metrics?: { now?: () => number; autoStart?: boolean };
    /** ISO library: free-space figure and upload idle timeout. */
    isos?: IsoRouteOptions;
  };
}

/** The metrics parts of the app (sampler, history, websocket hub, Prometheus exporter, token). */
export interface AppMetrics {
  sampler: MetricsSampler;
  ring: MetricsRing;
  store: MetricsStore;
  hub: MetricsHub;
  exporter: PrometheusExporter;
  token: MetricsTokenStore;
}

/** The console parts of the app. */
export interface AppConsoles {
  tickets: ConsoleTickets;
  viewers: ConsoleViewers;
  /** The text consoles (PV console, HVM serial), one holder per domain and kind. */
  text: TextConsoleHub;
}

export interface XendeckApp {
  app: Express;
  /** Every REST route, as mounted (paths under {@link API_PREFIX}). */
  routes: readonly RouteDef[];
  /** Every websocket route. */
  wsRoutes: readonly AnyWsRoute[];
  context: AppContext;
  events: EventHub;
  metrics: AppMetrics;
  /** Console tickets and viewer counts. */
  consoles: AppConsoles;
  /** Routes outside {@link API_PREFIX}, with their own authentication (`GET /metrics`). */
  plainRoutes: readonly { method: 'get'; path: string; summary: string }[];
  /** Routes websocket upgrades of `httpServer` (auth before upgrade). */
  attachWebsockets: (httpServer: Server | HttpsServer) => void;
  /** The network edge (client address behind proxies, Host allowlist): `http/edge.ts`. */
  edge: Edge;
  /**
   * Stops the metrics sampler (writing the minute being built), closes every websocket (1001),
   * the text consoles and timers (not the database nor the hypervisor, which the caller owns).
   */
  close: () => Promise<void>;
}

/** Logs each request at info once it finished: method, URL, status, duration, user. */
function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const user = (res.locals.user as { username?: string } | undefined)?.username;
      logger.info(
        {
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          user,
          remoteAddr: remoteAddress(req),
        },
        'request',
      );
    });
    next();
  };
}

export function createApp(deps: AppDeps): XendeckApp {
  const { config, db, hypervisor, logger } = deps;
  const now = deps.options?.now ?? Date.now;
  const users = new Users(db, now);
  const sessions = new Sessions(db, now);
  const events = new EventHub(hypervisor, logger, {
    reconcileMs: config.reconcileMs,
    pingMs: deps.options?.pingMs,
    maxBufferedBytes: deps.options?.maxBufferedBytes,
  });
  const connections = new WsConnections({
    sessions,
    users,
    logger,
    maxPerSession: config.wsMaxPerSession,
    maxTotal: config.wsMaxTotal,
    checkEveryMs: deps.options?.wsSessionCheckMs,
  });
  const tasks = new TaskRegistry({
    db,
    logger,
    now,
    onChange: (task) => events.broadcast({ type: 'task.updated', task }),
  });
  const auditLog = new AuditLog(db, logger, {
    now,
    taskOutcome: async (id) => {
      const t = await tasks.settled(id);
      return t?.state === 'succeeded' ? 'ok' : (t?.error?.code ?? 'UNKNOWN');
    },
  });
  const context: AppContext = {
    config,
    db,
    hypervisor,
    storage: deps.storage ?? openStorage(hypervisor),
    logger,
    users,
    grants: new Grants(db),
    tokens: new ApiTokens(db, now),
    totp: new Totp(users, now),
    sessions,
    throttle: new LoginThrottle(now, {}, new HashGate(config.loginMaxHashes)),
    audit: auditLog.record,
    connections,
    refreshSoon: () => void events.refresh(),
    tasks,
  };

  // A changed grant takes effect on open websockets at once (a revoked console closes).
  context.grants.onChange(() => connections.check());

  const viewers = new ConsoleViewers(logger);
  viewers.onChange((name, kind, count) =>
    events.broadcast({ type: 'console.viewers', name, kind, viewers: count }),
  );
  const consoles: AppConsoles = {
    tickets: new ConsoleTickets(sessions, now),
    viewers,
    text: new TextConsoleHub({
      hypervisor,
      logger,
      viewers,
      graceMs: config.consoleGraceMs,
      consoleLogDir: config.consoleLogDir,
      pingMs: deps.options?.pingMs,
    }),
  };

  const metricsNow = deps.options?.metrics?.now ?? Date.now;
  const ring = new MetricsRing({ intervalMs: config.metricsIntervalMs });
  const store = new MetricsStore(db);
  const sampler = new MetricsSampler(hypervisor, logger, {
    intervalMs: config.metricsIntervalMs,
    ring,
    store,
    now: metricsNow,
  });
  const hub = new MetricsHub(sampler, logger, {
    pingMs: deps.options?.pingMs,
    maxBufferedBytes: deps.options?.maxBufferedBytes,
  });
  const exporter = createPrometheusExporter({
    latestSnapshot: () => sampler.latest?.snapshot,
    hubStats: () => hub.stats(),
  });
  sampler.onTick((tick) => exporter.observeSampleDuration(tick.durationSeconds));
  const metrics: AppMetrics = {
    sampler,
    ring,
    store,
    hub,
    exporter,
    token: new MetricsTokenStore(db, config.metricsToken),
  };

  const routes: RouteDef[] = [
    ...sessionRoutes(context),
    ...accountRoutes(context),
    ...userRoutes(context),
    ...hostRoutes(context),
    ...domainRoutes(context),
    ...configRoutes(context, { now, commitOps: deps.options?.configCommitOps }),
    ...metricsRoutes(context, {
      ring,
      store,
      token: metrics.token,
      intervalMs: config.metricsIntervalMs,
      now: metricsNow,
    }),
    ...consoleRoutes(context, consoles),
    ...consoleLogRoutes(context, consoles.text),
    ...cdromRoutes(context),
    ...bootFromDiskRoutes(context),
    ...resourceRoutes(context),
    ...taskRoutes(tasks, context.grants),
    ...guestRoutes(context, { now, commitOps: deps.options?.configCommitOps }),
    ...storageRoutes(context),
    ...snapshotRoutes(context, { now }),
    ...isoRoutes(context, deps.options?.isos),
    ...isoChoiceRoutes(context),
    ...autostartRoutes(context),
    ...savedImageRoutes(context),
    ...networkRoutes(context),
    ...auditRoutes(context, auditLog),
    ...serverInfoRoutes(context, deps.tls),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders());
  // Node's requestTimeout is off (main.ts) so uploads may last; this restores it per request.
  app.use(requestDeadline());
  app.use(requestLog(logger));
  // Client address and HTTPS behind trusted proxies, Host allowlist, cross-site mutations, HSTS.
  const edge = createEdge(config);
  app.use(edge.middleware);

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(requireJsonForMutations);
  const jsonParsers = new Map<number, RequestHandler>();
  const jsonParser = (limit: number): RequestHandler => {
    let p = jsonParsers.get(limit);
    if (!p) {
      p = express.json({ limit, strict: true, type: 'application/json' });
      jsonParsers.set(limit, p);
    }
    return p;
  };
  for (const route of routes) {
    const access = route.access;
    api[route.method](
      route.path,
      (req: Request, res: Response, next: NextFunction) => {
        res.locals.user = authorizeRequest(context, req, access);
        next();
      },
      customerView(context.grants, route), // what a customer's answers may contain
      auditRoute(route, auditLog), // the route's audit row (audit.ts), if it declares one
      // Bodies are parsed only after the access check, with the route's own size limit.
      jsonParser(route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES),
      customerPrecheck(config, route), // e.g. a customer's start runs only a config of that name
      route.handler,
    );
  }
  // Prometheus scrapes: not a session route; its own bearer token (XENDECK_METRICS_TOKEN).
  app.get('/metrics', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!metrics.token.verify(req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="xendeck-metrics"');
      throw new ApiError(
        'UNAUTHENTICATED',
        req.headers.authorization
          ? 'Wrong token for GET /metrics'
          : 'GET /metrics needs "Authorization: Bearer <token>" (see GET /api/v1/settings/metrics-token)',
      );
    }
    res.type(exporter.registry.contentType).send(await exporter.registry.metrics());
  });
  app.use(API_PREFIX, api);
  app.use('/api', apiNotFound);
  app.use(webApp(config.webDir));
  app.use(errorMiddleware(logger));

  const wsRoutes: AnyWsRoute[] = [
    events.route(context.grants),
    metrics.hub.route(context.grants),
    vncConsoleRoute({ ctx: context, viewers: consoles.viewers, pingMs: deps.options?.pingMs }),
    consoles.text.route(),
  ];
  const router = new WsRouter({ ctx: context, tickets: consoles.tickets, routes: wsRoutes });
  const onUpgrade = edge.guardUpgrade(router.handleUpgrade);
  const servers = new Set<Server | HttpsServer>();

  const purgeTimer = setInterval(
    () => {
      try {
        sessions.purgeExpired();
      } catch (err) {
        logger.warn({ err }, 'could not purge expired sessions');
      }
    },
    60 * 60 * 1000,
  );
  purgeTimer.unref();
  if (deps.options?.metrics?.autoStart !== false) sampler.start();
  auditLog.start();

  return {
    app,
    routes,
    wsRoutes,
    context,
    events,
    metrics,
    consoles,
    plainRoutes: [
      { method: 'get', path: '/metrics', summary: 'Prometheus exposition (bearer token)' },
    ],
    edge,
    attachWebsockets: (httpServer) => {
      servers.add(httpServer);
      httpServer.on('upgrade', onUpgrade);
    },
    close: async () => {
      clearInterval(purgeTimer);
      auditLog.stop();
      for (const s of servers) s.off('upgrade', onUpgrade);
      await sampler.stop();
      await tasks.close();
      connections.close();
      metrics.hub.close();
      await events.close();
      await consoles.text.close();
      await router.close();
    },
  };
}
