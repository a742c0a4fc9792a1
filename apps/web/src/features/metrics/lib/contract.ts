/**
 * The metrics contract as the web app reads it: `@xendeck/api`'s schemas under the names this
 * feature uses. Units are in the field names (Bytes, Bps = bytes/s, Ps = requests/s, Percent,
 * Seconds); network direction is the backend's (dom0's), as xentop: `netRx` = sent by the guest.
 */
import {
  METRICS_FIELDS,
  type MetricsField,
  type MetricsFrame,
  type MetricsHistory,
  type MetricsMessage,
  type MetricsPoint,
  type MetricsRange,
  type MetricsViewDomain,
  type MetricsViewSample,
  metricsHistorySchema,
  metricsMessageSchema,
  metricsRangeSchema,
} from '@xendeck/api';

export type { MetricsField, MetricsFrame, MetricsHistory, MetricsMessage, MetricsRange };
export { METRICS_FIELDS, metricsHistorySchema, metricsMessageSchema, metricsRangeSchema };
/**
 * One domain in a sample (xentop's columns and rates): domid and name, and the fields the page's
 * subscription asked for (`../api/metrics-view.ts`); a field not subscribed is absent.
 */
export type MetricsDomain = MetricsViewDomain;
/**
 * One sample of `WS /api/v1/metrics`: a legacy `sample` message, or the view a `frame` decodes
 * to (`MetricsFrameDecoder`, same shape with only the subscribed fields).
 */
export type MetricsSample = MetricsViewSample;
/** One averaged step of history (avg and max). */
export type MetricsHistoryPoint = MetricsPoint;
