/** Reconnect timing shared by the app's websockets (events, metrics). */

/**
 * Delay before reconnect attempt `attempt` (0-based), in ms: 1 s doubling to at most 30 s, with
 * ±20 % jitter from `random()` so many tabs do not reconnect in step.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
