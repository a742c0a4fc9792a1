import { describe, expect, it } from 'vitest';
import { etaMs, nextRate, RATE_SAMPLE_MS, RATE_SMOOTHING, startRate } from './upload-rate';

describe('upload rate', () => {
  it('has no rate or ETA before the first full sample', () => {
    const s0 = startRate(1000);
    const s1 = nextRate(s0, 5_000_000, 1000 + RATE_SAMPLE_MS - 1);
    expect(s1).toBe(s0);
    expect(etaMs(s1, 5_000_000, 10_000_000)).toBeNull();
  });

  it('takes the first sample as it is, then smooths the next ones', () => {
    let s = startRate(0);
    s = nextRate(s, 10_000_000, 1000); // 10 MB in 1 s
    expect(s.bytesPerSecond).toBe(10_000_000);
    s = nextRate(s, 12_000_000, 2000); // then 2 MB/s for a second
    expect(s.bytesPerSecond).toBeCloseTo(
      RATE_SMOOTHING * 2_000_000 + (1 - RATE_SMOOTHING) * 10_000_000,
    );
    // A jump does not swing the figure all the way.
    expect(s.bytesPerSecond).toBeGreaterThan(2_000_000);
  });

  it('gives the time left at the smoothed rate', () => {
    let s = startRate(0);
    s = nextRate(s, 4_000_000, 1000);
    expect(etaMs(s, 4_000_000, 20_000_000)).toBe(4000);
    expect(etaMs(s, 20_000_000, 20_000_000)).toBe(0);
  });
});
