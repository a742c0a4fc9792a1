/**
 * The domains table's CPU sparkline as an SVG path. A path, not a uPlot instance: at 80×20 px
 * there are no axes, legend or cursor to draw, and one canvas, ResizeObserver and redraw per row
 * per second would cost far more than one `d` string; the path also renders in jsdom for tests.
 */

export interface SparklineInput {
  /** Points of the series (any order of arrival; null values break the line). */
  points: readonly { t: number; v: number | null }[];
  /** Right edge of the window, ms since the epoch (the newest sample's time). */
  now: number;
  /** Width of the window, ms (2 minutes in the table). */
  windowMs: number;
  width: number;
  height: number;
  /** The value drawn at the top edge; larger values raise it. */
  minTop: number;
}

/**
 * `d` of an SVG path: `M` starts each run of known values, `L` continues it; x places each point
 * by its time in the window (so a gap or a young series shows as such), y is 0 at the bottom and
 * `max(minTop, largest value)` at the top, with half a pixel of margin. Empty string when no
 * point in the window has a value.
 */
export function sparklinePath({
  points,
  now,
  windowMs,
  width,
  height,
  minTop,
}: SparklineInput): string {
  const from = now - windowMs;
  const visible = points.filter((p) => p.t >= from && p.t <= now);
  let top = minTop;
  for (const p of visible) if (p.v !== null && p.v > top) top = p.v;
  const h = height - 1;
  const parts: string[] = [];
  let pen = false;
  for (const p of visible) {
    if (p.v === null) {
      pen = false;
      continue;
    }
    const x = ((p.t - from) / windowMs) * width;
    const y = 0.5 + h - (Math.max(0, p.v) / top) * h;
    parts.push(`${pen ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`);
    pen = true;
  }
  return parts.join(' ');
}
