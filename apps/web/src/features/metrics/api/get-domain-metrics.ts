import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { type MetricsHistory, type MetricsRange, metricsHistorySchema } from '../lib/contract';
import { historyRefetchMs } from './history-refetch';

/** Cache key of one domain's metrics history for one range. */
export const domainMetricsQueryKey = (name: string, range: MetricsRange) =>
  ['metrics', 'domain', name, range] as const;

/**
 * `GET /api/v1/domains/:name/metrics?range=`: the domain's history (by name, so it spans
 * restarts), one averaged point per `stepSeconds` with the step's maximum for CPU % and memory.
 * `t` ms since the epoch; CPU in percent of one physical CPU, memory in bytes, network in bytes/s,
 * disk in requests/s. Throws ApiError (404 `DOMAIN_NOT_FOUND` when nothing is recorded for it).
 */
export function getDomainMetrics(
  name: string,
  range: MetricsRange,
  signal?: AbortSignal,
): Promise<MetricsHistory> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/metrics?range=${range}`, {
    schema: metricsHistorySchema,
    ...(signal ? { signal } : {}),
  });
}

export const domainMetricsQueryOptions = (name: string, range: MetricsRange) =>
  queryOptions({
    queryKey: domainMetricsQueryKey(name, range),
    queryFn: ({ signal }) => getDomainMetrics(name, range, signal),
    refetchInterval: historyRefetchMs(range),
  });

export const useDomainMetrics = (name: string, range: MetricsRange, enabled = true) =>
  useQuery({ ...domainMetricsQueryOptions(name, range), enabled });
