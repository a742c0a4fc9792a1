import type uPlot from 'uplot';

/**
 * A uPlot stand-in for jsdom (which has no canvas): records what the component asks of it.
 * Use with `vi.mock('uplot', async () => ({ default: (await import('@/test/fake-uplot')).FakeUPlot }))`.
 */
export class FakeUPlot {
  static instances: FakeUPlot[] = [];
  data: uPlot.AlignedData;
  setDataCalls: uPlot.AlignedData[] = [];
  destroyed = false;
  width: number;
  readonly root: HTMLElement;
  constructor(
    readonly opts: uPlot.Options,
    data: uPlot.AlignedData | undefined,
    readonly target: HTMLElement,
  ) {
    this.data = data ?? [[]];
    this.width = opts.width;
    this.root = document.createElement('div');
    this.root.className = 'uplot';
    target.appendChild(this.root);
    FakeUPlot.instances.push(this);
  }
  setData(data: uPlot.AlignedData) {
    this.data = data;
    this.setDataCalls.push(data);
  }
  setSize({ width }: { width: number; height: number }) {
    this.width = width;
  }
  destroy() {
    this.destroyed = true;
    this.root.remove();
  }
  /** The series labels, without the x series. */
  get labels(): (string | undefined)[] {
    return this.opts.series
      .slice(1)
      .map((s) => (typeof s.label === 'string' ? s.label : undefined));
  }
}
