import type { MetricsRange } from '../lib/contract';

/**
 * How often a history range is refetched while shown, ms. `10m` is fetched once to seed the live
 * chart (the websocket appends from there); longer ranges refresh about once per new step.
 */
export function historyRefetchMs(range: MetricsRange): number | false {
  switch (range) {
    case '10m':
      return false;
    case '1h':
      return 30_000;
    case '24h':
      return 5 * 60_000;
    case '30d':
      return 30 * 60_000;
  }
}
