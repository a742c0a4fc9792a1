import { useQueryClient } from '@tanstack/react-query';
import { type EventMessage, eventMessageSchema } from '@xendeck/api';
import { useEffect, useState } from 'react';
import { configsListQueryKey } from '@/features/configs';
import { hostQueryKey } from '@/features/host';
import { LiveSocket, liveSocketUrl, recheckSession } from '@/lib/live-socket';
import { reconnectDelayMs } from '@/lib/reconnect';
import { applyEvent } from '../lib/apply-event';

export { reconnectDelayMs };

/** State of the events websocket, for the live indicator. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/** `ws(s)://<this host>/api/v1/events`, same origin as the page (the session cookie goes along). */
export function eventsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return liveSocketUrl('/events', location);
}

/**
 * Connects to `WS /api/v1/events` while mounted and feeds every message into the query cache
 * (see `applyEvent`), on the app's {@link LiveSocket}: reconnects with backoff; each drop also
 * re-checks the session (a refused upgrade is how an expired session shows here, and a 401 sends
 * the person to login). After a reconnect, host and config answers are refetched since changes
 * may have been missed. Messages that do not match `eventMessageSchema` are reported on the
 * console and skipped.
 */
export function useDomainEvents(): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const socket = new LiveSocket<EventMessage>({
      url: () => eventsUrl(),
      label: 'events',
      schema: eventMessageSchema,
      onMessage: (message) => applyEvent(queryClient, message),
      onOpen: (_ws, { reconnected }) => {
        if (!reconnected) return;
        void queryClient.invalidateQueries({ queryKey: hostQueryKey });
        void queryClient.invalidateQueries({ queryKey: configsListQueryKey });
      },
      onStatus: (s) => {
        if (s === 'open') setStatus('live');
        else if (s === 'reconnecting' || s === 'closed') setStatus('reconnecting');
      },
      onDrop: recheckSession(queryClient),
    });
    socket.start();
    return () => socket.stop();
  }, [queryClient]);

  return status;
}
