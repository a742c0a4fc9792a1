/**
 * The simulated host's text consoles: behind `openTextConsole`, one tiny line-oriented fake shell
 * per (domain boot, kind), so the server's console hub, the web terminal and the tests work
 * without Xen. Owns: the shell's behaviour (boot banner, echo, line editing, a few commands), the
 * `burst` output pattern the tests and the fan-out benchmark check byte for byte, and the
 * one-holder rule.
 *
 * - Boot: the first output of every domain boot (every domid) is
 *   `Booting simulated <name> (domid <n>)…` then a prompt `<name>:~# `. Output made while nobody
 *   holds the console waits for the next holder (as a pty's buffer keeps it), up to
 *   {@link UNREAD_OUTPUT_MAX_BYTES} (the oldest is dropped beyond).
 * - Input: printable bytes are echoed; CR (or LF not after a CR) runs the line; backspace (0x7f,
 *   0x08) erases a character; Ctrl-C (0x03) abandons the line. Commands: `echo …`, `uname [-a]`,
 *   `hostname`, `help`, `burst <bytes>` (that many bytes of {@link burstPattern}, in 64 KiB chunks,
 *   honouring `pause()`; at most {@link MAX_BURST_BYTES}), anything else is "not found".
 * - Lines end with CRLF, as a guest's tty (ONLCR) writes them.
 * - Kinds: `pv` for every domU (HVM guests have a PV console too), `serial` only for HVM.
 *   Domain-0 has neither (CONSOLE_UNAVAILABLE), as on Xen (no console/tty for dom0).
 * - One holder per (domid, kind): a second open while one is open → CONSOLE_BUSY.
 * - End: when the domain goes away (destroy, the shutdown of a reboot) the holder's `onEnd` gets
 *   the same reason as on the libxl backend ({@link CONSOLE_CLOSED_REASON}).
 */
import { HypervisorError } from '../errors.js';
import { CONSOLE_CLOSED_BY_HOLDER, CONSOLE_CLOSED_REASON } from '../text-console.js';
import type { DomainType, TextConsole, TextConsoleKind } from '../types.js';

/** Largest `burst`, bytes (64 MiB). */
export const MAX_BURST_BYTES = 64 * 1024 * 1024;

/** Size of the chunks a burst is written in, bytes. */
const BURST_CHUNK_BYTES = 64 * 1024;

/** Output kept for the next holder while nobody holds the console, bytes. */
export const UNREAD_OUTPUT_MAX_BYTES = 64 * 1024;

/** Bytes per line of the burst pattern (63 printable bytes and a LF). */
const BURST_LINE_BYTES = 64;

/**
 * The `burst` pattern: byte `i` is LF (0x0a) when `i % 64 === 63`, else the printable ASCII
 * `0x21 + ((i + floor(i / 64)) % 94)`: lines of 63 characters that shift by one each line, so a
 * lost, repeated or reordered chunk changes the hash. Returns bytes `[offset, offset + length)`.
 */
export function burstPattern(length: number, offset = 0): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let k = 0; k < length; k++) {
    const i = offset + k;
    const col = i % BURST_LINE_BYTES;
    out[k] =
      col === BURST_LINE_BYTES - 1 ? 0x0a : 0x21 + ((i + Math.floor(i / BURST_LINE_BYTES)) % 94);
  }
  return out;
}

/** The domain a fake console belongs to (one boot of it: one domid). */
export interface FakeConsoleDomain {
  domid: number;
  name: string;
  type: DomainType;
  /** HVM: the device model has an emulated serial port (`serial = "pty"`); default true. */
  serial?: boolean;
}

const CRLF = '\r\n';

/** One fake shell: a (domid, kind)'s state across holders. */
class FakeShell {
  /** Output waiting for a holder (or for `resume()`). */
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private line: number[] = [];
  private lastWasCr = false;
  private burstLeft = 0;
  private burstOffset = 0;
  private burstScheduled = false;
  holder: FakeTextConsole | undefined;

  constructor(
    readonly domain: FakeConsoleDomain,
    readonly kind: TextConsoleKind,
  ) {
    const { name, domid } = domain;
    const via = kind === 'serial' ? ' on ttyS0' : '';
    this.emit(
      `Booting simulated ${name} (domid ${domid})…${CRLF}` +
        `Xendeck simulated ${kind} console${via}: type "help".${CRLF}${CRLF}${this.prompt()}`,
    );
  }

