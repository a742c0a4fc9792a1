/**
 * uPlot options for Xendeck's time-series charts: time on x (ms since the epoch), one unit per
 * chart on y with the unit written on the ticks, colours for the light and dark themes, and
 * "max" series drawn faint with a band down to their average.
 */
import type uPlot from 'uplot';
import {
  formatBytesPerSec,
  formatMemoryBytes,
  formatPercent,
  formatReqPerSec,
  formatTick,
  memoryAxisUnit,
  rateAxisUnit,
} from './format-metrics';

/** What a chart's y values are: percent, bytes (MiB/GiB), bytes per second, requests per second. */
export type ChartUnit = 'percent' | 'bytes' | 'bytesPerSec' | 'reqPerSec';

export type ColorScheme = 'light' | 'dark';

/** One line of a chart. */
export interface ChartSeriesSpec {
  label: string;
  /** Line colour as `[light, dark]`. */
  color: readonly [string, string];
  /** A maximum drawn thin and faint, with a band down to series `bandTo` (an index in the specs). */
  bandTo?: number;
  /** Dashed (a limit such as max memory or total memory). */
  dashed?: boolean;
  /** Area fill under the line. */
  fill?: boolean;
}

export interface ChartOptionsInput {
  unit: ChartUnit;
  series: readonly ChartSeriesSpec[];
  scheme: ColorScheme;
  width: number;
  height: number;
  /** A fixed x window `[fromMs, toMs]` to show (live charts scroll with it); else fit the data. */
  xWindow?: () => readonly [number, number] | undefined;
  /** A fixed top of the y scale (e.g. 100 for host CPU %); else the data's maximum plus 10 %. */
  yMax?: number;
}

/** Formats one value of `unit` for a legend or a live number. */
export function formatValue(unit: ChartUnit, v: number | null | undefined): string {
  switch (unit) {
    case 'percent':
      return formatPercent(v);
    case 'bytes':
      return formatMemoryBytes(v);
    case 'bytesPerSec':
      return formatBytesPerSec(v);
    case 'reqPerSec':
      return formatReqPerSec(v);
  }
}

/** Tick labels of a y axis in `unit`: the largest tick picks MiB vs GiB, B/s vs KiB/s vs MiB/s. */
export function yTickLabels(unit: ChartUnit, splits: readonly number[], incr: number): string[] {
  const max = Math.max(0, ...splits.map((s) => Math.abs(s)));
  switch (unit) {
    case 'percent':
      return splits.map((v) => `${formatTick(v, incr)}%`);
    case 'reqPerSec':
      return splits.map((v) => formatTick(v, incr));
    case 'bytes': {
      const u = memoryAxisUnit(max);
      return splits.map((v) => `${formatTick(v / u.divisor, incr / u.divisor)} ${u.label}`);
    }
    case 'bytesPerSec': {
      const u = rateAxisUnit(max);
      return splits.map((v) => `${formatTick(v / u.divisor, incr / u.divisor)} ${u.label}`);
    }
  }
}

/** The y axis's title: the unit, since KiB/s vs MiB/s changes with the data it is on the ticks. */
export function yAxisLabel(unit: ChartUnit): string {
  switch (unit) {
    case 'percent':
      return 'CPU %';
    case 'bytes':
      return 'memory';
    case 'bytesPerSec':
      return 'bytes/s';
    case 'reqPerSec':
      return 'requests/s';
  }
}

const AXIS = { light: '#52525b', dark: '#a1a1aa' } as const; // zinc-600 / zinc-400
const GRID = { light: '#e4e4e7', dark: '#3f3f46' } as const; // zinc-200 / zinc-700

/** The last non-null value of a column (the legend's figure while the cursor is off the plot). */
export function lastValue(col: ArrayLike<number | null | undefined> | undefined): number | null {
  if (!col) return null;
  for (let i = col.length - 1; i >= 0; i -= 1) {
    const v = col[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

function spanMs(ts: readonly number[]): number {
  return ts.length > 1 ? (ts[ts.length - 1] as number) - (ts[0] as number) : 0;
}

/** A time for the legend: `14:05:09` within a day, `Nov 22, 14:05` across days. */
export function formatTime(ms: number, spanOfDataMs: number): string {
  const d = new Date(ms);
  return spanOfDataMs > 24 * 3600_000
    ? d.toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      })
    : d.toLocaleTimeString();
}

/**
 * Tick steps in binary units (…, 256 MiB, 512 MiB, 1 GiB, 2 GiB, …), so byte and byte-rate axes
 * tick at round values in the unit they are labelled in.
 */
export const BINARY_INCRS: number[] = [1, 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4].flatMap((u) =>
  [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * u),
);

/** `#rrggbb` with an alpha, for fills. */
function alpha(hex: string, a: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Builds the uPlot options of one chart. */
export function buildChartOptions(input: ChartOptionsInput): uPlot.Options {
  const { unit, scheme, width, height, xWindow, yMax } = input;
  const dark = scheme === 'dark';
  const axisStroke = AXIS[scheme];
  const grid = { stroke: GRID[scheme], width: 1 };
  const ticks = { stroke: GRID[scheme], width: 1, size: 4 };
  const font = '11px ui-sans-serif, system-ui, sans-serif';

  const series: uPlot.Series[] = [
    {
      label: 'Time',
      value: (u, v, _s, idx) =>
        idx === null ? 'latest' : formatTime(v, spanMs(u.data[0] as readonly number[])),
    },
    ...input.series.map((s): uPlot.Series => {
      const color = dark ? s.color[1] : s.color[0];
      const isMax = s.bandTo !== undefined;
      return {
        label: s.label,
        stroke: isMax ? alpha(color, 0.45) : color,
        width: isMax ? 1 : 1.5,
        ...(s.dashed ? { dash: [4, 4] } : {}),
        ...(s.fill ? { fill: alpha(color, dark ? 0.18 : 0.1) } : {}),
        // uPlot shows the points only where they are far apart (a new series, a 1-point range).
        points: { size: 4, width: 1 },
        spanGaps: false,
        value: (u, v, seriesIdx, idx) =>
          formatValue(unit, idx === null ? lastValue(u.data[seriesIdx]) : v),
      };
    }),
  ];

  const bands: uPlot.Band[] = [];
  input.series.forEach((s, i) => {
    if (s.bandTo === undefined) return;
    const color = dark ? s.color[1] : s.color[0];
    bands.push({ series: [i + 1, s.bandTo + 1], fill: alpha(color, dark ? 0.16 : 0.12) });
  });

  return {
    width,
    height,
    ms: 1,
    series,
    bands,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: {
        time: true,
        range: (_u, min, max): uPlot.Range.MinMax => {
          const w = xWindow?.();
          return w ? [w[0], w[1]] : [min, max];
        },
      },
      y: {
        range: (_u, _min, max) => {
          if (yMax !== undefined) return [0, yMax];
          const top = Number.isFinite(max) && max > 0 ? max * 1.1 : unit === 'percent' ? 1 : 1;
          return [0, top];
        },
      },
    },
    axes: [
      { stroke: axisStroke, grid, ticks, font, space: 60 },
      {
        stroke: axisStroke,
        grid,
        ticks,
        font,
        size: 68,
        space: 24,
        label: yAxisLabel(unit),
        labelSize: 16,
        labelFont: font,
        values: (_u, splits, _axisIdx, _space, incr) => yTickLabels(unit, splits, incr),
        ...(unit === 'bytes' || unit === 'bytesPerSec' ? { incrs: BINARY_INCRS } : {}),
      },
    ],
  };
}
