/**
 * The libxl backend's text console: a domain's PV console or emulated serial port, read from the
 * pty whose path xenstore names, under the same lock `xl console` takes. Owns: the xenstore node
 * of each kind, the pty path rule, the lock (and its sharing between the two kinds of one domid in
 * this process), and the non-blocking pty reader/writer.
 *
 * - Path: xenstore `/local/domain/<domid>/console/tty` (pv, written by xenconsoled) or
 *   `/local/domain/<domid>/serial/0/tty` (serial, written by libxl from QEMU's `query-chardev`,
 *   only with `serial = "pty"`). Xen 4.17 makes both nodes dom0's and read-only to the guest
 *   (measured in the lab: `(n0,r<domid>)`); still, a value naming a pty is checked before the
 *   root server reads it, as defence in depth: it must be `/dev/pts/<n>`, the master of that pty
 *   must be held by the domain's console backend (xenconsoled for `pv`, the QEMU started with
 *   `-xen-domid <domid>` for `serial`: found in /proc, the master being an fd on /dev/ptmx whose
 *   fdinfo says `tty-index: <n>`), and the opened file must be a pty slave. Otherwise
 *   CONSOLE_UNAVAILABLE: Xendeck never reads an admin's ssh session or another guest's console.
 * - Lock: `flock(LOCK_EX|LOCK_NB)` on `<lockDir>/xenconsole.<domid>` (xenconsole's
 *   XEN_LOCK_DIR "/xenconsole." + domid; /var/lock on Debian), through the addon's
 *   `lockConsole`. Another process holding it (an `xl console`) → CONSOLE_BUSY. flock is per
 *   open file, so this process holds one lock per domid, shared by its pv and serial consoles;
 *   opening the same (domid, kind) twice here is CONSOLE_BUSY too (two readers split the bytes).
 *   The lock file is unlinked and closed when the last console of the domid closes, as xenconsole
 *   does.
 * - I/O: the pty is opened `O_RDWR|O_NOCTTY|O_NONBLOCK` and read by a `tty.ReadStream` (libuv
 *   polls it on the event loop; no thread pool thread ever waits on it) in raw mode. libuv's raw
 *   mode leaves OPOST as it finds it: xenconsoled and QEMU make their ptys raw with cfmakeraw, so
 *   bytes pass unchanged both ways (measured in the lab: the PV console and the HVM serial ptys
 *   are `-icanon -echo -isig -icrnl -opost` before Xendeck opens them). Writes go through a second
 *   descriptor opened `O_WRONLY|O_NONBLOCK` (`fs.write` returns EAGAIN at once instead of
 *   blocking when the guest does not read; the write is retried after {@link WRITE_RETRY_MS});
 *   `tty.WriteStream` is not used because Node makes its writes blocking.
 * - End: EOF or EIO on the pty (xenconsoled or QEMU closed it: the domain died or rebooted) ends
 *   the console with {@link CONSOLE_CLOSED_REASON}.
 */
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  unlinkSync,
  write,
} from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { isatty, ReadStream } from 'node:tty';
import { HypervisorError } from './errors.js';
import type { NativeAddon } from './native-types.js';
import type { DomainType, TextConsole, TextConsoleKind } from './types.js';

/**
 * xenconsole's XEN_LOCK_DIR on Linux (Debian 12 dom0, measured: /var/lock, a link to /run/lock;
 * `xl console` locks /run/lock/xenconsole.<domid>, one lock per domid for both console types).
 */
export const XEN_CONSOLE_LOCK_DIR = '/var/lock';

/** Why a console ends when its pty goes away (shared by both backends, so clients see one text). */
export const CONSOLE_CLOSED_REASON = 'the console closed: the domain died or rebooted';

/** Why a console ends when its holder called `close()`. */
export const CONSOLE_CLOSED_BY_HOLDER = 'closed';

/** A pty slave path as xenconsoled and QEMU write it. */
const PTY_PATH_RE = /^\/dev\/pts\/[0-9]{1,7}$/;

/** Linux's UNIX98 pty slave majors (Documentation/admin-guide/devices.txt: 136-143). */
const PTY_SLAVE_MAJOR_MIN = 136;
const PTY_SLAVE_MAJOR_MAX = 143;

/** Delay before retrying a write the pty refused with EAGAIN (the guest is not reading), ms. */
export const WRITE_RETRY_MS = 20;

/** Keystrokes queued for a guest that does not read; beyond this input is dropped, bytes. */
export const MAX_PENDING_INPUT_BYTES = 1024 * 1024;

/** The xenstore node holding a console's pty path. */
export function consoleTtyNode(domid: number, kind: TextConsoleKind): string {
  return kind === 'pv'
    ? `/local/domain/${domid}/console/tty`
    : `/local/domain/${domid}/serial/0/tty`;
}

