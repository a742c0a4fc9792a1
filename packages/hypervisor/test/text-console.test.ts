/**
 * Text consoles without Xen: the libxl backend's pty console (text-console.ts) against a real pty
 * pair made by a python3 helper (the helper holds the master, as xenconsoled does, and makes the
 * slave raw as xenconsoled does), with the real addon's lock; and the simulated host's fake shell.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HypervisorError } from '../src/errors.js';
import { loadNative } from '../src/native.js';
import { burstPattern } from '../src/simulated/fake-console.js';
import { createSimulatedHost, type SimulatedHost } from '../src/simulated-host.js';
import {
  CONSOLE_CLOSED_BY_HOLDER,
  CONSOLE_CLOSED_REASON,
  consoleBackendPids,
  consoleLockPath,
  openLibxlTextConsole,
  openPtyConsole,
  ptyMasterHeldBy,
} from '../src/text-console.js';
import type { TextConsole } from '../src/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `pred()` holds (checked every 5 ms); rejects after `timeoutMs` naming `what`. */
const until = (pred: () => boolean, what: string, timeoutMs = 5_000): Promise<void> =>
  vi.waitFor(
    () => {
      if (!pred()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 5 },
  );

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof HypervisorError ? e.code : `not a HypervisorError: ${String(e)}`;
  }
}

async function asyncError(p: Promise<unknown>): Promise<HypervisorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HypervisorError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** Collects a console's output and end reason. */
function watch(c: TextConsole) {
  const w = { chunks: [] as Buffer[], ended: undefined as string | undefined };
  c.onData((b) => w.chunks.push(b));
  c.onEnd((r) => {
    w.ended = r;
  });
  return {
    ...w,
    get text() {
      return Buffer.concat(w.chunks).toString('utf8');
    },
    get bytes() {
      return Buffer.concat(w.chunks);
    },
    get ended() {
      return w.ended;
    },
  };
}

// The helper: opens a pty pair, makes the slave raw (cfmakeraw, as xenconsoled does), keeps the
// slave open (as xenconsoled does), prints the slave path, then obeys stdin lines:
// "send HEX" writes to the master, "lock PATH" / "unlock" hold a flock as `xl console` would,
// "close" closes master and slave. What the master reads is printed as "got HEX".
const HELPER = `
import os, pty, sys, select, tty, fcntl
m, s = pty.openpty()
tty.setraw(s)
print("pty " + os.ttyname(s), flush=True)
buf = b""
lockfd = None
while True:
    fds = [0] + ([m] if m is not None else [])
    r, _, _ = select.select(fds, [], [])
    if m is not None and m in r:
        try:
            d = os.read(m, 65536)
            print("got " + d.hex(), flush=True)
        except OSError:
            pass
    if 0 in r:
        d = os.read(0, 65536)
        if not d:
            break
        buf += d
        while b"\\n" in buf:
            line, buf = buf.split(b"\\n", 1)
            cmd, _, arg = line.decode().partition(" ")
            if cmd == "send":
                os.write(m, bytes.fromhex(arg))
            elif cmd == "lock":
                lockfd = os.open(arg, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(lockfd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                print("locked", flush=True)
            elif cmd == "unlock":
                os.close(lockfd)
                print("unlocked", flush=True)
            elif cmd == "close":
                os.close(m)
                os.close(s)
                m = None
                print("closed", flush=True)
`;

class PtyHelper {
  readonly lines: string[] = [];
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let rest = '';
    child.stdout.on('data', (d: Buffer) => {
      rest += d.toString();
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      this.lines.push(...parts);
    });
  }
  static async start(): Promise<{ helper: PtyHelper; path: string }> {
    const helper = new PtyHelper(spawn('python3', ['-c', HELPER], { stdio: 'pipe' }));
    await until(() => helper.lines.some((l) => l.startsWith('pty ')), 'the pty helper');
    const path = (helper.lines.find((l) => l.startsWith('pty ')) as string).slice(4);
    return { helper, path };
  }
  get pid(): number {
    return this.child.pid as number;
  }
  cmd(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
  send(data: Buffer | string): void {
    this.cmd(`send ${Buffer.from(data).toString('hex')}`);
  }
  /** Everything the master read so far. */
  received(): Buffer {
    return Buffer.concat(
      this.lines.filter((l) => l.startsWith('got ')).map((l) => Buffer.from(l.slice(4), 'hex')),
    );
  }
  async waitLine(line: string): Promise<void> {
    await until(() => this.lines.includes(line), `helper: ${line}`);
  }
  stop(): void {
    this.child.kill();
  }
}

