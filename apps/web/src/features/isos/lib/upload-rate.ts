/**
 * Upload speed and time left from `xhr.upload` progress events: an exponentially smoothed rate
 * (bytes/s) over samples at least {@link RATE_SAMPLE_MS} apart, so the figure neither jumps with
 * every event nor lags for long. Pure: the caller keeps the state.
 */

/** Shortest time between two rate samples, ms. */
export const RATE_SAMPLE_MS = 250;

/** Weight of the newest sample in the smoothed rate (0..1). */
export const RATE_SMOOTHING = 0.3;

export interface RateState {
  /** Bytes sent at the last sample, and when (ms, any monotonic clock). */
  sampleBytes: number;
  sampleAtMs: number;
  /** Smoothed bytes per second; null until the first full sample. */
  bytesPerSecond: number | null;
}

/** The state at the start of an upload (0 bytes at `nowMs`). */
export function startRate(nowMs: number): RateState {
  return { sampleBytes: 0, sampleAtMs: nowMs, bytesPerSecond: null };
}

/**
 * The state after `loadedBytes` were sent by `nowMs`: unchanged until {@link RATE_SAMPLE_MS} have
 * passed since the last sample, then the new rate blended in.
 */
export function nextRate(state: RateState, loadedBytes: number, nowMs: number): RateState {
  const dt = nowMs - state.sampleAtMs;
  if (dt < RATE_SAMPLE_MS) return state;
  const instant = ((loadedBytes - state.sampleBytes) * 1000) / dt;
  const bytesPerSecond =
    state.bytesPerSecond === null
      ? instant
      : RATE_SMOOTHING * instant + (1 - RATE_SMOOTHING) * state.bytesPerSecond;
  return { sampleBytes: loadedBytes, sampleAtMs: nowMs, bytesPerSecond };
}

/** Milliseconds left at the smoothed rate, or null while unknown (no rate yet, or 0). */
export function etaMs(state: RateState, loadedBytes: number, totalBytes: number): number | null {
  if (!state.bytesPerSecond || state.bytesPerSecond <= 0) return null;
  return (Math.max(0, totalBytes - loadedBytes) * 1000) / state.bytesPerSecond;
}
