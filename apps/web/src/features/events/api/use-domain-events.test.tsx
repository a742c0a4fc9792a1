import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import type { Domain } from '@xendeck/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '@/lib/query-client';
import { FakeWebSocket as FakeSocket } from '@/test/fake-websocket';
import { dom0, domain } from '@/test/fixtures';
import { LiveIndicator } from '../components/live-indicator';
import { eventsUrl, reconnectDelayMs, useDomainEvents } from './use-domain-events';

function Probe() {
  return <LiveIndicator status={useDomainEvents()} />;
}

describe('reconnectDelayMs and eventsUrl', () => {
  it('doubles from 1 s up to 30 s, with ±20 % jitter', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(8000);
    expect(reconnectDelayMs(10, () => 0.5)).toBe(30_000);
    expect(reconnectDelayMs(0, () => 0)).toBe(800);
    expect(reconnectDelayMs(0, () => 1)).toBe(1200);
  });
  it('uses ws: or wss: to match the page', () => {
    expect(eventsUrl({ protocol: 'http:', host: 'dom0:8080' })).toBe(
      'ws://dom0:8080/api/v1/events',
    );
    expect(eventsUrl({ protocol: 'https:', host: 'xen.example' })).toBe(
      'wss://xen.example/api/v1/events',
    );
  });
});

describe('useDomainEvents', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 401 })),
    );
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('feeds messages into the cache, shows live / reconnecting, and reconnects', () => {
    const client = createQueryClient();
    const { unmount } = render(
      <QueryClientProvider client={client}>
        <Probe />
      </QueryClientProvider>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('connecting…');
    const first = FakeSocket.all[0];
    if (!first) throw new Error('no socket opened');
    expect(first.url).toMatch(/^ws:\/\/.+\/api\/v1\/events$/);

    first.open();
    expect(screen.getByRole('status')).toHaveTextContent('live');
    const web1 = domain({ domid: 2, name: 'web1', state: 'running' });
    first.receive({ type: 'snapshot', domains: [web1, dom0] });
    expect(client.getQueryData<Domain[]>(['domains', 'list'])).toEqual([dom0, web1]);

    first.receive({
      type: 'domain.changed',
      domain: { ...web1, state: 'paused' },
      previousState: 'running',
    });
    expect(client.getQueryData<Domain[]>(['domains', 'list'])?.[1]?.state).toBe('paused');

    // A message outside the contract is skipped, not applied.
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    first.receive({ type: 'domain.changed', domain: { name: 'broken' } });
    expect(error).toHaveBeenCalled();
    expect(client.getQueryData<Domain[]>(['domains', 'list'])).toHaveLength(2);

    first.drop();
    expect(screen.getByRole('status')).toHaveTextContent('reconnecting…');
    expect(FakeSocket.all).toHaveLength(1);
    act(() => {
      vi.advanceTimersByTime(1300);
    });
    expect(FakeSocket.all).toHaveLength(2);

    unmount();
    expect(FakeSocket.all[1]?.closed).toBe(true);
  });
});