describe('libxl pty console (text-console.ts) on a local pty pair', () => {
  const native = loadNative();
  let dir: string;
  let helper: PtyHelper;
  let ptyPath: string;
  let lockPath: string;
  let domid = 100;
  const open: TextConsole[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xendeck-ptycons-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    helper?.stop();
  });

  async function setup() {
    ({ helper, path: ptyPath } = await PtyHelper.start());
    domid++;
    lockPath = consoleLockPath(domid, dir);
    const c = openPtyConsole({ domid, kind: 'pv', ptyPath, lockPath, native });
    open.push(c);
    return c;
  }

  it('passes bytes both ways unchanged (raw pty), under the lock file', async () => {
    const c = await setup();
    const w = watch(c);
    expect(c.path).toBe(ptyPath);
    expect(existsSync(lockPath)).toBe(true);
    // Created 0600 as xenconsole does: nobody else can open it to flock it.
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
    const out = Buffer.from('login: \r\nline two\n\x1b[1mbold\x1b[0m é\n');
    helper.send(out);
    await until(() => w.bytes.length >= out.length, 'guest output');
    expect(w.bytes.equals(out)).toBe(true);
    const keys = Buffer.from('root\r\n\x7f\x03\x1b[A ü\n');
    c.write(keys);
    await until(() => helper.received().length >= keys.length, 'keystrokes at the master');
    expect(helper.received().equals(keys)).toBe(true);
  });

  it('a second open of the same console in this process → CONSOLE_BUSY (holder xendeck)', async () => {
    await setup();
    let err: unknown;
    try {
      openPtyConsole({ domid, kind: 'pv', ptyPath, lockPath, native });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HypervisorError);
    expect((err as HypervisorError).code).toBe('CONSOLE_BUSY');
    expect((err as HypervisorError).details.holder).toBe('xendeck');
    // The other kind of the same domid shares the process's lock.
    const serial = openPtyConsole({ domid, kind: 'serial', ptyPath, lockPath, native });
    open.push(serial);
    serial.close();
  });

  it('another process holding the lock (xl console) → CONSOLE_BUSY until it lets go', async () => {
    ({ helper, path: ptyPath } = await PtyHelper.start());
    domid++;
    lockPath = consoleLockPath(domid, dir);
    helper.cmd(`lock ${lockPath}`);
    await helper.waitLine('locked');
    let err: HypervisorError | undefined;
    try {
      openPtyConsole({ domid, kind: 'pv', ptyPath, lockPath, native });
    } catch (e) {
      err = e as HypervisorError;
    }
    expect(err?.code).toBe('CONSOLE_BUSY');
    expect(err?.details.lockPath).toBe(lockPath);
    helper.cmd('unlock');
    await helper.waitLine('unlocked');
    const c = openPtyConsole({ domid, kind: 'pv', ptyPath, lockPath, native });
    open.push(c);
    expect(c.domid).toBe(domid);
  });

  it('close() releases the lock (another process can take it) and removes the lock file', async () => {
    const c = await setup();
    const w = watch(c);
    expect(codeOf(() => native.lockConsole(lockPath))).not.toBeUndefined();
    c.close();
    c.close();
    expect(w.ended).toBe(CONSOLE_CLOSED_BY_HOLDER);
    expect(existsSync(lockPath)).toBe(false);
    const fd = native.lockConsole(lockPath);
    native.unlockConsole(fd);
    // Writes after close are ignored, not thrown.
    c.write(Buffer.from('x'));
  });

  it('the master closing (domain died) ends the console with the reason and frees the lock', async () => {
    const c = await setup();
    const w = watch(c);
    helper.send('bye\r\n');
    await until(() => w.text === 'bye\r\n', 'last output');
    helper.cmd('close');
    await until(() => w.ended !== undefined, 'onEnd');
    expect(w.ended).toBe(CONSOLE_CLOSED_REASON);
    const fd = native.lockConsole(lockPath);
    native.unlockConsole(fd);
  });

  it('pause() holds the output back until resume()', async () => {
    const c = await setup();
    const w = watch(c);
    c.pause();
    helper.send('held\n');
    await sleep(150);
    expect(w.bytes.length).toBe(0);
    c.resume();
    await until(() => w.text === 'held\n', 'output after resume');
  });

  it('refuses a tty path that is not /dev/pts/<n> without taking the lock', async () => {
    domid++;
    lockPath = consoleLockPath(domid, dir);
    for (const bad of ['/etc/passwd', '/dev/pts/ptmx', '/dev/pts/1/../0', '/dev/tty', 'pts/1']) {
      expect(
        codeOf(() => openPtyConsole({ domid, kind: 'pv', ptyPath: bad, lockPath, native })),
      ).toBe('CONSOLE_UNAVAILABLE');
    }
    expect(existsSync(lockPath)).toBe(false);
    // The right shape, but no such pty: unavailable, and the lock is let go again.
    expect(
      codeOf(() =>
        openPtyConsole({ domid, kind: 'pv', ptyPath: '/dev/pts/9999999', lockPath, native }),
      ),
    ).toBe('CONSOLE_UNAVAILABLE');
    expect(existsSync(lockPath)).toBe(false);
  });

  it('openLibxlTextConsole reads the tty path from the xenstore node of each kind', async () => {
    ({ helper, path: ptyPath } = await PtyHelper.start());
    domid++;
    const asked: string[] = [];
    const store: Record<string, string> = {
      [`/local/domain/${domid}/serial/0/tty`]: `${ptyPath}\n`,
    };
    const xsRead = async (p: string) => {
      asked.push(p);
      return store[p] ?? null;
    };
    const helperPid = helper.pid;
    const base = { domid, xsRead, native, lockDir: dir, backendPids: async () => [helperPid] };
    const noPv = await asyncError(openLibxlTextConsole({ ...base, kind: 'pv', domainType: 'hvm' }));
    expect(noPv.code).toBe('CONSOLE_UNAVAILABLE');
    expect(noPv.details.node).toBe(`/local/domain/${domid}/console/tty`);
    const pvSerial = await asyncError(
      openLibxlTextConsole({ ...base, kind: 'serial', domainType: 'pv' }),
    );
    expect(pvSerial.code).toBe('CONSOLE_UNAVAILABLE');
    expect(asked).toEqual([`/local/domain/${domid}/console/tty`]);
    const c = await openLibxlTextConsole({ ...base, kind: 'serial', domainType: 'hvm' });
    open.push(c);
    expect(c.kind).toBe('serial');
    expect(c.path).toBe(ptyPath);
    const w = watch(c);
    helper.send('ttyS0 ok\r\n');
    await until(() => w.text === 'ttyS0 ok\r\n', 'serial output');
  });
});

