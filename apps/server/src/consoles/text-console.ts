/**
 * `WS /api/v1/domains/:name/console/text?type=pv|serial`: a domain's PV console or emulated serial
 * port in the browser. Owns the server's side of text consoles: **one holder per (domain name,
 * kind)** in this process, its fan-out to every viewer, its scrollback, reattaching across
 * reboots, and releasing it when nobody watches.
 *
 * - Attach: the first viewer of a (name, kind) makes the hub look up the domid
 *   (`hypervisor.domidByName`) and call `hypervisor.openTextConsole(domid, kind)` (libxl: the pty
 *   from xenstore under `xl console`'s lock). Until that works the console is `waiting`, with the
 *   reason (not running, CONSOLE_BUSY because an `xl console` holds it, CONSOLE_UNAVAILABLE …), and
 *   the hub retries every {@link TextConsoleHubDeps.retryMs} and at once when a domain of that name
 *   appears. An unknown name is accepted and waits too (it may be created later).
 * - Fan-out: guest output goes to every viewer as binary frames and into a scrollback ring
 *   (`scrollbackBytes`, default 1 MiB per (name, kind)) kept across viewers, reattaches and
 *   reboots. A new viewer gets the scrollback first (one binary frame), then a `status` JSON text
 *   frame (`textConsoleServerMessageSchema`); every viewer gets a new status when the state or the
 *   viewer count changes.
 * - Input: binary frames from any viewer are keystrokes, written to the console with 0x1d
 *   (Ctrl-], which detaches `xl console`) removed; text frames from clients are ignored.
 * - Follows the domain, not the domid: when the console ends (the pty closed: the domain died or
 *   rebooted), or a `removed` event names the attached domid, it goes `waiting` and reattaches to
 *   the next domain of that name (a new domid), writing a separator line into the stream
 *   (`── xendeck: reattached to <name> (domid N) ──`) and a new status.
 * - Release: when the last viewer leaves, the console is closed after `graceMs` (default 10 s) so
 *   a hoster's own `xl console` works again; a viewer arriving within it keeps it.
 * - Backpressure, as a serial line has it: while any viewer has more than
 *   {@link PAUSE_BUFFERED_BYTES} unsent, the console read is paused (the guest's output waits in
 *   xenconsoled's buffer and the guest's ring, not in the server's memory), so every viewer that
 *   reads gets every byte, at the pace of the slowest. A viewer that stops reading does not hold
 *   the others for long: one whose unsent bytes did not go down for {@link STALL_MS}, or that has
 *   more than {@link MAX_VIEWER_BUFFERED_BYTES} unsent, is dropped (close 1013, "too slow").
 * - Keepalive by `ws/clients.ts` (`SocketSet`): a ping every `pingMs`; a viewer that did not answer the previous
 *   one is terminated.
 */

import type { IncomingMessage } from 'node:http';
import {
  type TextConsoleServerMessage,
  type TextConsoleType,
  textConsoleTypeSchema,
} from '@xendeck/api';
import {
  type DomainEvent,
  type DomainState,
  type Hypervisor,
  isHypervisorError,
  type TextConsole,
  type TextConsoleKind,
} from '@xendeck/hypervisor';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { API_PREFIX } from '../context.js';
import { ApiError } from '../errors.js';
import { parseDomainName } from '../validate.js';
import { rawDataToBuffer, SocketSet } from '../ws/clients.js';
import type { WsRoute } from '../ws/router.js';
import { openConsoleLog } from './log.js';
import type { ConsoleViewers } from './viewers.js';

