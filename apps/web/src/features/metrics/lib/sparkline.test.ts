import { describe, expect, it } from 'vitest';
import { sparklinePath } from './sparkline';

describe('sparklinePath', () => {
  const base = { now: 120_000, windowMs: 120_000, width: 120, height: 21, minTop: 100 };
  it('places points by time and value, 0 at the bottom and minTop at the top', () => {
    const d = sparklinePath({
      ...base,
      points: [
        { t: 0, v: 0 },
        { t: 60_000, v: 50 },
        { t: 120_000, v: 100 },
      ],
    });
    expect(d).toBe('M0.0 20.5 L60.0 10.5 L120.0 0.5');
  });
  it('breaks the line at nulls and drops points outside the window', () => {
    const d = sparklinePath({
      ...base,
      points: [
        { t: -5000, v: 10 },
        { t: 0, v: 0 },
        { t: 30_000, v: null },
        { t: 60_000, v: 0 },
        { t: 90_000, v: 0 },
      ],
    });
    expect(d).toBe('M0.0 20.5 M60.0 20.5 L90.0 20.5');
  });
  it('raises the top for values above minTop and is empty without values', () => {
    const d = sparklinePath({
      ...base,
      points: [
        { t: 0, v: 200 },
        { t: 120_000, v: 100 },
      ],
    });
    expect(d).toBe('M0.0 0.5 L120.0 10.5');
    expect(sparklinePath({ ...base, points: [{ t: 0, v: null }] })).toBe('');
  });
});
