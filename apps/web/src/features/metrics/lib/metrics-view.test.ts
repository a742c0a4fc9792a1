import { describe, expect, it, vi } from 'vitest';
import { ALL_FIELDS, MetricsViews, mergeViews } from './metrics-view';

describe('mergeViews', () => {
  it('asks for the host only when nothing shows domains', () => {
    expect(mergeViews([])).toEqual({ type: 'subscribe', domains: [], fields: ['state'] });
  });

  it("unites names and fields; any '*' wins; fields in the contract's order", () => {
    expect(
      mergeViews([
        { domains: ['web2'], fields: ['memoryBytes'] },
        { domains: ['web1', 'web2'], fields: ['cpuPercent', 'state'] },
      ]),
    ).toEqual({
      type: 'subscribe',
      domains: ['web1', 'web2'],
      fields: ['state', 'cpuPercent', 'memoryBytes'],
    });
    expect(
      mergeViews([
        { domains: '*', fields: ['state'] },
        { domains: ['web1'], fields: ALL_FIELDS },
      ]),
    ).toEqual({ type: 'subscribe', domains: '*', fields: [...ALL_FIELDS] });
  });
});

describe('MetricsViews', () => {
  it('tells listeners of each add and remove, and a remove runs once', () => {
    const views = new MetricsViews();
    const heard = vi.fn();
    views.subscribe(heard);
    const remove = views.add({ domains: '*', fields: ['cpuPercent'] });
    expect(views.message()).toEqual({ type: 'subscribe', domains: '*', fields: ['cpuPercent'] });
    remove();
    remove();
    expect(heard).toHaveBeenCalledTimes(2);
    expect(views.message().domains).toEqual([]);
  });
});
