/**
 * The uPlot chart of `time-series-chart.tsx`, loaded on first use: `time-series-chart.tsx` and uPlot (~23 KB
 * gzipped, plus its CSS) are a separate chunk the first page does not load. While it loads, the
 * same caption and an empty box of the chart's height (with the chart's `data-testid`) hold the
 * place, so the layout does not jump.
 */
import { lazy, Suspense } from 'react';
import type { TimeSeriesChartProps } from './time-series-chart';

const LazyChart = lazy(() =>
  import('./time-series-chart').then((m) => ({ default: m.TimeSeriesChart })),
);

/** Same props as the real chart. */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { title, testId, height = 180 } = props;
  return (
    <Suspense
      fallback={
        <figure className="m-0 flex min-w-0 flex-col gap-1">
          <figcaption className="text-xs font-medium text-zinc-600 dark:text-zinc-300">
            {title}
          </figcaption>
          <div
            data-testid={testId}
            role="img"
            aria-label={`${title} chart (loading)`}
            style={{ height: height + 30 }}
          />
        </figure>
      }
    >
      <LazyChart {...props} />
    </Suspense>
  );
}
