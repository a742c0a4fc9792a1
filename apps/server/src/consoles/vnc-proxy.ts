/**
 * `WS /api/v1/domains/:name/console/vnc`: a domain's graphical console, proxied to its device
 * model's VNC server. Binary frames carry the RFB stream both ways, as websockify does, so noVNC
 * speaks to it unchanged. This module owns the route's checks, the connection to QEMU, the two
 * handshakes (`rfb-handshake.ts`) and the byte pump; the router (`ws/router.ts`) owns session,
 * ticket, Origin, caps and the audit lines.
 *
 * Before the upgrade (`authorize`): the name is validated, the domid looked up (404
 * DOMAIN_NOT_FOUND) and the endpoint read now from xenstore through `hypervisor.vncEndpoint`
 * (the port changes at every boot; 409 CONSOLE_UNAVAILABLE when there is none). Nothing is opened
 * yet: the router may still refuse, and a TCP connection opened here would have no one to close
 * it. Right after the upgrade, the TCP connection to QEMU and both handshakes run in parallel;
 * frames the browser sends meanwhile are kept, in order, and forwarded after its ClientInit.
 *
 * Where it connects: only to loopback. `vnc-listen` 127.0.0.0/8, ::1 or localhost is used as is;
 * 0.0.0.0 and :: (QEMU listening on every address) become 127.0.0.1; any other address (a
 * `vnclisten` on a routed interface) is refused with 409, so the server never opens connections to
 * other hosts on the strength of a xenstore value. Set `vnclisten = "127.0.0.1"` (libxl's default).
 *
 * Pump: TCP → websocket pauses the TCP socket while the websocket's `bufferedAmount` exceeds
 * 1 MiB and resumes it from a send callback once it is below 256 KiB (a slow browser stops the
 * reads from QEMU, not the server's memory); websocket → TCP pauses the websocket
 * (`ws.pause()`) while the socket's `writableLength` exceeds 1 MiB and resumes it on `drain`.
 * Text frames close the socket (1003). Ping every 30 s (`SocketSet`); no pong by the next one,
 * the socket is terminated. Each side closes the other: QEMU closing gives close code 4410; a
 * failed handshake or connection 4502 with the reason (CONSOLE_CLOSE_CODES in @xendeck/api).
 */
import type { IncomingMessage } from 'node:http';
import { isIP, connect as tcpConnect } from 'node:net';
import { CONSOLE_CLOSE_CODES } from '@xendeck/api';
import { ByteReader } from '@xendeck/hypervisor';
import { WebSocket } from 'ws';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { domidOf } from '../routes/domains.js';
import { parseDomainName } from '../validate.js';
import { rawDataToBuffer, SocketSet } from '../ws/clients.js';
import type { WsRoute } from '../ws/router.js';
import { downstreamHandshake, RfbHandshakeError, upstreamHandshake } from './rfb-handshake.js';
import type { ConsoleViewers } from './viewers.js';

/** Largest frame accepted from the browser: 1 MiB (RFB client messages are small). */
export const VNC_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** TCP reads stop while the websocket has more than this unsent, bytes. */
export const VNC_WS_HIGH_WATER_BYTES = 1024 * 1024;
/** …and resume once it is below this, bytes. */
export const VNC_WS_LOW_WATER_BYTES = 256 * 1024;
/** Websocket reads stop while the TCP socket has more than this unsent, bytes. */
export const VNC_TCP_HIGH_WATER_BYTES = 1024 * 1024;
/**
 * Largest read from QEMU's socket, and so largest frame to the browser, bytes: 256 KiB. Against
 * 64 KiB (websockify's frame size), bench/vnc-proxy-bench.mjs measured, over five alternating
 * runs each on a quiet machine, 0.93–1.23× websockify's throughput (mean 1.07×) instead of
 * 0.89–1.03× (mean 0.94×), and 0.61–0.68× its CPU per MiB instead of 0.74–1.00×: fewer, larger
 * frames cost less per byte on both ends. A read returns what is there, so a small screen update
 * is not delayed waiting to fill a buffer.
 */
