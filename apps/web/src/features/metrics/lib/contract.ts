/**
 * The metrics contract as the web app reads it: `@xendeck/api`'s schemas under the names this
 * feature uses. Units are in the field names (Bytes, Bps = bytes/s, Ps = requests/s, Percent,
 * Seconds); network direction is the backend's (dom0's), as xentop: `netRx` = sent by the guest.
 */
import {
  type MetricsDomainSample,
  type MetricsHistory,
  type MetricsMessage,
  type MetricsPoint,
  type MetricsRange,
  type MetricsSampleMessage,
  metricsHistorySchema,
  metricsMessageSchema,
  metricsRangeSchema,
} from '@xendeck/api';

export type { MetricsHistory, MetricsMessage, MetricsRange };
export { metricsHistorySchema, metricsMessageSchema, metricsRangeSchema };
/** One domain in a sample (xentop's columns and rates). */
export type MetricsDomain = MetricsDomainSample;
/** One `sample` message of `WS /api/v1/metrics`. */
export type MetricsSample = MetricsSampleMessage;
/** One averaged step of history (avg and max). */
export type MetricsHistoryPoint = MetricsPoint;
