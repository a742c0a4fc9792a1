import { useQueryClient } from '@tanstack/react-query';
import { eventMessageSchema } from '@xendeck/api';
import { useEffect, useState } from 'react';
import { configsListQueryKey } from '@/features/configs';
import { hostQueryKey } from '@/features/host';
import { API_BASE } from '@/lib/api-client';
import { sessionQueryKey } from '@/lib/query-client';
import { reconnectDelayMs } from '@/lib/reconnect';
import { applyEvent } from '../lib/apply-event';

export { reconnectDelayMs };

/** State of the events websocket, for the live indicator. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** `ws(s)://<this host>/api/v1/events`, same origin as the page (the session cookie goes along). */
export function eventsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${API_BASE}/events`;
}

/**
 * Connects to `WS /api/v1/events` while mounted and feeds every message into the query cache
 * (see `applyEvent`). Reconnects with backoff; each drop also re-checks the session (a refused
 * upgrade is how an expired session shows here, and a 401 sends the person to login). After a
 * reconnect, host and config answers are refetched since changes may have been missed.
 * Messages that do not match `eventMessageSchema` are reported on the console and skipped.
 */
export function useDomainEvents(): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    let socket: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      const ws = new WebSocket(eventsUrl());
      socket = ws;
      ws.onopen = () => {
        if (attempt > 0) {
          void queryClient.invalidateQueries({ queryKey: hostQueryKey });
          void queryClient.invalidateQueries({ queryKey: configsListQueryKey });
        }
        attempt = 0;
        setStatus('live');
      };
      ws.onmessage = (event) => {
        let json: unknown;
        try {
          json = JSON.parse(String(event.data));
        } catch {
          console.error('xendeck: events message is not JSON', event.data);
          return;
        }
        const parsed = eventMessageSchema.safeParse(json);
        if (!parsed.success) {
          console.error('xendeck: events message does not match the contract', parsed.error, json);
          return;
        }
        applyEvent(queryClient, parsed.data);
      };
      ws.onclose = () => {
        if (stopped) return;
        setStatus('reconnecting');
        void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
        timer = setTimeout(connect, reconnectDelayMs(attempt));
        attempt += 1;
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [queryClient]);

  return status;
}
