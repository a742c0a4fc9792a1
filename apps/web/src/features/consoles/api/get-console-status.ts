/**
 * `GET /api/v1/domains/:name/console`: which consoles a domain has now and who watches them. The
 * events stream keeps the viewer counts fresh (`console.viewers`, see features/events).
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { type ConsoleKind, type ConsoleStatus, consoleStatusSchema } from '@xendeck/api';
import { apiFetch } from '@/lib/api-client';

/** Cache key of one domain's console status. */
export const consoleStatusQueryKey = (name: string) => ['consoles', 'status', name] as const;

/**
 * The console status of the domain called `name`: `vnc.available` when xenstore has
 * `/local/domain/<domid>/console/vnc-port`, `pv.available` / `serial.available` when it has
 * `console/tty` / `serial/0/tty`; viewer counts are browsers connected through Xendeck; `log` says
 * where `GET …/console/log` reads from (xenconsoled's `guest-<name>.log`, or the server's
 * scrollback). Throws ApiError: 404 `DOMAIN_NOT_FOUND` when no domain has that name now.
 */
export function getConsoleStatus(name: string, signal?: AbortSignal): Promise<ConsoleStatus> {
  return apiFetch(`/domains/${encodeURIComponent(name)}/console`, {
    schema: consoleStatusSchema,
    ...(signal ? { signal } : {}),
  });
}

/**
 * Refetched every 10 s as a safety net (a console appearing after boot, e.g. QEMU's VNC port, has
 * no event of its own); viewer counts arrive at once through the events stream.
 */
export const consoleStatusQueryOptions = (name: string) =>
  queryOptions({
    queryKey: consoleStatusQueryKey(name),
    queryFn: ({ signal }) => getConsoleStatus(name, signal),
    refetchInterval: 10_000,
  });

export const useConsoleStatus = (name: string) => useQuery(consoleStatusQueryOptions(name));

/**
 * The status with one console's viewer count replaced (a `console.viewers` event); the same object
 * when the count is unchanged, `undefined` stays `undefined` (nothing to patch).
 */
export function withViewers(
  status: ConsoleStatus | undefined,
  kind: ConsoleKind,
  viewers: number,
): ConsoleStatus | undefined {
  if (!status || status[kind].viewers === viewers) return status;
  return { ...status, [kind]: { ...status[kind], viewers } };
}
