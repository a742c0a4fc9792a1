/**
 * The console REST routes this module owns, and the one description of what a domain's consoles
 * are now:
 *
 * - `GET /api/v1/domains/:name/console` → `consoleStatusSchema`: domid when running, VNC
 *   availability (xenstore `console/vnc-port` through `hypervisor.vncEndpoint`) and whether the
 *   guest sets `vncpasswd`, the PV console and serial port (from the text console hub), viewer
 *   counts (`ConsoleViewers`), and where the console log comes from.
 * - `POST /api/v1/domains/:name/console/tickets` → 201 `consoleTicketSchema` (`consoles/tickets.ts`).
 *
 * The websocket routes (`console/vnc` in `vnc-proxy.ts`, `console/text` in `text-console.ts`) and
 * `GET …/console/log` (`log.ts`) live beside it; `app.ts` mounts them all.
 */
import {
  type ConsoleKind,
  type ConsoleStatus,
  consoleTicketRequestSchema,
  type TextConsoleType,
} from '@xendeck/api';
import { type DomainType, isHypervisorError, type VncEndpoint } from '@xendeck/hypervisor';
import { auditNote } from '../audit.js';
import { currentSession } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import type { ConsoleTickets } from './tickets.js';
import type { ConsoleViewers } from './viewers.js';

/** What the status route needs of the text console hub (`TextConsoleHub` in `text-console.ts`). */
export interface TextConsoleStatusSource {
  /**
   * Whether the server holds `kind` console of the domain `name` now (`attached`), and whether the
   * domain has that console (`available`: xenstore console/tty or serial/0/tty; undefined when the
   * hub has not tried yet: the status then shows the domain type's primary console).
   */
  state(name: string, kind: TextConsoleType): { attached: boolean; available?: boolean };
  /** Where `GET …/console/log` reads from, and how many bytes it holds now. */
  logSource(
    name: string,
  ): Promise<{ source: 'xenconsoled' | 'server' | 'none'; sizeBytes: number }>;
}

export interface ConsoleRoutesDeps {
  tickets: ConsoleTickets;
  viewers: ConsoleViewers;
  text: TextConsoleStatusSource;
}

/**
 * What the status needs of a running domain: its type and VNC endpoint. Undefined when the domain
 * died between the domid lookup and these reads (DOMAIN_NOT_FOUND); other errors
 * (XEN_UNAVAILABLE …) are thrown.
 */
async function runningDomain(
  ctx: AppContext,
  domid: number,
): Promise<{ type: DomainType; vnc: VncEndpoint | undefined } | undefined> {
  try {
    const info = await ctx.hypervisor.domainInfo(domid);
    return { type: info.type, vnc: await ctx.hypervisor.vncEndpoint(domid) };
  } catch (err) {
    if (isHypervisorError(err) && err.code === 'DOMAIN_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * The console xl uses by default for a domain type (libxl: `serial` for HVM, `pv` for PV and
 * PVH): what `available` says of a text console the hub has not tried to attach to yet (it
 * learns the truth, xenstore console/tty or serial/0/tty, at its first attempt).
 */
function primaryTextConsole(type: DomainType): TextConsoleType {
  return type === 'hvm' ? 'serial' : 'pv';
}

/**
 * The consoles of the domain called `name` (validated) now: see {@link consoleStatusSchema} in
 * @xendeck/api. A domain that is not running still answers when the server has something of its
 * consoles (a log, a text console it holds or waits on, viewers); otherwise ApiError
 * DOMAIN_NOT_FOUND (404). Throws what the hypervisor throws (XEN_UNAVAILABLE …).
 */
export async function consoleStatus(
  ctx: AppContext,
  deps: ConsoleRoutesDeps,
  name: string,
): Promise<ConsoleStatus> {
  let domid = await ctx.hypervisor.domidByName(name);
  const running = domid === undefined ? undefined : await runningDomain(ctx, domid);
  if (!running) domid = undefined;
  const vnc = running?.vnc;
  const text = (kind: TextConsoleType) => {
    const st = deps.text.state(name, kind);
    const guess = running !== undefined && primaryTextConsole(running.type) === kind;
    return {
      available: st.available ?? (st.attached || guess),
      viewers: deps.viewers.count(name, kind),
      attached: st.attached,
    };
  };
  const pv = text('pv');
  const serial = text('serial');
  const vncViewers = deps.viewers.count(name, 'vnc');
  const log = await deps.text.logSource(name);
  if (
    domid === undefined &&
    log.source === 'none' &&
    !pv.attached &&
    !serial.attached &&
    pv.viewers + serial.viewers + vncViewers === 0
  ) {
    throw new ApiError('DOMAIN_NOT_FOUND', `No domain named "${name}"`, { name });
  }
  return {
    domain: name,
    ...(domid !== undefined ? { domid } : {}),
    vnc: {
      available: vnc !== undefined,
      viewers: vncViewers,
      passwordProtected: vnc?.password !== undefined,
    },
    pv,
    serial,
    log: { source: log.source, sizeBytes: log.sizeBytes },
  };
}

/** `GET …/console` and `POST …/console/tickets` (paths under `/api/v1`). */
export function consoleRoutes(ctx: AppContext, deps: ConsoleRoutesDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/domains/:name/console',
      access: { domain: 'console' },
      summary:
        'Consoles of a domain now: domid, VNC (available, password, viewers), PV/serial (available, attached, viewers), log source; 404 DOMAIN_NOT_FOUND',
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        res.json(await consoleStatus(ctx, deps, name));
      },
    },
    {
      method: 'post',
      path: '/domains/:name/console/tickets',
      access: { domain: 'console' },
      summary:
        'One-time console ticket {kind} → 201 {ticket, expiresAt, domain, kind}: single use, 30 s, this user/session/domain/kind; 404 DOMAIN_NOT_FOUND',
      audit: { action: 'console.ticket' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { kind } = parseBody(consoleTicketRequestSchema, req.body);
        const session = currentSession(req, res);
        auditNote(res, { details: { kind } });
        const domid = await domidOf(ctx.hypervisor, name);
        const ticket = deps.tickets.issue(session, name, kind satisfies ConsoleKind);
        auditNote(res, { details: { domid, expiresAt: ticket.expiresAt } });
        res.status(201).json(ticket);
      },
    },
  ];
}
