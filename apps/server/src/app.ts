/**
 * Builds the Express app, its route table and websocket routes from injected dependencies, so
 * tests can build it with the simulated host and a temp state dir. `main.ts` owns the process:
 * listening, signals, opening and closing the database and the hypervisor.
 */
import type { Server } from 'node:http';
import type { Hypervisor } from '@xendeck/hypervisor';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { createAudit } from './audit.js';
import { authenticate, requireRole } from './auth/access.js';
import { Sessions } from './auth/sessions.js';
import { LoginThrottle } from './auth/throttle.js';
import { Users } from './auth/users.js';
import type { Config } from './config.js';
import type { CommitOps } from './configs/atomic.js';
import type { AppContext } from './context.js';
import type { Db } from './db.js';
import { ApiError, apiNotFound, errorMiddleware } from './errors.js';
import { requireJsonForMutations, securityHeaders } from './http/security.js';
import { webApp } from './http/static.js';
import { MetricsHub } from './metrics/hub.js';
import { createPrometheusExporter, type PrometheusExporter } from './metrics/prometheus.js';
import { MetricsRing } from './metrics/ring.js';
import { MetricsSampler } from './metrics/sampler.js';
import { MetricsStore } from './metrics/store.js';
import { MetricsTokenStore } from './metrics/token.js';
import { configRoutes } from './routes/configs.js';
import { domainRoutes } from './routes/domains.js';
import { hostRoutes } from './routes/host.js';
import { metricsRoutes } from './routes/metrics.js';
import { sessionRoutes } from './routes/session.js';
import type { RouteDef } from './routes/types.js';
import { EventHub } from './ws/events.js';
import { createUpgradeHandler, type WsRoute } from './ws/router.js';

/** Largest JSON body of a route that does not say otherwise: 64 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Prefix of every REST route. */
export const API_PREFIX = '/api/v1';

export interface AppDeps {
  config: Config;
  db: Db;
  hypervisor: Hypervisor;
  logger: Logger;
  /** Test hooks: clock for sessions and throttling, websocket ping period (ms). */
  options?: {
    now?: () => number;
    pingMs?: number;
    maxBufferedBytes?: number;
    /** Replaces the rename/link that commit a config file write (to simulate failures). */
    configCommitOps?: CommitOps;
    /** Metrics: wall clock of the sampler and history (default Date.now); whether the sampler
     * starts its timer (default true; tests may call `metrics.sampler.tick()` themselves). */
    metrics?: { now?: () => number; autoStart?: boolean };
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

export interface XendeckApp {
  app: Express;
  /** Every REST route, as mounted (paths under {@link API_PREFIX}). */
  routes: readonly RouteDef[];
  /** Every websocket route. */
  wsRoutes: readonly WsRoute[];
  context: AppContext;
  events: EventHub;
  metrics: AppMetrics;
  /** Routes outside {@link API_PREFIX}, with their own authentication (`GET /metrics`). */
  plainRoutes: readonly { method: 'get'; path: string; summary: string }[];
  /** Routes websocket upgrades of `httpServer` (auth before upgrade). */
  attachWebsockets: (httpServer: Server) => void;
  /**
   * Stops the metrics sampler (writing the minute being built), closes event and metrics sockets
   * and timers (not the database nor the hypervisor, which the caller owns).
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
          remoteAddr: req.socket.remoteAddress,
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
  const users = new Users(db);
  const sessions = new Sessions(db, now);
  const events = new EventHub(hypervisor, logger, {
    reconcileMs: config.reconcileMs,
    pingMs: deps.options?.pingMs,
    maxBufferedBytes: deps.options?.maxBufferedBytes,
  });
  const context: AppContext = {
    config,
    db,
    hypervisor,
    logger,
    users,
    sessions,
    throttle: new LoginThrottle(now),
    audit: createAudit(logger),
    refreshSoon: () => void events.refresh(),
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
  const exporter = createPrometheusExporter({
    latestSnapshot: () => sampler.latest?.snapshot,
  });
  sampler.onTick((tick) => exporter.observeSampleDuration(tick.durationSeconds));
  const metrics: AppMetrics = {
    sampler,
    ring,
    store,
    hub: new MetricsHub(sampler, logger, {
      pingMs: deps.options?.pingMs,
      maxBufferedBytes: deps.options?.maxBufferedBytes,
    }),
    exporter,
    token: new MetricsTokenStore(db, config.metricsToken),
  };

  const routes: RouteDef[] = [
    ...sessionRoutes(context),
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
  ];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders());
  app.use(requestLog(logger));

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
        if (access !== 'public') {
          res.locals.user = requireRole(authenticate(req, sessions), access);
        }
        next();
      },
      // Bodies are parsed only after the access check, with the route's own size limit.
      jsonParser(route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES),
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const wsRoutes: WsRoute[] = [events.route(), metrics.hub.route()];
  const onUpgrade = createUpgradeHandler(context, wss, wsRoutes);
  const servers = new Set<Server>();

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

  return {
    app,
    routes,
    wsRoutes,
    context,
    events,
    metrics,
    plainRoutes: [
      { method: 'get', path: '/metrics', summary: 'Prometheus exposition (bearer token)' },
    ],
    attachWebsockets: (httpServer) => {
      servers.add(httpServer);
      httpServer.on('upgrade', onUpgrade);
    },
    close: async () => {
      clearInterval(purgeTimer);
      for (const s of servers) s.off('upgrade', onUpgrade);
      await sampler.stop();
      metrics.hub.close();
      await events.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
