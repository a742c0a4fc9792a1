/**
 * What a console's status line says, written once for the VNC and text views: the connection
 * state, the words for a close code (`@xendeck/api` CONSOLE_CLOSE_CODES and the shared 1008/1013),
 * and whether a close is worth reconnecting after.
 */
import { CONSOLE_CLOSE_CODES } from '@xendeck/api';
import { SESSION_ENDED_CLOSE_CODE, TOO_MANY_CONNECTIONS_CLOSE_CODE } from '@/lib/live-socket';

/**
 * - `connecting`: first connection under way; `connected`: bytes flow;
 * - `waiting`: connected, but the server waits for the domain or its console (`reason` says);
 * - `reconnecting`: the connection ended and another attempt comes (`reason` says why it ended);
 * - `disconnected`: given up (`reason` says why; the person can reconnect by hand).
 */
export type ConsoleConnection =
  | { state: 'connecting' }
  | { state: 'connected'; domid?: number }
  | { state: 'waiting'; reason: string }
  | { state: 'reconnecting'; reason: string; rebooting: boolean }
  | { state: 'disconnected'; reason: string; sessionEnded: boolean };

/** The status line's text (e2e reads it from `data-testid="console-status"`). */
export function connectionText(c: ConsoleConnection): string {
  switch (c.state) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'waiting':
      return `Waiting: ${c.reason}`;
    case 'reconnecting':
      return 'Reconnecting…';
    case 'disconnected':
      return `Disconnected: ${c.reason}`;
  }
}

/**
 * Words for how a console websocket closed. The server's reason text wins when it sent one;
 * otherwise the code's meaning. 1006 (no close frame) is also what a refused upgrade looks like
 * in a browser (401/403/404/409 before the websocket opened), hence "could not connect".
 */
export function closeReason(code: number, reason: string, wasOpen: boolean): string {
  if (reason) return reason;
  switch (code) {
    case SESSION_ENDED_CLOSE_CODE:
      return 'session ended';
    case TOO_MANY_CONNECTIONS_CLOSE_CODE:
      return 'too many connections (close other console windows)';
    case 1001:
      return 'the server is shutting down';
    case CONSOLE_CLOSE_CODES.domainGone:
      return 'the domain is gone';
    case CONSOLE_CLOSE_CODES.vncClosed:
      return "the guest's VNC server closed the connection";
    case CONSOLE_CLOSE_CODES.vncHandshakeFailed:
      return 'the VNC handshake with the device model failed';
    case 1000:
      return 'closed';
    default:
      return wasOpen ? 'connection lost' : 'could not connect (is the domain running?)';
  }
}

/**
 * The connection state after a close: session ended (1008) and too many connections (1013) give
 * up; anything else reconnects. `rebooting` when the guest's VNC server went away (4410) or the
 * domain did (4404): it usually comes back.
 */
export function afterClose(code: number, reason: string, wasOpen: boolean): ConsoleConnection {
  const why = closeReason(code, reason, wasOpen);
  if (code === SESSION_ENDED_CLOSE_CODE || code === TOO_MANY_CONNECTIONS_CLOSE_CODE) {
    return { state: 'disconnected', reason: why, sessionEnded: code === SESSION_ENDED_CLOSE_CODE };
  }
  const rebooting =
    code === CONSOLE_CLOSE_CODES.vncClosed || code === CONSOLE_CLOSE_CODES.domainGone;
  return { state: 'reconnecting', reason: why, rebooting };
}

/** "1 viewer", "2 viewers". */
export function viewersText(n: number): string {
  return `${n} ${n === 1 ? 'viewer' : 'viewers'}`;
}