const VNC_TCP_READ_BYTES = 256 * 1024;
/**
 * Read buffers kept for reuse per connection: 6 × 256 KiB (1.5 MiB), a little more than the
 * websocket's high-water mark holds in flight.
 */
const VNC_SPARE_READ_BUFFERS = 6;
/** Time allowed for the TCP connect plus both handshakes, ms. */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** Longest close reason a websocket close frame carries, bytes (RFC 6455: 125 minus the code). */
const MAX_CLOSE_REASON_BYTES = 123;

/** What `authorize` found, handed to `onConnection`. */
export interface VncPrepared {
  name: string;
  domid: number;
  /** Address to connect to (see {@link vncConnectHost}) and port, from xenstore. */
  host: string;
  port: number;
  /** The guest's vncpasswd (xenstore console/vnc-pass), when set. */
  password: string | undefined;
}

/** One open VNC console socket now, for tests and diagnostics ({@link VncConsoleRoute.sessions}). */
export interface VncSessionStats {
  domain: string;
  domid: number;
  /** Both handshakes done, bytes flowing. */
  pumping: boolean;
  /** The websocket's unsent bytes now (`ws.bufferedAmount`). */
  bufferedBytes: number;
  /** TCP reads from QEMU stopped because the browser is slow. */
  tcpPaused: boolean;
  /** Websocket reads stopped because QEMU is slow to take input. */
  wsPaused: boolean;
  bytesToBrowser: number;
  bytesToQemu: number;
}

/** The route, plus a view of its open sockets. */
export interface VncConsoleRoute extends WsRoute<VncPrepared> {
  sessions(): VncSessionStats[];
}

/** Dependencies of {@link vncConsoleRoute}. */
export interface VncConsoleDeps {
  ctx: AppContext;
  viewers: ConsoleViewers;
  /** Ping period, ms; default 30 000. */
  pingMs?: number;
}

/**
 * Where to connect for a `vnc-listen` value: a loopback address (127.0.0.0/8, ::1, localhost) as
 * is; 0.0.0.0 and :: → 127.0.0.1; undefined for anything else (refused: see the module header).
 */