describe('libxl console: who holds the pty master (xenstore values are not trusted)', () => {
  const native = loadNative();
  let dir: string;
  let helper: PtyHelper | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xendeck-ptyowner-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => helper?.stop());

  it('ptyMasterHeldBy finds the helper holding the master, and nobody else', async () => {
    const started = await PtyHelper.start();
    helper = started.helper;
    const index = Number(started.path.slice('/dev/pts/'.length));
    expect(await ptyMasterHeldBy(index, [helper.pid])).toBe(true);
    expect(await ptyMasterHeldBy(index + 1, [helper.pid])).toBe(false);
    expect(await ptyMasterHeldBy(index, [process.pid])).toBe(false);
    expect(await ptyMasterHeldBy(index, [])).toBe(false);
  });

  it('a tty node naming a pty the console backend does not hold is refused', async () => {
    const started = await PtyHelper.start();
    helper = started.helper;
    const xsRead = async () => started.path;
    const e = await asyncError(
      openLibxlTextConsole({
        domid: 300,
        kind: 'pv',
        domainType: 'pv',
        xsRead,
        native,
        lockDir: dir,
        backendPids: async () => [process.pid],
      }),
    );
    expect(e.code).toBe('CONSOLE_UNAVAILABLE');
    expect(e.message).toMatch(/not held by xenconsoled/);
    expect(existsSync(consoleLockPath(300, dir))).toBe(false);
    const bad = await asyncError(
      openLibxlTextConsole({
        domid: 300,
        kind: 'pv',
        domainType: 'pv',
        xsRead: async () => '/etc/shadow',
        native,
        lockDir: dir,
        backendPids: async () => [helper?.pid ?? 0],
      }),
    );
    expect(bad.code).toBe('CONSOLE_UNAVAILABLE');
  });

  it("consoleBackendPids('serial') finds the process started with -xen-domid <domid>", async () => {
    const fakeQemu = spawn('python3', ['-c', 'import time; time.sleep(30)', '-xen-domid', '4242']);
    try {
      await until(() => fakeQemu.pid !== undefined, 'spawn');
      let pids: number[] = [];
      for (let i = 0; i < 100 && !pids.includes(fakeQemu.pid as number); i++) {
        pids = await consoleBackendPids('serial', 4242);
        await sleep(10);
      }
      expect(pids).toContain(fakeQemu.pid);
      expect(await consoleBackendPids('serial', 4243)).not.toContain(fakeQemu.pid);
      expect(await consoleBackendPids('pv', 4242)).not.toContain(fakeQemu.pid);
    } finally {
      fakeQemu.kill();
    }
  });
});