/** The lock file `xl console` uses for a domid. */
export function consoleLockPath(domid: number, lockDir = XEN_CONSOLE_LOCK_DIR): string {
  return `${lockDir}/xenconsole.${domid}`;
}

/** The addon calls the lock needs. */
export type ConsoleLockNative = Pick<NativeAddon, 'lockConsole' | 'unlockConsole'>;

/** A lock held by this process: its fd and the kinds open under it. */
interface HeldLock {
  fd: number;
  kinds: Set<TextConsoleKind>;
  native: ConsoleLockNative;
}

/** Locks held by this process, by lock path (flock is per open file: one per domid). */
const held = new Map<string, HeldLock>();

const EWOULDBLOCK = 11;

/**
 * Takes (or shares) the console lock for one kind. Throws CONSOLE_BUSY when another process holds
 * the lock (details.lockPath) or this process has this kind open already (details.holder
 * "xendeck"); XEN_UNAVAILABLE when the lock file cannot be opened (details.errno, call).
 */
function acquire(
  native: ConsoleLockNative,
  lockPath: string,
  domid: number,
  kind: TextConsoleKind,
): () => void {
  let lock = held.get(lockPath);
  if (lock?.kinds.has(kind)) {
    throw new HypervisorError(
      'CONSOLE_BUSY',
      `the ${kind} console of domid ${domid} is already open in this process`,
      { domid, kind, lockPath, holder: 'xendeck' },
    );
  }
  if (!lock) {
    let fd: number;
    try {
      fd = native.lockConsole(lockPath);
    } catch (err) {
      const e = err as Error & { errno?: number; call?: string };
      if (e.errno === EWOULDBLOCK) {
        throw new HypervisorError(
          'CONSOLE_BUSY',
          `the console of domid ${domid} is held by another process (an xl console?): ${lockPath} is locked`,
          { domid, kind, lockPath },
        );
      }
      throw new HypervisorError(
        'XEN_UNAVAILABLE',
        `cannot take the console lock ${lockPath}: ${e.message}`,
        { domid, kind, lockPath, call: e.call, errno: e.errno },
      );
    }
    lock = { fd, kinds: new Set(), native };
    held.set(lockPath, lock);
  }
  lock.kinds.add(kind);
  const taken = lock;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    taken.kinds.delete(kind);
    if (taken.kinds.size > 0) return;
    held.delete(lockPath);
    // As xenconsole's console_unlock: remove the file, then drop the lock.
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
    try {
      taken.native.unlockConsole(taken.fd);
    } catch {
      // EBADF cannot happen: the fd is closed only here
    }
  };
}

/** What {@link openPtyConsole} needs: where the pty is and which lock guards it. */
export interface PtyConsoleTarget {
  domid: number;
  kind: TextConsoleKind;
  /** The pty slave, `/dev/pts/<n>` (from xenstore on the libxl backend). */
  ptyPath: string;
  /** The lock file (see {@link consoleLockPath}). */
  lockPath: string;
  native: ConsoleLockNative;
}

function unavailable(target: { domid: number; kind: TextConsoleKind }, why: string, extra = {}) {
  return new HypervisorError(
    'CONSOLE_UNAVAILABLE',
    `domid ${target.domid} has no usable ${target.kind} console: ${why}`,
    { domid: target.domid, kind: target.kind, ...extra },
  );
}

/**
 * Opens a pty as a {@link TextConsole}, under the console lock (the xenstore lookup is done by the
 * caller: {@link openLibxlTextConsole}). Throws CONSOLE_UNAVAILABLE (a path that is not
 * `/dev/pts/<n>`, a file that is not a pty slave, or open failing: details.path, errno),
 * CONSOLE_BUSY, XEN_UNAVAILABLE (lock file).
 */