/** Default scrollback per (domain name, kind), bytes. */
export const DEFAULT_SCROLLBACK_BYTES = 1024 * 1024;
/** Default time a console is kept after its last viewer left, ms. */
export const DEFAULT_GRACE_MS = 10_000;
/** Default delay between attach attempts while waiting, ms. */
export const DEFAULT_RETRY_MS = 3_000;
/** Delay between attach attempts in the first {@link QUICK_RETRY_WINDOW_MS} after a console ended, ms. */
const QUICK_RETRY_MS = 500;
const QUICK_RETRY_WINDOW_MS = 30_000;
/** A viewer with more than this unsent is dropped (close 1013), bytes. */
export const MAX_VIEWER_BUFFERED_BYTES = 8 * 1024 * 1024;
/** While any viewer has more than this unsent, the console read pauses, bytes. */
export const PAUSE_BUFFERED_BYTES = 1024 * 1024;
/** A viewer over {@link PAUSE_BUFFERED_BYTES} whose unsent bytes did not go down for this long is dropped, ms. */
export const STALL_MS = 5_000;
/** How often a paused console checks whether a viewer drained, ms. */
const DRAIN_CHECK_MS = 10;
/** Largest keystroke message accepted from a viewer (a paste), bytes. */
export const MAX_INPUT_MESSAGE_BYTES = 256 * 1024;
/** Close code for a viewer dropped for not reading (RFC 6455 "try again later"). */
const WS_CLOSE_SLOW = 1013;
/** States of a domain on its way out: its console is not reattached to. */
const ENDING_STATES: ReadonlySet<DomainState> = new Set(['dying', 'shutdown', 'crashed']);
/**
 * Whether a viewer's input is a terminal's automatic report rather than typing: a cursor
 * position report (`ESC [ row ; col R`, the answer to `ESC [ 6 n`) or a device attributes answer
 * (`ESC [ ? … c`, `ESC [ > … c`).
 */