describe('simulated host fake console', () => {
  let host: SimulatedHost;
  const open: TextConsole[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await host?.close();
  });
  const start = () => {
    host = createSimulatedHost({
      shutdownDelayMs: 30,
      initialDomains: [
        { name: 'Domain-0' },
        { name: 'pv-1', type: 'pv' },
        { name: 'hvm-1', type: 'hvm' },
      ],
    });
    return host;
  };
  const domidOf = async (name: string) => (await host.domidByName(name)) as number;
  const openC = async (name: string, kind: 'pv' | 'serial' = 'pv') => {
    const c = await host.openTextConsole(await domidOf(name), kind);
    open.push(c);
    return c;
  };

  it('prints the boot banner with name and domid, then a prompt; echoes and answers commands', async () => {
    start();
    const domid = await domidOf('pv-1');
    const c = await openC('pv-1');
    const w = watch(c);
    await until(() => w.text.endsWith('pv-1:~# '), 'prompt');
    expect(w.text.startsWith(`Booting simulated pv-1 (domid ${domid})…\r\n`)).toBe(true);
    const mark = w.text.length;
    c.write(Buffer.from('echo hello wörld\r'));
    await until(() => w.text.slice(mark).endsWith('pv-1:~# '), 'echo output');
    expect(w.text.slice(mark)).toBe('echo hello wörld\r\nhello wörld\r\npv-1:~# ');
    const m2 = w.text.length;
    c.write(Buffer.from('ecx\x7fho a\x7fb\rhostname\r'));
    await until(() => w.text.slice(m2).split('pv-1:~# ').length === 3, 'two prompts');
    expect(w.text.slice(m2)).toBe(
      'ecx\b \bho a\b \bb\r\nb\r\npv-1:~# hostname\r\npv-1\r\npv-1:~# ',
    );
    const m3 = w.text.length;
    c.write(Buffer.from('uname -a\r\nnope\r'));
    await until(() => w.text.slice(m3).split('pv-1:~# ').length === 3, 'uname and nope');
    expect(w.text.slice(m3)).toContain('Linux pv-1 6.1.0-xendeck-sim');
    expect(w.text.slice(m3)).toContain('sh: nope: not found\r\n');
  });

  it('burst N writes exactly N bytes of the pattern, and stops while paused', async () => {
    start();
    const c = await openC('hvm-1');
    const w = watch(c);
    await until(() => w.text.endsWith('hvm-1:~# '), 'prompt');
    const mark = w.bytes.length;
    const n = 300_001;
    c.write(Buffer.from(`burst ${n}\r`));
    await until(() => w.bytes.length - mark > 100_000, 'some burst');
    c.pause();
    await sleep(30);
    const held = w.bytes.length;
    await sleep(60);
    expect(w.bytes.length).toBe(held);
    c.resume();
    await until(() => w.text.endsWith('hvm-1:~# '), 'burst end', 10_000);
    const echo = Buffer.from(`burst ${n}\r\n`);
    const tail = w.bytes.subarray(mark);
    expect(tail.subarray(0, echo.length).equals(echo)).toBe(true);
    const body = tail.subarray(echo.length, echo.length + n);
    expect(body.equals(burstPattern(n))).toBe(true);
    expect(tail.subarray(echo.length + n).toString()).toBe('\r\nhvm-1:~# ');
  });

  it('burstPattern is offset-consistent and line-shaped', () => {
    const all = burstPattern(1000);
    expect(Buffer.concat([burstPattern(300), burstPattern(700, 300)]).equals(all)).toBe(true);
    expect(all[63]).toBe(0x0a);
    expect(all.subarray(0, 63).every((b) => b >= 0x21 && b <= 0x7e)).toBe(true);
    expect(all[0]).not.toBe(all[64]);
  });

  it('one holder at a time; reopening shows what came meanwhile, not a second banner', async () => {
    start();
    const domid = await domidOf('pv-1');
    const c = await openC('pv-1');
    const w = watch(c);
    await until(() => w.text.endsWith(':~# '), 'prompt');
    expect((await asyncError(host.openTextConsole(domid, 'pv'))).code).toBe('CONSOLE_BUSY');
    c.close();
    expect(w.ended).toBe(CONSOLE_CLOSED_BY_HOLDER);
    const c2 = await openC('pv-1');
    const w2 = watch(c2);
    c2.write(Buffer.from('echo again\r'));
    await until(() => w2.text.endsWith('pv-1:~# '), 'answer');
    expect(w2.text).toBe('echo again\r\nagain\r\npv-1:~# ');
  });

  it('kinds: pv for every domU, serial only for HVM, nothing for dom0; unknown domid', async () => {
    start();
    expect((await asyncError(host.openTextConsole(await domidOf('pv-1'), 'serial'))).code).toBe(
      'CONSOLE_UNAVAILABLE',
    );
    expect((await asyncError(host.openTextConsole(0, 'pv'))).code).toBe('CONSOLE_UNAVAILABLE');
    expect((await asyncError(host.openTextConsole(4242, 'pv'))).code).toBe('DOMAIN_NOT_FOUND');
    expect((await asyncError(host.openTextConsole(1, 'vnc' as unknown as 'pv'))).code).toBe(
      'INVALID_ARGUMENT',
    );
    const serial = await openC('hvm-1', 'serial');
    const pv = await openC('hvm-1', 'pv');
    const ws = watch(serial);
    const wp = watch(pv);
    await until(() => ws.text.endsWith(':~# ') && wp.text.endsWith(':~# '), 'both prompts');
    expect(ws.text).toContain('serial console on ttyS0');
    expect(wp.text).toContain('pv console');
  });

  it('ends when the domain reboots; the new domid prints a new banner', async () => {
    start();
    const before = await domidOf('pv-1');
    const c = await openC('pv-1');
    const w = watch(c);
    await host.domainOperation(before, 'reboot');
    await until(() => w.ended !== undefined, 'end on reboot');
    expect(w.ended).toBe(CONSOLE_CLOSED_REASON);
    let after: number | undefined;
    await until(() => {
      void host.domidByName('pv-1').then((d) => {
        after = d;
      });
      return after !== undefined && after !== before;
    }, 'the rebooted domain');
    const c2 = await host.openTextConsole(after as number, 'pv');
    open.push(c2);
    const w2 = watch(c2);
    await until(() => w2.text.endsWith(':~# '), 'new prompt');
    expect(w2.text.startsWith(`Booting simulated pv-1 (domid ${after})…`)).toBe(true);
  });

  it('ends when the domain is destroyed from outside', async () => {
    start();
    const c = await openC('hvm-1', 'serial');
    const w = watch(c);
    host.external.destroy('hvm-1');
    await until(() => w.ended !== undefined, 'end on destroy');
    expect(w.ended).toBe(CONSOLE_CLOSED_REASON);
  });
});