export function vncConnectHost(listen: string): string | undefined {
  const host = listen.trim().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return '127.0.0.1';
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  if (isIP(host) === 4 && host.startsWith('127.')) return host;
  if (isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1')) return host;
  return undefined;
}

/** A close reason cut to what a close frame holds. */
function closeReason(text: string): string {
  const b = Buffer.from(text, 'utf8');
  return b.length <= MAX_CLOSE_REASON_BYTES
    ? text
    : `${b
        .subarray(0, MAX_CLOSE_REASON_BYTES - 3)
        .toString('utf8')
        .replace(/\uFFFD$/, '')}...`;
}

/**
 * The VNC console route. Refusals before the upgrade: 422 INVALID_INPUT (bad name), 404
 * DOMAIN_NOT_FOUND, 409 CONSOLE_UNAVAILABLE (no `console/vnc-port`, or a non-loopback
 * `vnc-listen`); the router adds 401/403 and the caps. One viewer is counted in `viewers` per
 * open socket.
 */
export function vncConsoleRoute(deps: VncConsoleDeps): VncConsoleRoute {
  const { ctx, viewers } = deps;
  const sockets = new SocketSet<undefined>(ctx.logger, 'vnc console', { pingMs: deps.pingMs });
  const open = new Set<() => VncSessionStats>();

  return {
    sessions: () => [...open].map((stats) => stats()),
    path: '/api/v1/domains/:name/console/vnc',
    access: { domain: 'console' },
    summary:
      "A domain's graphical console: binary frames carry RFB (noVNC), security None; the server answers the guest's vncpasswd itself. 404 DOMAIN_NOT_FOUND, 409 CONSOLE_UNAVAILABLE; close 4410 guest's VNC server closed, 4502 handshake failed",
    maxPayloadBytes: VNC_MAX_PAYLOAD_BYTES,
    ticketKind: () => 'vnc',

    authorize: async (_req, info): Promise<VncPrepared> => {
      const name = parseDomainName(info.params.name);
      const domid = await domidOf(ctx.hypervisor, name);
      const ep = await ctx.hypervisor.vncEndpoint(domid);
      if (!ep) {
        throw new ApiError(
          'CONSOLE_UNAVAILABLE',
          `Domain "${name}" has no VNC console now (no xenstore console/vnc-port: a PV guest, vnc = 0, or its device model is not up yet)`,
          { name, domid },
        );
      }
      const host = vncConnectHost(ep.host);
      if (!host) {
        throw new ApiError(
          'CONSOLE_UNAVAILABLE',
          `Domain "${name}"'s VNC server listens on ${ep.host}; Xendeck connects only to loopback (set vnclisten = "127.0.0.1" or "0.0.0.0")`,
          { name, domid, vncListen: ep.host },
        );
      }
      return { name, domid, host, port: ep.port, password: ep.password };
    },

    onConnection: (ws: WebSocket, _req: IncomingMessage, info) => {
      const p = info.prepared;
      const log = ctx.logger.child({
        console: 'vnc',
        domain: p.name,
        domid: p.domid,
        user: info.user.username,
      });
      const startedAt = Date.now();
      const release = viewers.add(p.name, 'vnc');
      sockets.add(ws, undefined);
      let pumping = false;
      let done = false;
      let tcpPaused = false;
      let wsPaused = false;
      let upstreamError: string | undefined;
      let bytesDown = 0;
      let bytesUp = 0;
      const fromBrowser = new ByteReader();
      const fromQemu = new ByteReader();
      // Reads go into buffers of our own (`onread`): a large read (at least half a buffer) is sent
      // from its buffer as is, and the buffer comes back to a small pool once the websocket has
      // written it (its send callback), so a fast stream allocates nothing and leaves no garbage
      // (half the proxy's CPU per MiB, measured by bench/vnc-proxy-bench.mjs); a small read is
      // copied out instead (a few bytes must not hold a whole buffer while queued).
      const spare: Buffer[] = [];
      const takeBuffer = () => spare.pop() ?? Buffer.allocUnsafe(VNC_TCP_READ_BYTES);
      let readBuffer = takeBuffer();
      const tcp = tcpConnect({
        host: p.host,
        port: p.port,
        onread: {
          buffer: () => readBuffer,
          callback: (n: number, buf: Buffer) => {
            if (n >= VNC_TCP_READ_BYTES / 2) {
              readBuffer = takeBuffer();
              fromTcp(buf.subarray(0, n), buf);
            } else {
              fromTcp(Buffer.from(buf.subarray(0, n)));
            }
            return true;
          },
        },
      });
      tcp.setNoDelay(true);
      const stats = (): VncSessionStats => ({
        domain: p.name,
        domid: p.domid,
        pumping,
        bufferedBytes: ws.bufferedAmount,
        tcpPaused,
        wsPaused,
        bytesToBrowser: bytesDown,
        bytesToQemu: bytesUp,
      });
      open.add(stats);

      const finish = (code: number, reason: string): void => {
        if (done) return;
        done = true;
        clearTimeout(handshakeTimer);
        tcp.destroy();
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
          ws.close(code, closeReason(reason));
        }
      };
      const handshakeTimer = setTimeout(
        () =>
          finish(
            CONSOLE_CLOSE_CODES.vncHandshakeFailed,
            `VNC handshake did not finish within ${HANDSHAKE_TIMEOUT_MS / 1000} s`,
          ),
        HANDSHAKE_TIMEOUT_MS,
      );
      handshakeTimer.unref();

      /** Sends to the browser; `buffer`, when given, is the read buffer `chunk` lies in, reused after. */
      const toBrowser = (chunk: Buffer, buffer?: Buffer): void => {
        bytesDown += chunk.length;
        ws.send(chunk, { binary: true }, (err) => {
          if (buffer && !err && spare.length < VNC_SPARE_READ_BUFFERS) spare.push(buffer);
          if (tcpPaused && ws.bufferedAmount < VNC_WS_LOW_WATER_BYTES) {
            tcpPaused = false;
            tcp.resume();
          }
        });
        if (!tcpPaused && ws.bufferedAmount > VNC_WS_HIGH_WATER_BYTES) {
          tcpPaused = true;
          tcp.pause();
        }
      };
      const toQemu = (chunk: Buffer): void => {
        bytesUp += chunk.length;
        tcp.write(chunk);
        if (!wsPaused && tcp.writableLength > VNC_TCP_HIGH_WATER_BYTES) {
          wsPaused = true;
          ws.pause();
        }
      };
      tcp.on('drain', () => {
        if (wsPaused) {
          wsPaused = false;
          ws.resume();
        }
      });

      ws.on('message', (data, isBinary) => {
        if (done) return;
        if (!isBinary) {
          finish(1003, 'binary frames only (RFB)');
          return;
        }
        const chunk = rawDataToBuffer(data);
        if (pumping) toQemu(chunk);
        else fromBrowser.push(chunk);
      });
      ws.on('close', (code) => {
        release();
        open.delete(stats);
        fromBrowser.fail(new Error('the browser closed the websocket'));
        if (!done) {
          done = true;
          clearTimeout(handshakeTimer);
          tcp.destroy();
        }
        log.info(
          {
            code,
            durationMs: Date.now() - startedAt,
            bytesToBrowser: bytesDown,
            bytesToQemu: bytesUp,
          },
          'vnc console closed',
        );
      });

      function fromTcp(chunk: Buffer, buffer?: Buffer): void {
        if (pumping) toBrowser(chunk, buffer);
        else fromQemu.push(chunk);
      }
      tcp.on('error', (err: NodeJS.ErrnoException) => {
        upstreamError = err.code ?? err.message;
      });
      tcp.on('close', () => {
        fromQemu.fail(new Error(`connection closed${upstreamError ? ` (${upstreamError})` : ''}`));
        if (pumping) {
          finish(CONSOLE_CLOSE_CODES.vncClosed, "the guest's VNC server closed the connection");
        }
      });

      Promise.all([
        upstreamHandshake(fromQemu, (b) => tcp.write(b), p.password),
        downstreamHandshake(fromBrowser, (b) => ws.send(b, { binary: true })),
      ]).then(
        ([up, clientInit]) => {
          if (done) return;
          clearTimeout(handshakeTimer);
          tcp.write(clientInit);
          const early = fromBrowser.takeRest();
          const pending = fromQemu.takeRest();
          pumping = true;
          if (early.length > 0) toQemu(early);
          if (pending.length > 0) toBrowser(pending);
          log.info(
            { host: p.host, port: p.port, rfbMinor: up.minor, securityType: up.securityType },
            'vnc console opened',
          );
        },
        (err: unknown) => {
          if (done) return;
          if (err instanceof RfbHandshakeError && err.side === 'downstream') {
            log.warn({ err: err.message }, 'vnc console: the browser failed the RFB handshake');
            finish(1002, err.message);
            return;
          }
          const why =
            err instanceof RfbHandshakeError
              ? err.message
              : `cannot reach the guest's VNC server at ${p.host}:${p.port}: ${
                  upstreamError ?? (err instanceof Error ? err.message : String(err))
                }`;
          log.warn({ host: p.host, port: p.port, err: why }, 'vnc console: handshake failed');
          finish(CONSOLE_CLOSE_CODES.vncHandshakeFailed, why);
        },
      );
    },
  };
}
