/**
 * Metrics history and the `/metrics` token:
 * - `GET /domains/:name/metrics?range=10m|1h|24h|30d`, `GET /host/metrics?range=...`
 *   (`metricsHistorySchema`): 10m from the in-memory ring (1 point per tick), 1h = the last 60
 *   1-minute rows, 24h = 1-minute rows, 30d = 1-hour rows (SQLite). `range` defaults to 10m;
 *   anything else is 422 INVALID_INPUT. A domain name with no history that no domain has now is
 *   404 DOMAIN_NOT_FOUND.
 * - `GET /settings/metrics-token`, `POST /settings/metrics-token/rotate` (`metricsTokenSchema`).
 */
import {
  type MetricsHistory,
  type MetricsPoint,
  type MetricsRange,
  metricsRangeSchema,
} from '@xendeck/api';
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { MetricsRing } from '../metrics/ring.js';
import { HOST_SERIES } from '../metrics/sample.js';
import { DAY_MS, HOUR_MS, type MetricsStore } from '../metrics/store.js';
import type { MetricsTokenStore } from '../metrics/token.js';
import { parseDomainName } from '../validate.js';
import type { RouteDef } from './types.js';

export interface MetricsRouteDeps {
  ring: MetricsRing;
  store: MetricsStore;
  token: MetricsTokenStore;
  /** The sampler's period, ms (the step of the 10m range). */
  intervalMs: number;
  /** Wall clock, ms since the epoch. */
  now: () => number;
}

/** The `range` query parameter; 422 INVALID_INPUT naming it when it is not one of the four. */
export function parseRange(req: Request): MetricsRange {
  const raw = req.query.range ?? '10m';
  const r = metricsRangeSchema.safeParse(raw);
  if (!r.success) {
    const message = `range must be one of ${metricsRangeSchema.options.join(', ')}`;
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid range ${JSON.stringify(raw)} in the query: ${message}`,
      {
        where: 'query',
        issues: [{ path: 'range', message }],
      },
    );
  }
  return r.data;
}

/** The history of one series for a range. */
export function history(
  deps: MetricsRouteDeps,
  series: string,
  range: MetricsRange,
): MetricsHistory {
  const now = deps.now();
  let points: MetricsPoint[];
  let stepSeconds: number;
  switch (range) {
    case '10m':
      points = deps.ring.points(series);
      stepSeconds = deps.intervalMs / 1000;
      break;
    case '1h':
      points = deps.store.minutes(series, now - HOUR_MS, 60);
      stepSeconds = 60;
      break;
    case '24h':
      points = deps.store.minutes(series, now - DAY_MS);
      stepSeconds = 60;
      break;
    case '30d':
      points = deps.store.hours(series, now - 30 * DAY_MS);
      stepSeconds = 3600;
      break;
  }
  return { range, stepSeconds, points };
}

export function metricsRoutes(ctx: AppContext, deps: MetricsRouteDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/domains/:name/metrics',
      access: { domain: 'metrics' },
      summary: 'History of one domain: ?range=10m|1h|24h|30d (CPU %, memory, net, vbd)',
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const range = parseRange(req);
        if (!deps.ring.has(name) && !deps.store.has(name)) {
          if ((await ctx.hypervisor.domidByName(name)) === undefined) {
            throw new ApiError(
              'DOMAIN_NOT_FOUND',
              `No domain named "${name}" and no history of one`,
              {
                name,
              },
            );
          }
        }
        res.json(history(deps, name, range));
      },
    },
    {
      method: 'get',
      path: '/host/metrics',
      access: 'operator',
      summary: 'History of the host: ?range=10m|1h|24h|30d (CPU % of the host, memory used, I/O)',
      handler: (req, res) => {
        res.json(history(deps, HOST_SERIES, parseRange(req)));
      },
    },
    {
      method: 'get',
      path: '/settings/metrics-token',
      access: 'admin',
      summary: 'The bearer token of GET /metrics (Prometheus)',
      handler: (_req, res) => {
        res.json(deps.token.current());
      },
    },
    {
      method: 'post',
      path: '/settings/metrics-token/rotate',
      access: 'admin',
      summary: 'Replace the /metrics token (409 when XENDECK_METRICS_TOKEN sets it)',
      audit: { action: 'metrics-token.rotate', target: () => 'settings:metrics-token' },
      handler: (_req, res) => {
        res.json(deps.token.rotate());
      },
    },
  ];
}
