export {
  domainMetricsQueryKey,
  domainMetricsQueryOptions,
  getDomainMetrics,
  useDomainMetrics,
} from './api/get-domain-metrics';
export {
  getHostMetrics,
  hostMetricsQueryKey,
  hostMetricsQueryOptions,
  useHostMetrics,
} from './api/get-host-metrics';
export {
  MetricsStream,
  metricsStore,
  metricsUrl,
  useDomainSeries,
  useHostSeries,
  useLatestSample,
  useMetricsStatus,
  useMetricsStream,
  useMetricsView,
} from './api/metrics-stream';
export { DomainCpuCell, DomainLiveNumbers, useDomainSample } from './components/domain-live';
export { CpuSparkline, MemorySparkline } from './components/domain-sparklines';
export { TimeSeriesChart } from './components/lazy-time-series-chart';
export { XlTop } from './components/lazy-xl-top';
export { DomainMetricsCharts, HostMetricsCharts } from './components/metrics-charts';
export { MetricsStatusNote } from './components/metrics-status-note';
export { RangePicker } from './components/range-picker';
export type { MetricsDomain, MetricsField, MetricsRange, MetricsSample } from './lib/contract';
export { type LivePoint, type MetricsStatus, MetricsStore } from './lib/metrics-store';
export { ALL_FIELDS, type MetricsViewRequest } from './lib/metrics-view';