export function openPtyConsole(target: PtyConsoleTarget): TextConsole {
  const { domid, kind, ptyPath } = target;
  if (!PTY_PATH_RE.test(ptyPath)) {
    throw unavailable(target, `the tty path "${ptyPath}" is not /dev/pts/<n>`, { path: ptyPath });
  }
  const release = acquire(target.native, target.lockPath, domid, kind);
  let readFd = -1;
  let writeFd = -1;
  try {
    const flags = fsConstants.O_NOCTTY | fsConstants.O_NONBLOCK;
    readFd = openSync(ptyPath, fsConstants.O_RDWR | flags);
    const st = fstatSync(readFd);
    const major = Math.floor(st.rdev / 256) & 0xfff;
    if (
      !st.isCharacterDevice() ||
      major < PTY_SLAVE_MAJOR_MIN ||
      major > PTY_SLAVE_MAJOR_MAX ||
      !isatty(readFd)
    ) {
      throw unavailable(target, `${ptyPath} is not a pty slave`, { path: ptyPath });
    }
    writeFd = openSync(ptyPath, fsConstants.O_WRONLY | flags);
    // libuv takes the read fd over here (uv_tty_init); it throws when it cannot.
    return new PtyConsole(target, readFd, writeFd, release);
  } catch (err) {
    for (const fd of [readFd, writeFd]) {
      try {
        if (fd >= 0) closeSync(fd);
      } catch {
        // libuv closed it already (the reader was destroyed)
      }
    }
    release();
    if (err instanceof HypervisorError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw unavailable(target, `cannot open ${ptyPath}: ${e.message}`, {
      path: ptyPath,
      errno: e.code,
    });
  }
}

/** One open pty (see the module comment for the I/O rules). */
class PtyConsole implements TextConsole {
  readonly domid: number;
  readonly kind: TextConsoleKind;
  readonly path: string;
  private readonly reader: ReadStream;
  private readonly dataListeners: ((chunk: Buffer) => void)[] = [];
  private readonly endListeners: ((reason: string) => void)[] = [];
  private endReason: string | undefined;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private writeFd: number;

  constructor(
    target: PtyConsoleTarget,
    readFd: number,
    writeFd: number,
    private readonly release: () => void,
  ) {
    this.domid = target.domid;
    this.kind = target.kind;
    this.path = target.ptyPath;
    this.writeFd = writeFd;
    this.reader = new ReadStream(readFd);
    try {
      this.reader.setRawMode(true);
    } catch (err) {
      this.reader.destroy();
      throw err;
    }
    this.reader.on('data', (chunk: Buffer) => {
      for (const l of this.dataListeners) l(chunk);
    });
    this.reader.on('end', () => this.finish(CONSOLE_CLOSED_REASON));
    this.reader.on('error', (err: NodeJS.ErrnoException) => {
      // EIO is how a pty slave reports that its master (xenconsoled, QEMU) closed.
      this.finish(
        err.code === 'EIO' ? CONSOLE_CLOSED_REASON : `reading ${this.path} failed: ${err.message}`,
      );
    });
    this.reader.on('close', () => this.finish(CONSOLE_CLOSED_REASON));
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onEnd(listener: (reason: string) => void): void {
    if (this.endReason !== undefined) {
      const reason = this.endReason;
      queueMicrotask(() => listener(reason));
      return;
    }
    this.endListeners.push(listener);
  }

  write(data: Buffer): void {
    if (this.endReason !== undefined || data.length === 0) return;
    if (this.pendingBytes + data.length > MAX_PENDING_INPUT_BYTES) return;
    this.pending.push(Buffer.from(data));
    this.pendingBytes += data.length;
    this.flush();
  }

  /** Writes the queue in order, one `fs.write` at a time; EAGAIN waits {@link WRITE_RETRY_MS}. */
  private flush(): void {
    if (this.writing || this.retryTimer || this.endReason !== undefined) return;
    const head = this.pending[0];
    if (!head) return;
    this.writing = true;
    write(this.writeFd, head, 0, head.length, null, (err, written) => {
      this.writing = false;
      if (this.endReason !== undefined) {
        this.closeWriteFd();
        return;
      }
      if (err) {
        if (err.code === 'EAGAIN') {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.flush();
          }, WRITE_RETRY_MS);
          this.retryTimer.unref();
          return;
        }
        this.finish(
          err.code === 'EIO'
            ? CONSOLE_CLOSED_REASON
            : `writing ${this.path} failed: ${err.message}`,
        );
        return;
      }
      this.pendingBytes -= written;
      if (written >= head.length) this.pending.shift();
      else this.pending[0] = head.subarray(written);
      this.flush();
    });
  }

  pause(): void {
    this.reader.pause();
  }

  resume(): void {
    this.reader.resume();
  }

  close(): void {
    this.finish(CONSOLE_CLOSED_BY_HOLDER);
  }

  private closeWriteFd(): void {
    if (this.writeFd < 0 || this.writing) return;
    const fd = this.writeFd;
    this.writeFd = -1;
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }

  /** Ends once: stops reading, closes both descriptors, releases the lock, tells listeners. */
  private finish(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.reader.destroy();
    // A write in flight closes the fd when it completes (see flush).
    this.closeWriteFd();
    this.release();
    const listeners = this.endListeners.splice(0);
    for (const l of listeners) l(reason);
  }
}