  private prompt(): string {
    return `${this.domain.name}:~# `;
  }

  /** Sends output to the holder now, or keeps it (bounded when nobody holds the console). */
  emit(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (buf.length === 0) return;
    const h = this.holder;
    if (h && !h.paused && this.queue.length === 0) {
      h.deliver(buf);
      return;
    }
    this.queue.push(buf);
    this.queuedBytes += buf.length;
    if (!h) {
      while (this.queuedBytes > UNREAD_OUTPUT_MAX_BYTES && this.queue.length > 1) {
        this.queuedBytes -= this.queue.shift()?.length ?? 0;
      }
    }
  }

  /** Delivers what waited, then continues a burst (called on attach and on resume). */
  drain(): void {
    const h = this.holder;
    while (h && !h.paused && this.holder === h && this.queue.length > 0) {
      const buf = this.queue.shift() as Buffer;
      this.queuedBytes -= buf.length;
      h.deliver(buf);
    }
    this.scheduleBurst();
  }

  detach(h: FakeTextConsole): void {
    if (this.holder !== h) return;
    this.holder = undefined;
    // A guest writing to a console nobody reads: the rest of a burst is lost.
    if (this.burstLeft > 0) {
      this.burstLeft = 0;
      this.emit(`${CRLF}${this.prompt()}`);
    }
  }

  input(data: Buffer): void {
    for (const b of data) {
      if (b === 0x0d || (b === 0x0a && !this.lastWasCr)) {
        this.lastWasCr = b === 0x0d;
        this.emit(CRLF);
        const text = Buffer.from(this.line).toString('utf8');
        this.line = [];
        this.run(text);
        continue;
      }
      this.lastWasCr = false;
      if (b === 0x0a) continue;
      if (b === 0x7f || b === 0x08) {
        if (this.line.length === 0) continue;
        // Erase one UTF-8 character: its continuation bytes, then its lead byte.
        while (this.line.length > 1 && ((this.line.at(-1) as number) & 0xc0) === 0x80) {
          this.line.pop();
        }
        this.line.pop();
        this.emit('\b \b');
        continue;
      }
      if (b === 0x03) {
        this.line = [];
        this.emit(`^C${CRLF}${this.prompt()}`);
        continue;
      }
      if (b < 0x20) continue;
      this.line.push(b);
      this.emit(Buffer.from([b]));
    }
  }

  private run(text: string): void {
    const args = text.trim().split(/\s+/).filter(Boolean);
    const cmd = args[0];
    const p = this.prompt();
    switch (cmd) {
      case undefined:
        this.emit(p);
        return;
      case 'echo':
        this.emit(`${text.trim().slice(4).trimStart()}${CRLF}${p}`);
        return;
      case 'uname':
        this.emit(
          args[1] === '-a'
            ? `Linux ${this.domain.name} 6.1.0-xendeck-sim #1 SMP PREEMPT_DYNAMIC simulated x86_64 GNU/Linux${CRLF}${p}`
            : `Linux${CRLF}${p}`,
        );
        return;
      case 'hostname':
        this.emit(`${this.domain.name}${CRLF}${p}`);
        return;
      case 'help':
        this.emit(
          `Commands: echo TEXT, uname [-a], hostname, help, burst BYTES (up to ${MAX_BURST_BYTES} bytes of a test pattern)${CRLF}${p}`,
        );
        return;
      case 'burst': {
        const n = Number(args[1]);
        if (!Number.isInteger(n) || n < 1 || n > MAX_BURST_BYTES) {
          this.emit(`burst: BYTES must be an integer from 1 to ${MAX_BURST_BYTES}${CRLF}${p}`);
          return;
        }
        if (this.burstLeft > 0) {
          this.emit(`burst: a burst is running${CRLF}${p}`);
          return;
        }
        this.burstLeft = n;
        this.burstOffset = 0;
        this.scheduleBurst();
        return;
      }
      default:
        this.emit(`sh: ${cmd}: not found${CRLF}${p}`);
    }
  }

