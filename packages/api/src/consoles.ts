/**
 * Consoles: a domain's graphical console (VNC, proxied to its device model) and its text consoles
 * (PV console, HVM emulated serial), through Xendeck's server. Wire protocols:
 *
 * - `WS /api/v1/domains/:name/console/vnc`: binary frames carry the RFB stream both ways, as
 *   websockify does (noVNC speaks to it unchanged). The server ends QEMU's security handshake
 *   itself (answering VNC authentication with the guest's `vncpasswd`) and offers the browser
 *   security type None; it forces the shared flag so several viewers can watch one guest.
 * - `WS /api/v1/domains/:name/console/text?type=pv|serial`: server → browser binary frames are
 *   console output (the scrollback first, then live bytes); browser → server binary frames are
 *   keystrokes (0x1d, Ctrl-], is dropped: it would detach xl); server → browser JSON text frames
 *   are {@link textConsoleServerMessageSchema}.
 *
 * Both accept the session cookie or a one-time `?ticket=` from
 * `POST /api/v1/domains/:name/console/tickets`.
 */
import { z } from 'zod';

/** Which console: the graphical one, the PV console, or the emulated serial port. */
export const consoleKindSchema = z.enum(['vnc', 'pv', 'serial']);
export type ConsoleKind = z.infer<typeof consoleKindSchema>;

/** The text consoles (`?type=` of the text websocket). */
export const textConsoleTypeSchema = z.enum(['pv', 'serial']);
export type TextConsoleType = z.infer<typeof textConsoleTypeSchema>;

/** Body of `POST /api/v1/domains/:name/console/tickets`. */
export const consoleTicketRequestSchema = z.object({ kind: consoleKindSchema }).strict();
export type ConsoleTicketRequest = z.infer<typeof consoleTicketRequestSchema>;

/**
 * A one-time console ticket: 256 random bits (base64url), usable once, within 30 s, by the user
 * who asked for it, for this domain and console kind only. Pass it as `?ticket=` on the websocket
 * URL instead of the session cookie.
 */
export const consoleTicketSchema = z.object({
  ticket: z.string(),
  /** ISO 8601 time after which the ticket is refused. */
  expiresAt: z.string(),
  domain: z.string(),
  kind: consoleKindSchema,
});
export type ConsoleTicket = z.infer<typeof consoleTicketSchema>;

/** One text console's state in {@link consoleStatusSchema}. */
export const textConsoleStatusSchema = z.object({
  /** The domain has this console now (xenstore console/tty or serial/0/tty exists). */
  available: z.boolean(),
  /** Browsers connected to it through Xendeck. */
  viewers: z.number().int().nonnegative(),
  /** Xendeck holds the console now (so `xl console` in a shell would say it is locked). */
  attached: z.boolean(),
});

/** `GET /api/v1/domains/:name/console`: what consoles a domain has now, and who watches. */
export const consoleStatusSchema = z.object({
  domain: z.string(),
  /** domid of the running domain, absent when it is not running. */
  domid: z.number().int().optional(),
  vnc: z.object({
    /** xenstore console/vnc-port exists. */
    available: z.boolean(),
    viewers: z.number().int().nonnegative(),
    /** The guest sets `vncpasswd` (the proxy answers it; the browser never sees it). */
    passwordProtected: z.boolean(),
  }),
  pv: textConsoleStatusSchema,
  serial: textConsoleStatusSchema,
  /**
   * The console log: xenconsoled's `guest-<name>.log` when xenconsoled logs guests
   * (`source: 'xenconsoled'`), otherwise what the server kept of this domain's text console
   * (`source: 'server'`, at most the scrollback size).
   */
  log: z.object({
    source: z.enum(['xenconsoled', 'server', 'none']),
    sizeBytes: z.number().int().nonnegative(),
  }),
});
export type ConsoleStatus = z.infer<typeof consoleStatusSchema>;

/** JSON text frames the server sends on the text console websocket. */
export const textConsoleServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('status'),
    /**
     * `attached`: bytes flow; `waiting`: the domain is not running or has no such console yet (the
     * server reattaches by itself when it appears: reboot, destroy and start, restore);
     * `detached`: the server gave up (see `reason`), the socket closes next.
     */
    state: z.enum(['attached', 'waiting', 'detached']),
    /** For people: why (for example "domain rebooted (domid 3 → 4)"). */
    reason: z.string().optional(),
    /** domid attached to, when attached. */
    domid: z.number().int().optional(),
    /** Viewers of this console now, this one included. */
    viewers: z.number().int().nonnegative(),
  }),
]);
export type TextConsoleServerMessage = z.infer<typeof textConsoleServerMessageSchema>;

/**
 * Close codes of console websockets (RFC 6455 private range 4000-4999), with a reason text.
 * 1000 normal, 1001 server shutting down, 1008 session ended (logout, expiry, user removed),
 * 1013 too many connections (per session or in total).
 */
export const CONSOLE_CLOSE_CODES = {
  /** The domain went away and did not come back within the wait (the text console waits). */
  domainGone: 4404,
  /** The guest's VNC server closed the connection (domain destroyed or rebooting). */
  vncClosed: 4410,
  /** The VNC handshake with the device model failed (wrong password, protocol). */
  vncHandshakeFailed: 4502,
} as const;