/**
 * pids of the processes that may hold a domain's console pty: xenconsoled (`pv`: /proc/<pid>/comm
 * is "xenconsoled") or the domain's device model (`serial`: /proc/<pid>/cmdline has
 * `-xen-domid <domid>`, as libxl starts QEMU). `procDir` is /proc except in tests.
 */
export async function consoleBackendPids(
  kind: TextConsoleKind,
  domid: number,
  procDir = '/proc',
): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir(procDir)) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      if (kind === 'pv') {
        const comm = await readFile(`${procDir}/${entry}/comm`, 'utf8');
        if (comm.trim() === 'xenconsoled') pids.push(Number(entry));
      } else {
        const args = (await readFile(`${procDir}/${entry}/cmdline`, 'latin1')).split('\0');
        const i = args.indexOf('-xen-domid');
        if (i >= 0 && args[i + 1] === String(domid)) pids.push(Number(entry));
      }
    } catch {
      // the process exited meanwhile
    }
  }
  return pids;
}

/**
 * Whether one of `pids` holds the master of `/dev/pts/<ptyIndex>`: an fd whose link is /dev/ptmx
 * (or /dev/pts/ptmx) and whose /proc/<pid>/fdinfo/<fd> says `tty-index: <ptyIndex>` (Linux ≥ 4.14).
 */
export async function ptyMasterHeldBy(
  ptyIndex: number,
  pids: readonly number[],
  procDir = '/proc',
): Promise<boolean> {
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${procDir}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = await readlink(`${procDir}/${pid}/fd/${fd}`);
        if (target !== '/dev/ptmx' && target !== '/dev/pts/ptmx') continue;
        const info = await readFile(`${procDir}/${pid}/fdinfo/${fd}`, 'utf8');
        const m = /^tty-index:\s*([0-9]+)$/m.exec(info);
        if (m && Number(m[1]) === ptyIndex) return true;
      } catch {
        // the fd was closed meanwhile
      }
    }
  }
  return false;
}

/** What {@link openLibxlTextConsole} needs from the libxl backend. */
export interface LibxlTextConsoleDeps {
  domid: number;
  kind: TextConsoleKind;
  /** The domain's type (serial exists only for HVM). */
  domainType: DomainType;
  /** xs_read through the addon; null when the node does not exist. */
  xsRead: (path: string) => Promise<string | null>;
  native: ConsoleLockNative;
  /** Default {@link XEN_CONSOLE_LOCK_DIR}. */
  lockDir?: string;
  /**
   * The processes allowed to hold the pty's master; default {@link consoleBackendPids} (tests
   * name their own pty helper).
   */
  backendPids?: (kind: TextConsoleKind, domid: number) => Promise<number[]>;
}

/**
 * The libxl backend's `openTextConsole` after the domain was found: reads the pty path from
 * xenstore ({@link consoleTtyNode}), then {@link openPtyConsole}. Throws CONSOLE_UNAVAILABLE
 * (serial on a domain that is not HVM; no tty node: `serial = "pty"` missing, or xenconsoled has
 * not written it yet), CONSOLE_BUSY, and what {@link openPtyConsole} throws.
 */
export async function openLibxlTextConsole(deps: LibxlTextConsoleDeps): Promise<TextConsole> {
  const { domid, kind } = deps;
  if (kind === 'serial' && deps.domainType !== 'hvm') {
    throw unavailable(
      deps,
      `an emulated serial port exists only for HVM guests (this one is ${deps.domainType.toUpperCase()})`,
    );
  }
  const node = consoleTtyNode(domid, kind);
  const raw = await deps.xsRead(node);
  if (raw === null || raw.trim() === '') {
    throw unavailable(
      deps,
      kind === 'serial'
        ? `xenstore ${node} does not exist (the guest config needs serial = "pty")`
        : `xenstore ${node} does not exist (xenconsoled has not set up the console)`,
      { node },
    );
  }
  const ptyPath = raw.trim();
  if (!PTY_PATH_RE.test(ptyPath)) {
    throw unavailable(deps, `xenstore ${node} holds "${ptyPath}", not /dev/pts/<n>`, {
      node,
      path: ptyPath,
    });
  }
  const pids = await (deps.backendPids ?? consoleBackendPids)(kind, domid);
  if (!(await ptyMasterHeldBy(Number(ptyPath.slice('/dev/pts/'.length)), pids))) {
    const backend = kind === 'pv' ? 'xenconsoled' : `the device model of domid ${domid}`;
    throw unavailable(
      deps,
      `xenstore ${node} names ${ptyPath}, whose master is not held by ${backend}: refused`,
      { node, path: ptyPath, backendPids: pids },
    );
  }
  return openPtyConsole({
    domid,
    kind,
    ptyPath,
    lockPath: consoleLockPath(domid, deps.lockDir),
    native: deps.native,
  });
}