  /** Writes the burst a chunk per event-loop turn while the holder reads. */
  private scheduleBurst(): void {
    if (this.burstScheduled || this.burstLeft === 0) return;
    this.burstScheduled = true;
    setImmediate(() => {
      this.burstScheduled = false;
      const h = this.holder;
      if (!h || this.burstLeft === 0) return;
      if (h.paused || this.queue.length > 0) return; // drain() resumes it
      const n = Math.min(BURST_CHUNK_BYTES, this.burstLeft);
      const chunk = burstPattern(n, this.burstOffset);
      this.burstOffset += n;
      this.burstLeft -= n;
      this.emit(chunk);
      if (this.burstLeft === 0) this.emit(`${CRLF}${this.prompt()}`);
      else this.scheduleBurst();
    });
  }
}

/** What a holder gets: a {@link TextConsole} over one {@link FakeShell}. */
class FakeTextConsole implements TextConsole {
  readonly domid: number;
  readonly kind: TextConsoleKind;
  readonly path: string;
  paused = false;
  private ended: string | undefined;
  private readonly dataListeners: ((chunk: Buffer) => void)[] = [];
  private readonly endListeners: ((reason: string) => void)[] = [];

  constructor(private readonly shell: FakeShell) {
    this.domid = shell.domain.domid;
    this.kind = shell.kind;
    this.path = `simulated ${shell.kind} console of ${shell.domain.name} (domid ${this.domid})`;
    // Listeners are attached after open() returns: deliver what waited on the next turn.
    setImmediate(() => {
      if (!this.ended) shell.drain();
    });
  }

  deliver(chunk: Buffer): void {
    for (const l of this.dataListeners) l(chunk);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onEnd(listener: (reason: string) => void): void {
    if (this.ended !== undefined) {
      const reason = this.ended;
      queueMicrotask(() => listener(reason));
      return;
    }
    this.endListeners.push(listener);
  }

  write(data: Buffer): void {
    if (this.ended !== undefined) return;
    const copy = Buffer.from(data);
    setImmediate(() => {
      if (this.ended === undefined) this.shell.input(copy);
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.ended === undefined) this.shell.drain();
  }

  close(): void {
    this.end(CONSOLE_CLOSED_BY_HOLDER);
  }

  end(reason: string): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.shell.detach(this);
    for (const l of this.endListeners.splice(0)) l(reason);
  }
}

/** Every fake shell of a simulated host, by (domid, kind). */
export class FakeConsoles {
  private readonly shells = new Map<string, FakeShell>();

  /**
   * Opens the console of kind `kind` of a running domain. Throws CONSOLE_UNAVAILABLE (Domain-0;
   * serial on a domain that is not HVM or has no serial port), CONSOLE_BUSY (already held: details.holder).
   */
  open(domain: FakeConsoleDomain, kind: TextConsoleKind): TextConsole {
    const { domid } = domain;
    if (domid === 0) {
      throw new HypervisorError(
        'CONSOLE_UNAVAILABLE',
        'Domain-0 has no text console here (xenstore has no console/tty for dom0)',
        { domid, kind },
      );
    }
    if (kind === 'serial' && domain.type !== 'hvm') {
      throw new HypervisorError(
        'CONSOLE_UNAVAILABLE',
        `domid ${domid} has no usable serial console: an emulated serial port exists only for HVM guests (this one is ${domain.type.toUpperCase()})`,
        { domid, kind },
      );
    }
    if (kind === 'serial' && domain.serial === false) {
      throw new HypervisorError(
        'CONSOLE_UNAVAILABLE',
        `domid ${domid} has no emulated serial port (its config has no serial = "pty")`,
        { domid, kind },
      );
    }
    const key = `${domid}:${kind}`;
    let shell = this.shells.get(key);
    if (!shell) {
      shell = new FakeShell(domain, kind);
      this.shells.set(key, shell);
    }
    if (shell.holder) {
      throw new HypervisorError(
        'CONSOLE_BUSY',
        `the ${kind} console of domid ${domid} is held by another reader`,
        { domid, kind, holder: 'simulated' },
      );
    }
    const c = new FakeTextConsole(shell);
    shell.holder = c;
    return c;
  }

  /** Ends the consoles of every domain for which `alive(domid)` is false, and forgets them. */
  sweep(alive: (domid: number) => boolean): void {
    for (const [key, shell] of this.shells) {
      if (alive(shell.domain.domid)) continue;
      this.shells.delete(key);
      shell.holder?.end(CONSOLE_CLOSED_REASON);
    }
  }

  /** Ends every console (the host closes). */
  closeAll(): void {
    this.sweep(() => false);
  }
}
