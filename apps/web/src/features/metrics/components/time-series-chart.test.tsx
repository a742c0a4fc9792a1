import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeUPlot } from '@/test/fake-uplot';
import { TimeSeriesChart } from './time-series-chart';

vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }));

beforeEach(() => {
  FakeUPlot.instances = [];
});

const series = [{ label: 'CPU', color: ['#000000', '#ffffff'] as const }];

describe('<TimeSeriesChart>', () => {
  it('creates one plot, feeds new data with setData, destroys it on unmount', () => {
    const first: [number[], (number | null)[]] = [
      [1000, 2000],
      [5, 6],
    ];
    const { rerender, unmount, getByTestId } = render(
      <TimeSeriesChart
        testId="chart-cpu"
        title="CPU"
        unit="percent"
        series={series}
        data={first}
      />,
    );
    expect(FakeUPlot.instances).toHaveLength(1);
    const plot = FakeUPlot.instances[0] as FakeUPlot;
    expect(plot.target).toBe(getByTestId('chart-cpu'));
    expect(plot.labels).toEqual(['CPU']);
    expect(plot.opts.ms).toBe(1);

    const next: [number[], (number | null)[]] = [
      [1000, 2000, 3000],
      [5, 6, 7],
    ];
    // A new series array with the same content does not re-create the plot.
    rerender(
      <TimeSeriesChart
        testId="chart-cpu"
        title="CPU"
        unit="percent"
        series={[...series]}
        data={next}
      />,
    );
    expect(FakeUPlot.instances).toHaveLength(1);
    expect(plot.data).toBe(next);

    unmount();
    expect(plot.destroyed).toBe(true);
  });

  it('re-creates the plot when its series change, and labels the y ticks with the unit', () => {
    const data: [number[], (number | null)[]] = [[1000], [2 * 1024 ** 3]];
    const { rerender } = render(
      <TimeSeriesChart
        testId="chart-memory"
        title="Memory"
        unit="bytes"
        series={series}
        data={data}
      />,
    );
    const plot = FakeUPlot.instances[0] as FakeUPlot;
    const yAxis = plot.opts.axes?.[1];
    const values = yAxis?.values;
    if (typeof values !== 'function') throw new Error('y axis has no values function');
    const u = plot as unknown as Parameters<typeof values>[0];
    expect(values(u, [0, 1024 ** 3, 2 * 1024 ** 3], 1, 0, 1024 ** 3)).toEqual([
      '0 GiB',
      '1 GiB',
      '2 GiB',
    ]);
    expect(values(u, [0, 256 * 1024 ** 2, 512 * 1024 ** 2], 1, 0, 256 * 1024 ** 2)).toEqual([
      '0 MiB',
      '256 MiB',
      '512 MiB',
    ]);

    rerender(
      <TimeSeriesChart
        testId="chart-memory"
        title="Memory"
        unit="bytes"
        series={[...series, { label: 'max', color: ['#111111', '#eeeeee'], bandTo: 0 }]}
        data={[[1000], [1], [2]]}
      />,
    );
    expect(FakeUPlot.instances).toHaveLength(2);
    expect(plot.destroyed).toBe(true);
    expect(FakeUPlot.instances[1]?.opts.bands).toEqual([
      { series: [2, 1], fill: expect.any(String) },
    ]);
  });

  it('says so when there is nothing to draw', () => {
    const { getByText, rerender, queryByText } = render(
      <TimeSeriesChart
        testId="chart-cpu"
        title="CPU"
        unit="percent"
        series={series}
        data={[[1000], [null]]}
        emptyText="Waiting for the first sample…"
      />,
    );
    expect(getByText('Waiting for the first sample…')).toBeInTheDocument();
    rerender(
      <TimeSeriesChart
        testId="chart-cpu"
        title="CPU"
        unit="percent"
        series={series}
        data={[[1000], [3]]}
        emptyText="Waiting for the first sample…"
      />,
    );
    expect(queryByText('Waiting for the first sample…')).toBeNull();
  });
});
