import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { type MetricsHistory, type MetricsRange, metricsHistorySchema } from '../lib/contract';
import { historyRefetchMs } from './history-refetch';

/** Cache key of the host's metrics history for one range. */
export const hostMetricsQueryKey = (range: MetricsRange) => ['metrics', 'host', range] as const;

/**
 * `GET /api/v1/host/metrics?range=`: the host's history, one averaged point per `stepSeconds`
 * with the step's maximum. `t` ms since the epoch; CPU in percent of all physical CPUs, memory
 * (used) in bytes. Throws ApiError.
 */
export function getHostMetrics(range: MetricsRange, signal?: AbortSignal): Promise<MetricsHistory> {
  return apiFetch(`/host/metrics?range=${range}`, {
    schema: metricsHistorySchema,
    ...(signal ? { signal } : {}),
  });
}

export const hostMetricsQueryOptions = (range: MetricsRange) =>
  queryOptions({
    queryKey: hostMetricsQueryKey(range),
    queryFn: ({ signal }) => getHostMetrics(range, signal),
    refetchInterval: historyRefetchMs(range),
  });

export const useHostMetrics = (range: MetricsRange, enabled = true) =>
  useQuery({ ...hostMetricsQueryOptions(range), enabled });