export function isTerminalReport(data: Buffer): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matches terminal escape sequences
  return /^(?:\x1b\[\d+;\d+R|\x1b\[[?>][\d;]*c)+$/.test(data.toString('latin1'));
}

/** Ctrl-]: `xl console`'s detach key, never sent to the guest. */
const CTRL_RIGHT_BRACKET = 0x1d;

export interface TextConsoleHubDeps {
  hypervisor: Hypervisor;
  logger: Logger;
  viewers: ConsoleViewers;
  /** Kept after the last viewer left, ms (XENDECK_CONSOLE_GRACE_MS); default 10 000. */
  graceMs?: number;
  /** Scrollback per (domain name, kind), bytes; default 1 MiB. */
  scrollbackBytes?: number;
  /**
   * Where xenconsoled writes `guest-<name>.log` (XENDECK_CONSOLE_LOG_DIR); without it the console
   * log is only what the hub kept.
   */
  consoleLogDir?: string;
  /** Delay between attach attempts while waiting, ms; default 3 000. */
  retryMs?: number;
  /** Ping period, ms; default 30 000. */
  pingMs?: number;
}

/** What the route's `authorize` hands to `onConnection`. */
export interface TextConsoleTarget {
  name: string;
  kind: TextConsoleKind;
}

/**
 * The `?type=` of the text console websocket: `pv` when absent; ApiError INVALID_INPUT (422)
 * when it is anything but `pv` or `serial`.
 */
export function parseTextConsoleType(raw: string | null): TextConsoleType {
  const r = textConsoleTypeSchema.safeParse(raw ?? 'pv');
  if (!r.success) {
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid console type ${JSON.stringify(raw)}: "pv" or "serial"`,
      { where: 'query', issues: [{ path: 'type', message: 'expected "pv" or "serial"' }] },
    );
  }
  return r.data;
}

/** The last `capacity` bytes written, as chunks. */
class ScrollbackRing {
  private chunks: Buffer[] = [];
  private head = 0;
  size = 0;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (this.capacity <= 0 || chunk.length === 0) return;
    const c = chunk.length > this.capacity ? chunk.subarray(chunk.length - this.capacity) : chunk;
    this.chunks.push(c);
    this.size += c.length;
    while (this.size > this.capacity) {
      const first = this.chunks[this.head] as Buffer;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.head++;
        this.size -= first.length;
      } else {
        this.chunks[this.head] = first.subarray(excess);
        this.size -= excess;
      }
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  snapshot(): Buffer {
    return Buffer.concat(this.chunks.slice(this.head), this.size);
  }
}

interface Viewer {
  ws: WebSocket;
  release: () => void;
  /** `ws.bufferedAmount` when last seen going down, and when (ms): the stall detector's memory. */
  lastBuffered: number;
  lastProgressAt: number;
}

type State = 'attached' | 'waiting' | 'detached';

/** One (domain name, kind): its holder, viewers and scrollback. */
class Slot {
  readonly viewers = new Set<Viewer>();
  readonly scrollback: ScrollbackRing;
  console: TextConsole | undefined;
  /** domid of the console held now. */
  domid: number | undefined;
  /** domid attached last (to tell a reattach to another boot). */
  lastDomid: number | undefined;
  /** A domid whose console ended: not reattached to (a dying domain keeps its name a while). */
  endedDomid: number | undefined;
  /** When the console last ended by itself (Date.now()), for the quicker retries after it. */
  endedAt: number | undefined;
  /** Whether the last attempt failed because another process holds the console. */
  busy = false;
  state: State = 'waiting';
  reason: string | undefined = 'attaching to the console';
  /** Whether the domain had this console at the last attempt (undefined before one). */
  available: boolean | undefined;
  opening = false;
  attemptAgain = false;
  paused = false;
  retryTimer: NodeJS.Timeout | undefined;
  graceTimer: NodeJS.Timeout | undefined;
  drainTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    readonly kind: TextConsoleKind,
    scrollbackBytes: number,
  ) {
    this.scrollback = new ScrollbackRing(scrollbackBytes);
  }
}

export class TextConsoleHub {
  /** xenconsoled's log directory (see {@link TextConsoleHubDeps.consoleLogDir}). */
  readonly consoleLogDir: string | undefined;
  private readonly hv: Hypervisor;
  private readonly logger: Logger;
  private readonly viewerCounts: ConsoleViewers;
  private readonly graceMs: number;
  private readonly scrollbackBytes: number;
  private readonly retryMs: number;
  private readonly slots = new Map<string, Slot>();
  private readonly unsubscribe: () => void;
  /** Keepalive of every viewer socket (ping, terminate on no pong; the close handler removes it). */
  private readonly keepalive: SocketSet<undefined>;
  private closed = false;

  constructor(deps: TextConsoleHubDeps) {
    this.hv = deps.hypervisor;
    this.logger = deps.logger;
    this.viewerCounts = deps.viewers;
    this.graceMs = deps.graceMs ?? DEFAULT_GRACE_MS;
    this.scrollbackBytes = deps.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES;
    this.retryMs = deps.retryMs ?? DEFAULT_RETRY_MS;
    this.consoleLogDir = deps.consoleLogDir;
    this.unsubscribe = this.hv.onDomainEvent((e) => this.onDomainEvent(e));
    this.keepalive = new SocketSet(deps.logger, 'text console', { pingMs: deps.pingMs });
  }

  /**
   * The websocket route (see the module comment). `authorize` validates `:name`
   * (domainNameSchema) and `?type=` (pv when absent) before the upgrade: 422 INVALID_INPUT.
   */
  route(): WsRoute<TextConsoleTarget> {
    return {
      path: `${API_PREFIX}/domains/:name/console/text`,
      access: { domain: 'console' },
      summary:
        'Text console (?type=pv|serial): binary frames both ways (scrollback first; Ctrl-] dropped), JSON status frames; follows the domain across reboots',
      maxPayloadBytes: MAX_INPUT_MESSAGE_BYTES,
      ticketKind: (_params, query) => parseTextConsoleType(query.get('type')),
      authorize: (_req: IncomingMessage, info) => ({
        name: parseDomainName(info.params.name),
        kind: parseTextConsoleType(info.query.get('type')),
      }),
      onConnection: (ws, _req, info) => this.addViewer(ws, info.prepared),
    };
  }

  /** Whether the hub holds `kind` console of `name` now, and whether the domain had it last time. */
  state(name: string, kind: TextConsoleKind): { attached: boolean; available?: boolean } {
    const slot = this.slots.get(key(name, kind));
    if (!slot) return { attached: false };
    return slot.available === undefined
      ? { attached: slot.console !== undefined }
      : { attached: slot.console !== undefined, available: slot.available };
  }

  /**
   * Where the console log of `name` comes from now: xenconsoled's `guest-<name>.log` when the
   * log route would serve it (`openConsoleLog`: a regular file, not a symlink; its size), else the
   * scrollback of the PV console, else of the serial port (`server`), else `none`.
   */
  async logSource(
    name: string,
  ): Promise<{ source: 'xenconsoled' | 'server' | 'none'; sizeBytes: number }> {
    const opened = this.consoleLogDir ? await openConsoleLog(this.consoleLogDir, name) : undefined;
    if (opened) {
      await opened.file.close();
      return { source: 'xenconsoled', sizeBytes: opened.sizeBytes };
    }
    for (const kind of ['pv', 'serial'] as const) {
      const size = this.slots.get(key(name, kind))?.scrollback.size ?? 0;
      if (size > 0) return { source: 'server', sizeBytes: size };
    }
    return { source: 'none', sizeBytes: 0 };
  }

  /** What the hub kept of `kind` console of `name` (empty when nothing). */
  scrollback(name: string, kind: TextConsoleKind): Buffer {
    return this.slots.get(key(name, kind))?.scrollback.snapshot() ?? Buffer.alloc(0);
  }

  /** Closes every viewer (status `detached`, then 1001) and every console; stops timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const slot of this.slots.values()) {
      this.setState(slot, 'detached', 'the server is shutting down');
      for (const v of [...slot.viewers]) {
        v.ws.close(1001, 'server shutting down');
        this.removeViewer(slot, v);
      }
      this.releaseConsole(slot);
      this.clearTimers(slot);
    }
    this.keepalive.close();
  }

  private slotOf(name: string, kind: TextConsoleKind): Slot {
    const k = key(name, kind);
    let slot = this.slots.get(k);
    if (!slot) {
      slot = new Slot(name, kind, this.scrollbackBytes);
      this.slots.set(k, slot);
    }
    return slot;
  }

  private addViewer(ws: WebSocket, target: TextConsoleTarget): void {
    if (this.closed) {
      ws.close(1001, 'server shutting down');
      return;
    }
    const slot = this.slotOf(target.name, target.kind);
    const viewer: Viewer = {
      ws,
      release: this.viewerCounts.add(target.name, target.kind),
      lastBuffered: 0,
      lastProgressAt: Date.now(),
    };
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = undefined;
    slot.viewers.add(viewer);
    this.keepalive.add(ws, undefined);
    ws.on('close', () => this.removeViewer(slot, viewer));
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return;
      this.input(slot, viewer, rawDataToBuffer(data));
    });
    const kept = slot.scrollback.snapshot();
    if (kept.length > 0) ws.send(kept, { binary: true });
    if (!slot.console && !slot.opening && slot.endedDomid === undefined) {
      slot.state = 'waiting';
      slot.reason = 'attaching to the console';
    }
    this.broadcastStatus(slot);
    this.attach(slot);
  }

  private removeViewer(slot: Slot, viewer: Viewer): void {
    if (!slot.viewers.delete(viewer)) return;
    viewer.release();
    if (slot.viewers.size > 0) {
      this.broadcastStatus(slot);
      this.checkPause(slot);
      return;
    }
    if (slot.retryTimer) clearTimeout(slot.retryTimer);
    slot.retryTimer = undefined;
    this.resumeConsole(slot);
    this.startGrace(slot);
    // Nothing held, nothing kept: forget the slot (an admin may try any name).
    if (!slot.console && !slot.opening && slot.scrollback.size === 0) {
      this.clearTimers(slot);
      this.slots.delete(key(slot.name, slot.kind));
    }
  }

  /** With no viewer left, the console is released after the grace period (unless one comes). */
  private startGrace(slot: Slot): void {
    if (this.closed || !slot.console || slot.viewers.size > 0) return;
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = setTimeout(() => {
      slot.graceTimer = undefined;
      if (slot.viewers.size > 0) return;
      this.logger.info(
        { name: slot.name, kind: slot.kind, domid: slot.domid, graceMs: this.graceMs },
        'text console released: no viewer left',
      );
      this.releaseConsole(slot);
      this.setState(slot, 'waiting', 'released: no viewer');
    }, this.graceMs);
    slot.graceTimer.unref();
  }

  /**
   * Keystrokes of a viewer: Ctrl-] removed, written when attached (dropped while waiting). A
   * terminal's automatic answer to a query in the output ({@link isTerminalReport}: busybox's
   * prompt asks for the cursor position) is passed on from the longest-connected viewer only:
   * every viewer's terminal answers the same query, and the guest must read one answer, not one
   * per viewer (the others would show up as typed text at its prompt).
   */
  private input(slot: Slot, from: Viewer, data: Buffer): void {
    const c = slot.console;
    if (!c || data.length === 0) return;
    if (isTerminalReport(data) && slot.viewers.values().next().value !== from) return;
    const keys = data.includes(CTRL_RIGHT_BRACKET)
      ? Buffer.from(data.filter((b) => b !== CTRL_RIGHT_BRACKET))
      : data;
    if (keys.length > 0) c.write(keys);
  }

  /** Tries to open the console when viewers want it and nobody holds it (one attempt at a time). */
  private attach(slot: Slot): void {
    if (this.closed || slot.console || slot.viewers.size === 0) return;
    if (slot.opening) {
      slot.attemptAgain = true;
      return;
    }
    if (slot.retryTimer) clearTimeout(slot.retryTimer);
    slot.retryTimer = undefined;
    slot.opening = true;
    slot.attemptAgain = false;
    void this.tryOpen(slot).finally(() => {
      slot.opening = false;
      if (slot.attemptAgain && !slot.console) this.attach(slot);
      else if (!slot.console) this.scheduleRetry(slot);
    });
  }

  private scheduleRetry(slot: Slot): void {
    if (this.closed || slot.console || slot.viewers.size === 0 || slot.retryTimer) return;
    // Right after a reboot the new domain's pty appears within seconds of the domain: retry
    // sooner then (not while an `xl console` holds the lock).
    const afterEnd =
      slot.endedAt !== undefined && Date.now() - slot.endedAt < QUICK_RETRY_WINDOW_MS && !slot.busy;
    slot.retryTimer = setTimeout(
      () => {
        slot.retryTimer = undefined;
        this.attach(slot);
      },
      afterEnd ? Math.min(QUICK_RETRY_MS, this.retryMs) : this.retryMs,
    );
    slot.retryTimer.unref();
  }

  private async tryOpen(slot: Slot): Promise<void> {
    const { name, kind } = slot;
    let domid: number | undefined;
    let console: TextConsole;
    try {
      domid = await this.hv.domidByName(name);
      // The domid whose console just ended is reattached to only if it still runs (xenconsoled
      // restarted); while it is dying or shut down, wait for the next domain of that name.
      const stillEnding =
        domid !== undefined &&
        domid === slot.endedDomid &&
        ENDING_STATES.has((await this.hv.domainInfo(domid)).state);
      if (domid === undefined || stillEnding) {
        this.setState(
          slot,
          'waiting',
          slot.endedDomid !== undefined
            ? `domain ${name} went away (domid ${slot.endedDomid}): waiting for it to come back`
            : `domain ${name} is not running: waiting for it to start`,
        );
        return;
      }
      console = await this.hv.openTextConsole(domid, kind);
    } catch (err) {
      const code = isHypervisorError(err) ? err.code : undefined;
      if (code === 'CONSOLE_UNAVAILABLE') slot.available = false;
      slot.busy = code === 'CONSOLE_BUSY';
      const why =
        code === 'CONSOLE_BUSY'
          ? `another program holds the ${kind} console of ${name} (an xl console?): retrying every ${Math.round(this.retryMs / 1000)} s`
          : code === 'DOMAIN_NOT_FOUND'
            ? `domain ${name} is not running: waiting for it to start`
            : `${err instanceof Error ? err.message : String(err)}: retrying`;
      if (
        !code ||
        (code !== 'CONSOLE_BUSY' && code !== 'CONSOLE_UNAVAILABLE' && code !== 'DOMAIN_NOT_FOUND')
      ) {
        this.logger.warn({ err, name, kind, domid }, 'text console: open failed');
      }
      this.setState(slot, 'waiting', why);
      return;
    }
    if (this.closed) {
      console.close();
      return;
    }
    this.hold(slot, console, domid);
  }

  /** Takes an opened console: fan-out, end handling, separator after a reboot, status. */
  private hold(slot: Slot, c: TextConsole, domid: number): void {
    slot.console = c;
    slot.domid = domid;
    slot.available = true;
    slot.paused = false;
    slot.busy = false;
    const reattached = slot.lastDomid !== undefined && slot.lastDomid !== domid;
    slot.lastDomid = domid;
    slot.endedDomid = undefined;
    c.onData((chunk) => this.output(slot, c, chunk));
    c.onEnd((reason) => this.ended(slot, c, reason));
    this.logger.info(
      { name: slot.name, kind: slot.kind, domid, path: c.path },
      'text console attached',
    );
    if (reattached) {
      this.output(
        slot,
        c,
        Buffer.from(`\r\n── xendeck: reattached to ${slot.name} (domid ${domid}) ──\r\n`, 'utf8'),
      );
    }
    this.setState(slot, 'attached', undefined);
    // The last viewer may have left while the console was opening.
    this.startGrace(slot);
  }

  /** Guest output: into the scrollback, to every viewer; then the backpressure check. */
  private output(slot: Slot, c: TextConsole, chunk: Buffer): void {
    if (slot.console !== c) return;
    slot.scrollback.push(chunk);
    for (const v of slot.viewers) {
      if (v.ws.readyState !== WebSocket.OPEN) continue;
      v.ws.send(chunk, { binary: true });
    }
    this.checkPause(slot);
  }

  /** Closes a viewer that does not read (1013), so it no longer holds the console paused. */
  private dropSlowViewer(slot: Slot, v: Viewer, why: string): void {
    const mib = (v.ws.bufferedAmount / 1048576).toFixed(1);
    this.logger.warn(
      { name: slot.name, kind: slot.kind, bufferedAmount: v.ws.bufferedAmount, why },
      'text console: dropping a viewer that does not read',
    );
    v.ws.close(WS_CLOSE_SLOW, `too slow: ${mib} MiB of console output unsent (${why})`);
    this.removeViewer(slot, v);
  }

  /**
   * Whether a viewer is behind (more than PAUSE_BUFFERED_BYTES unsent); drops it, returning
   * false, when it made no progress for STALL_MS or is over MAX_VIEWER_BUFFERED_BYTES.
   */
  private isBehind(slot: Slot, v: Viewer, now: number): boolean {
    const buffered = v.ws.bufferedAmount;
    if (buffered < v.lastBuffered || buffered <= PAUSE_BUFFERED_BYTES) {
      v.lastProgressAt = now;
    }
    v.lastBuffered = buffered;
    if (buffered <= PAUSE_BUFFERED_BYTES) return false;
    if (buffered > MAX_VIEWER_BUFFERED_BYTES) {
      this.dropSlowViewer(slot, v, `over ${MAX_VIEWER_BUFFERED_BYTES / 1048576} MiB`);
      return false;
    }
    if (now - v.lastProgressAt > STALL_MS) {
      this.dropSlowViewer(slot, v, `no progress for ${STALL_MS / 1000} s`);
      return false;
    }
    return true;
  }

  /** Pauses the console read while any viewer is behind (see {@link isBehind}). */
  private checkPause(slot: Slot): void {
    const c = slot.console;
    if (!c) return;
    const now = Date.now();
    let anyBehind = false;
    for (const v of [...slot.viewers]) {
      if (v.ws.readyState !== WebSocket.OPEN) continue;
      if (this.isBehind(slot, v, now)) anyBehind = true;
    }
    if (anyBehind && !slot.paused) {
      slot.paused = true;
      c.pause();
      const check = () => {
        slot.drainTimer = undefined;
        if (!slot.paused) return;
        this.checkPause(slot);
        if (slot.paused) {
          slot.drainTimer = setTimeout(check, DRAIN_CHECK_MS);
          slot.drainTimer.unref();
        }
      };
      slot.drainTimer = setTimeout(check, DRAIN_CHECK_MS);
      slot.drainTimer.unref();
    } else if (!anyBehind && slot.paused) {
      this.resumeConsole(slot);
    }
  }

  private resumeConsole(slot: Slot): void {
    if (!slot.paused) return;
    slot.paused = false;
    if (slot.drainTimer) clearTimeout(slot.drainTimer);
    slot.drainTimer = undefined;
    slot.console?.resume();
  }

  /** The console ended by itself (the domain died or rebooted, a read error). */
  private ended(slot: Slot, c: TextConsole, reason: string): void {
    if (slot.console !== c) return;
    const domid = slot.domid;
    slot.console = undefined;
    slot.domid = undefined;
    slot.endedDomid = domid;
    slot.endedAt = Date.now();
    slot.paused = false;
    if (slot.drainTimer) clearTimeout(slot.drainTimer);
    slot.drainTimer = undefined;
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = undefined;
    this.logger.info({ name: slot.name, kind: slot.kind, domid, reason }, 'text console ended');
    this.setState(
      slot,
      'waiting',
      `domain ${slot.name} (domid ${domid}) went away or rebooted (${reason}): waiting for it to come back`,
    );
    this.attach(slot);
  }

  private onDomainEvent(e: DomainEvent): void {
    for (const slot of this.slots.values()) {
      if (e.kind === 'removed' && slot.console && slot.domid === e.domid) {
        // The pty normally reports it first; this covers a pty that did not.
        const c = slot.console;
        this.ended(slot, c, `domain ${e.name} (domid ${e.domid}) was removed`);
        c.close();
      } else if (
        (e.kind === 'added' || e.kind === 'changed') &&
        e.domain.name === slot.name &&
        !slot.console &&
        slot.viewers.size > 0
      ) {
        this.attach(slot);
      }
    }
  }

  /** Closes the console we hold (our own release: no `waiting` status from its end). */
  private releaseConsole(slot: Slot): void {
    const c = slot.console;
    if (!c) return;
    slot.console = undefined;
    slot.domid = undefined;
    slot.paused = false;
    c.close();
  }

  private clearTimers(slot: Slot): void {
    for (const t of [slot.retryTimer, slot.graceTimer, slot.drainTimer]) if (t) clearTimeout(t);
    slot.retryTimer = slot.graceTimer = slot.drainTimer = undefined;
  }

  /** Sets the state; every viewer hears of a change. */
  private setState(slot: Slot, state: State, reason: string | undefined): void {
    if (slot.state === state && slot.reason === reason) return;
    slot.state = state;
    slot.reason = reason;
    this.broadcastStatus(slot);
  }

  private broadcastStatus(slot: Slot): void {
    if (slot.viewers.size === 0) return;
    const msg: TextConsoleServerMessage = {
      type: 'status',
      state: slot.state,
      ...(slot.reason !== undefined ? { reason: slot.reason } : {}),
      ...(slot.state === 'attached' && slot.domid !== undefined ? { domid: slot.domid } : {}),
      viewers: slot.viewers.size,
    };
    const text = JSON.stringify(msg);
    for (const v of slot.viewers) {
      if (v.ws.readyState === WebSocket.OPEN) v.ws.send(text, { binary: false });
    }
  }
}

function key(name: string, kind: TextConsoleKind): string {
  return `${kind}\u0000${name}`;
}
