/**
 * The metrics contract as the web app reads it. Until `@xendeck/api` carries the metrics schemas,
 * they are spelled here from the server's announced shapes; once they land this file re-exports
 * them, so the rest of the feature does not change.
 */
import { z } from 'zod';

/** A rate or a null: rates are null on a series' first sample (no previous counter to diff). */
const rate = z.number().nullable();

/** Host figures in one tick of `WS /api/v1/metrics`. */
export const metricsHostSchema = z.object({
  /** Physical CPUs. */
  nrCpus: z.number().int(),
  /** CPU frequency, MHz. */
  cpuMhz: z.number(),
  /** Host memory, bytes. */
  totalMemoryBytes: z.number(),
  /** Memory free in Xen's heap, bytes. */
  freeMemoryBytes: z.number(),
  /** Busy share of all physical CPUs over the last interval, percent (0–100); null at first. */
  cpuPercent: rate,
});

/** One domain in one tick, with xentop's columns (totals) and rates over the last interval. */
export const metricsDomainSchema = z.object({
  domid: z.number().int(),
  name: z.string(),
  state: z.string(),
  /** CPU time since the domain started, seconds. */
  cpuSeconds: z.number(),
  /** CPU over the last interval, percent of one physical CPU (xentop's CPU(%): may exceed 100). */
  cpuPercent: rate,
  /** Current memory, bytes. */
  memoryBytes: z.number(),
  /** Maximum memory, bytes. */
  maxMemoryBytes: z.number().nullable(),
  /** memoryBytes as a percent of host memory. */
  memoryPercent: z.number(),
  vcpus: z.number().int(),
  /** Number of vifs. */
  nets: z.number().int(),
  /** Bytes sent / received, totals over every vif (xentop NETTX / NETRX). */
  netTxBytes: z.number(),
  netRxBytes: z.number(),
  /** Bytes per second over the last interval. */
  netTxBps: rate,
  netRxBps: rate,
  /** Number of vbds. */
  vbds: z.number().int(),
  /** Request totals (xentop VBD_OO, VBD_RD, VBD_WR) and 512-byte sector totals. */
  vbdOo: z.number(),
  vbdRd: z.number(),
  vbdWr: z.number(),
  vbdRdSectors: z.number(),
  vbdWrSectors: z.number(),
  /** Read / write requests per second over the last interval. */
  vbdRdPs: rate,
  vbdWrPs: rate,
});

/** One message of `WS /api/v1/metrics`: a sample per tick. `t` is ms since the epoch. */
export const metricsSampleSchema = z.object({
  type: z.literal('sample'),
  t: z.number(),
  intervalMs: z.number(),
  host: metricsHostSchema,
  domains: z.array(metricsDomainSchema),
});

/** The ranges of the history endpoints. */
export const metricsRanges = ['10m', '1h', '24h', '30d'] as const;
export const metricsRangeSchema = z.enum(metricsRanges);

/** One averaged step of history: avg values and, where kept, the step's maximum. */
export const metricsHistoryPointSchema = z.object({
  t: z.number(),
  cpuPercent: z.number().nullable(),
  cpuPercentMax: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  memoryBytesMax: z.number().nullable(),
  netRxBps: z.number().nullable(),
  netTxBps: z.number().nullable(),
  vbdRdPs: z.number().nullable(),
  vbdWrPs: z.number().nullable(),
});

/** `GET /api/v1/domains/:name/metrics?range=` and `GET /api/v1/host/metrics?range=`. */
export const metricsHistorySchema = z.object({
  range: metricsRangeSchema,
  stepSeconds: z.number(),
  points: z.array(metricsHistoryPointSchema),
});

export type MetricsHost = z.infer<typeof metricsHostSchema>;
export type MetricsDomain = z.infer<typeof metricsDomainSchema>;
export type MetricsSample = z.infer<typeof metricsSampleSchema>;
export type MetricsRange = z.infer<typeof metricsRangeSchema>;
export type MetricsHistoryPoint = z.infer<typeof metricsHistoryPointSchema>;
export type MetricsHistory = z.infer<typeof metricsHistorySchema>;
