/**
 * The network edge, before anything else of a request runs (REST, static files and websocket
 * upgrades alike):
 * - who the client is: the peer address, or, when the peer is a trusted reverse proxy
 *   (`XENDECK_TRUSTED_PROXIES`), the address its `X-Forwarded-For` names, and whether the
 *   browser's connection is HTTPS (TLS here, or the proxy's `X-Forwarded-Proto: https`). Stored
 *   per request; `remoteAddress()` / `sessionCookieName()` of `auth/access.ts` read it;
 * - the `Host` allowlist (`XENDECK_ALLOWED_HOSTS`, default {@link defaultAllowedHosts}): any
 *   other name answers 421 MISDIRECTED_HOST, so a DNS-rebinding page cannot talk to Xendeck
 *   through a visitor's browser;
 * - mutating API requests a browser marks `Sec-Fetch-Site: cross-site` or `same-site` answer 403
 *   CROSS_SITE (defence in depth beside the SameSite=Strict cookie and the JSON-only rule);
 * - `Strict-Transport-Security` on answers over HTTPS.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';
import { refuseUpgrade } from '../ws/router.js';
import { machineNames } from './tls.js';

/** What the edge decided about one request's client. */
export interface ClientInfo {
  /** The client's address: the peer's, or from `X-Forwarded-For` behind a trusted proxy. */
  address: string | undefined;
  /** Whether the browser's connection is HTTPS (here, or at the trusted proxy). */
  https: boolean;
  /** Whether the session cookie is `Secure` (and named `__Host-…`): `XENDECK_COOKIE_SECURE`. */
  secureCookie: boolean;
}

const clients = new WeakMap<IncomingMessage, ClientInfo>();

/** What {@link Edge.inspect} stored for a request; undefined before the edge saw it. */
export function clientInfo(req: IncomingMessage): ClientInfo | undefined {
  return clients.get(req);
}

/** `Strict-Transport-Security` sent over HTTPS: one year, this host only (no subdomains). */
export const HSTS_VALUE = 'max-age=31536000';

/**
 * Host names a request may carry when `XENDECK_ALLOWED_HOSTS` is unset: `localhost`, the
 * machine's hostname (and its first label), `127.0.0.1`, `::1`, every interface address
 * (`machineNames()` of tls.ts, the names the generated certificate covers), and `XENDECK_HOST`
 * when it is a specific address. Lower case, without port or brackets.
 */
export function defaultAllowedHosts(config: Pick<Config, 'host'>): string[] {
  const { dns, ips } = machineNames();
  const list = new Set([...dns, ...ips]);
  if (config.host !== '0.0.0.0' && config.host !== '::') list.add(config.host.toLowerCase());
  return [...list];
}

/**
 * The host name of a `Host` header, lower case, without the port, IPv6 brackets removed
 * (`[::1]:8443` → `::1`); undefined when missing or malformed.
 */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  const m = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(h);
  if (!m) return undefined;
  return (m[1] as string).replace(/\.$/, '');
}

/** Whether a listen address only takes connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The loud warning main.ts logs when plain HTTP (`XENDECK_HTTP=1`) listens on an address other
 * machines reach; undefined over TLS or on loopback.
 */
export function plainHttpWarning(
  config: Pick<Config, 'tls' | 'host' | 'port'>,
): string | undefined {
  if (config.tls.mode !== 'off' || isLoopbackHost(config.host)) return undefined;
  return (
    `PLAIN HTTP ON ${config.host}:${config.port} (XENDECK_HTTP=1): passwords and session cookies cross ` +
    'the network in clear, and anyone on that network (a guest on the bridge too) can read them. ' +
    'Use it only behind a reverse proxy on this machine (XENDECK_HOST=127.0.0.1) or on a link ' +
    'only you reach; otherwise unset XENDECK_HTTP to serve HTTPS.'
  );
}

/** An address without the `::ffff:` of an IPv4-mapped IPv6 address. */
function plainAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4
    ? address.slice(7)
    : address;
}

/** Options of {@link createEdge}; each defaults from `config`. */
export interface EdgeOptions {
  /** Lower-case names; `['*']` allows any. Default: `config.allowedHosts`, else {@link defaultAllowedHosts}. */
  allowedHosts?: string[];
}

