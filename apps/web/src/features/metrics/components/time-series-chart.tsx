import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useColorScheme } from '@/lib/use-color-scheme';
import { buildChartOptions, type ChartSeriesSpec, type ChartUnit } from '../lib/chart-options';

export interface TimeSeriesChartProps {
  /** `data-testid` of the chart's container (e2e reads `chart-cpu`, `chart-host-memory`...). */
  testId: string;
  title: string;
  unit: ChartUnit;
  series: readonly ChartSeriesSpec[];
  /** uPlot's columns: `[t ms since the epoch, ...one array per series]`, null = no value. */
  data: uPlot.AlignedData;
  /** A fixed x window (live charts: the last 10 minutes up to now); else the data's extent. */
  xWindow?: readonly [number, number];
  /** A fixed top of the y scale. */
  yMax?: number;
  height?: number;
  /** Shown over the plot while there is no data (e.g. "Waiting for the first sample…"). */
  emptyText?: string;
}

/**
 * One uPlot chart that owns its lifecycle: the plot is created in an effect (again when the
 * colour scheme, unit or series change), fed with `setData` on every new `data`, resized to its
 * container's width by a ResizeObserver, and destroyed on cleanup.
 */
export function TimeSeriesChart({
  testId,
  title,
  unit,
  series,
  data,
  xWindow,
  yMax,
  height = 180,
  emptyText,
}: TimeSeriesChartProps) {
  const scheme = useColorScheme();
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const windowRef = useRef(xWindow);
  windowRef.current = xWindow;

  // The series' identity for re-creation: labels and colours, not the array object.
  const seriesKey = JSON.stringify(series);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const opts = buildChartOptions({
      unit,
      series: JSON.parse(seriesKey) as ChartSeriesSpec[],
      scheme,
      width: Math.max(200, Math.floor(el.clientWidth)),
      height,
      xWindow: () => windowRef.current,
      ...(yMax !== undefined ? { yMax } : {}),
    });
    const plot = new uPlot(opts, dataRef.current, el);
    plotRef.current = plot;

    const observer =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver((entries) => {
            const w = Math.floor(entries[0]?.contentRect.width ?? 0);
            if (w > 0 && w !== plot.width) plot.setSize({ width: w, height });
          });
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [scheme, unit, seriesKey, height, yMax]);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data]);

  const empty =
    (data[0]?.length ?? 0) === 0 ||
    data
      .slice(1)
      .every((col) =>
        Array.from(col as ArrayLike<number | null | undefined>).every((v) => v == null),
      );

  return (
    <figure className="m-0 flex min-w-0 flex-col gap-1">
      <figcaption className="text-xs font-medium text-zinc-600 dark:text-zinc-300">
        {title}
      </figcaption>
      <div className="relative">
        <div
          ref={containerRef}
          data-testid={testId}
          role="img"
          aria-label={`${title} chart`}
          className="xd-chart min-w-0"
        />
        {empty && emptyText ? (
          <p className="pointer-events-none absolute inset-x-0 top-12 text-center text-xs text-zinc-500 dark:text-zinc-400">
            {emptyText}
          </p>
        ) : null}
      </div>
    </figure>
  );
}
