// Summary statistics of the hypervisor benchmarks' timings (sample-bench.mjs,
// metrics-scale-bench.mjs).

/** Count, mean, median and p95 of durations in ns, in ms. */
export function stats(ns) {
  const s = [...ns].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return {
    n: s.length,
    meanMs: s.reduce((a, b) => a + b, 0) / s.length / 1e6,
    medianMs: at(0.5) / 1e6,
    p95Ms: at(0.95) / 1e6,
  };
}