/** The edge of one app: its Express middleware and the guard of websocket upgrades. */
export interface Edge {
  /** Records {@link ClientInfo} for `req` and returns it (also what the middleware does first). */
  inspect(req: IncomingMessage): ClientInfo;
  /** Whether `Host` is on the allowlist. */
  hostAllowed(req: IncomingMessage): boolean;
  /** Express middleware: inspect, 421 for a foreign Host, 403 for a cross-site mutation, HSTS. */
  middleware: RequestHandler;
  /**
   * Wraps an `upgrade` listener: a foreign `Host` is answered `421` as a plain status line and
   * the socket closed, before the websocket router runs; otherwise the client is inspected and
   * `next` runs.
   */
  guardUpgrade(
    next: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ): (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The allowlist in force (for the start log line). */
  allowedHosts: readonly string[];
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds the edge from the configuration (trusted proxies, allowed hosts). */
export function createEdge(
  config: Pick<Config, 'host' | 'trustedProxies' | 'allowedHosts' | 'cookieSecure'>,
  options: EdgeOptions = {},
): Edge {
  const trusted = new BlockList();
  for (const entry of config.trustedProxies) {
    const [addr = '', prefix] = entry.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(addr, type);
    else trusted.addSubnet(addr, Number(prefix), type);
  }
  const isTrusted = (address: string | undefined): boolean => {
    if (!address || config.trustedProxies.length === 0) return false;
    const a = plainAddress(address);
    const family = isIP(a);
    if (family === 0) return false;
    return trusted.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
  const allowedHosts = options.allowedHosts ?? config.allowedHosts ?? defaultAllowedHosts(config);
  const allowAny = allowedHosts.includes('*');
  const allowed = new Set(allowedHosts);

  const inspect = (req: IncomingMessage): ClientInfo => {
    const known = clients.get(req);
    if (known) return known;
    const peer = req.socket.remoteAddress;
    const encrypted = (req.socket as TLSSocket).encrypted === true;
    let info: Omit<ClientInfo, 'secureCookie'> = {
      address: peer ? plainAddress(peer) : undefined,
      https: encrypted,
    };
    if (isTrusted(peer)) {
      // The right-most X-Forwarded-For entry that is not one of our proxies is the client; what
      // is left of it was written by the client itself and proves nothing.
      const hops = String(req.headers['x-forwarded-for'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      let client: string | undefined;
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i] as string;
        if (isIP(hop) === 0) break;
        client = hop;
        if (!isTrusted(hop)) break;
      }
      const proto = String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        ?.trim()
        .toLowerCase();
      info = {
        address: client ? plainAddress(client) : info.address,
        https: encrypted || proto === 'https',
      };
    }
    const full: ClientInfo = {
      ...info,
      secureCookie:
        config.cookieSecure === 'true' || (config.cookieSecure === 'auto' && info.https),
    };
    clients.set(req, full);
    return full;
  };

  const hostAllowed = (req: IncomingMessage): boolean => {
    if (allowAny) return true;
    const name = hostName(req.headers.host);
    return name !== undefined && allowed.has(name);
  };

  const misdirected = (req: IncomingMessage) =>
    `Host "${req.headers.host ?? ''}" is not one of this server's names (XENDECK_ALLOWED_HOSTS)`;

  const middleware: RequestHandler = (req, res, next) => {
    const info = inspect(req);
    if (info.https) res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    if (!hostAllowed(req)) {
      next(new ApiError('MISDIRECTED_HOST', misdirected(req)));
      return;
    }
    const site = req.headers['sec-fetch-site'];
    if (MUTATING.has(req.method) && (site === 'cross-site' || site === 'same-site')) {
      next(
        new ApiError(
          'CROSS_SITE',
          `${req.method} from another site's page is refused (Sec-Fetch-Site: ${site})`,
        ),
      );
      return;
    }
    next();
  };

  return {
    inspect,
    hostAllowed,
    middleware,
    allowedHosts,
    guardUpgrade: (next) => (req, socket, head) => {
      if (!hostAllowed(req)) {
        refuseUpgrade(socket, 421, misdirected(req));
        return;
      }
      inspect(req);
      next(req, socket, head);
    },
  };
}
