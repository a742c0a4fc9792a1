/**
 * `WS /api/v1/domains/:name/console/text` on the simulated host (its fake shell): typing and
 * output, fan-out to several viewers, scrollback for a late viewer, Ctrl-] filtered, reattaching
 * across reboot and destroy + start, the grace period before the console is released, waiting on
 * a busy console or a domain that does not run yet, slow viewers.
 */
import { type TextConsoleServerMessage, textConsoleServerMessageSchema } from '@xendeck/api';
import { burstPattern, HypervisorError, type TextConsole } from '@xendeck/hypervisor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTerminalReport } from '../src/consoles/text-console.js';
import {
  type Fixture,
  type FixtureOptions,
  makeFixture,
  type OpenedWs,
  opened,
  openWs,
  refused,
} from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `pred()` holds (checked every 5 ms); rejects after `timeoutMs` naming `what`. */
const until = (pred: () => boolean, what: string, timeoutMs = 5_000): Promise<void> =>
  vi.waitFor(
    () => {
      if (!pred()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 5 },
  );

/** A connected viewer: its output as bytes/text, its status frames. */
interface Viewer extends OpenedWs {
  bytes(): Buffer;
  text(): string;
  statuses(): TextConsoleServerMessage[];
  lastStatus(): TextConsoleServerMessage | undefined;
  type(keys: string | Buffer): void;
}

const DOMAINS = [
  { name: 'Domain-0' },
  { name: 'pv-1', type: 'pv' as const },
  { name: 'hvm-1', type: 'hvm' as const },
];

let f: Fixture | undefined;
let url = '';
const consoles: TextConsole[] = [];

afterEach(async () => {
  for (const c of consoles.splice(0)) c.close();
  await f?.cleanup();
  f = undefined;
});

async function setup(opts: FixtureOptions = {}): Promise<Fixture> {
  f = await makeFixture({
    ...opts,
    sim: { initialDomains: DOMAINS, shutdownDelayMs: 50, ...opts.sim },
    config: { consoleGraceMs: 300, ...opts.config },
  });
  url = (await f.listen()).url.replace('http:', 'ws:');
  return f;
}

async function viewer(name: string, query = '?type=pv'): Promise<Viewer> {
  const fx = f as Fixture;
  const o = opened(
    await openWs(`${url}/api/v1/domains/${name}/console/text${query}`, {
      Cookie: fx.adminCookie,
    }),
  );
  const bytes = () => Buffer.concat(o.messages.filter((m): m is Buffer => Buffer.isBuffer(m)));
  const statuses = () =>
    o.messages
      .filter((m): m is string => typeof m === 'string')
      .map((m) => textConsoleServerMessageSchema.parse(JSON.parse(m)));
  return {
    ...o,
    bytes,
    text: () => bytes().toString('utf8'),
    statuses,
    lastStatus: () => statuses().at(-1),
    type: (keys) => o.ws.send(Buffer.from(keys), { binary: true }),
  };
}

async function domidOf(name: string): Promise<number> {
  const d = await (f as Fixture).sim.domidByName(name);
  if (d === undefined) throw new Error(`${name} is not running`);
  return d;
}

async function attached(v: Viewer, prompt: string): Promise<void> {
  await until(
    () => v.lastStatus()?.state === 'attached' && v.text().endsWith(prompt),
    `attached with the prompt "${prompt}"`,
  );
}

describe('terminal reports', () => {
  it('recognises cursor position and device attribute answers, not typing', () => {
    expect(isTerminalReport(Buffer.from('\x1b[24;1R'))).toBe(true);
    expect(isTerminalReport(Buffer.from('\x1b[5;13R\x1b[?1;2c'))).toBe(true);
    expect(isTerminalReport(Buffer.from('\x1b[>0;276;0c'))).toBe(true);
    expect(isTerminalReport(Buffer.from('\x1b[A'))).toBe(false); // arrow up: typing
    expect(isTerminalReport(Buffer.from('ls\r'))).toBe(false);
    expect(isTerminalReport(Buffer.from('\x1b[24;1Rls'))).toBe(false);
  });
});

describe('text console websocket (simulated host)', () => {
  it("passes a terminal's answer to the guest from the longest-connected viewer only", async () => {
    await setup();
    const a = await viewer('pv-1');
    await attached(a, 'pv-1:~# ');
    const b = await viewer('pv-1');
    await until(() => b.text().endsWith('pv-1:~# '), 'b has the scrollback');
    const mark = a.bytes().length;
    const since = () => a.bytes().subarray(mark).toString();
    // Both terminals answer the same cursor position query; the fake shell echoes what it reads.
    // Each report is followed by a typed marker on the same socket (frames keep their order), so
    // once the marker's echo is seen the report before it was handled.
    b.type('\x1b[9;9R');
    b.type('x');
    await until(() => since().endsWith('x'), "b's marker");
    expect(since()).not.toContain('[9;9R');
    a.type('\x1b[7;7R');
    a.type('y');
    await until(() => since().endsWith('y'), "a's marker");
    expect(since()).toContain('[7;7R');
  });

  it('type a command and see its output; a second viewer sees the same bytes; Ctrl-] is dropped', async () => {
    await setup();
    const domid = await domidOf('pv-1');
    const a = await viewer('pv-1');
    await attached(a, 'pv-1:~# ');
    expect(a.text()).toContain(`Booting simulated pv-1 (domid ${domid})…`);
    expect(a.lastStatus()).toMatchObject({ state: 'attached', domid, viewers: 1 });
    const b = await viewer('pv-1');
    await until(() => b.text().endsWith('pv-1:~# '), 'b has the scrollback');
    await until(() => a.lastStatus()?.viewers === 2, 'a hears of the second viewer');
    const fromA = a.bytes().length;
    const fromB = b.bytes().length;
    a.type('echo one\x1d two\r');
    const expected = 'echo one two\r\none two\r\npv-1:~# ';
    await until(() => a.bytes().length - fromA >= expected.length, 'a sees the answer');
    await until(() => b.bytes().length - fromB >= expected.length, 'b sees the answer');
    expect(a.bytes().subarray(fromA).toString()).toBe(expected);
    expect(b.bytes().subarray(fromB).equals(a.bytes().subarray(fromA))).toBe(true);
    // Typing from the second viewer reaches the same shell.
    const mark = a.bytes().length;
    b.type('hostname\r');
    await until(
      () => a.bytes().subarray(mark).toString().endsWith('pv-1:~# '),
      'hostname answer on a',
    );
    expect(a.bytes().subarray(mark).toString()).toBe('hostname\r\npv-1\r\npv-1:~# ');
    expect(a.bytes().includes(0x1d)).toBe(false);
    a.ws.close();
    await until(() => b.lastStatus()?.viewers === 1, 'b hears a left');
  });

  it('a viewer connecting later gets the scrollback first, then the status', async () => {
    const fx = await setup();
    const a = await viewer('hvm-1', '?type=serial');
    await attached(a, 'hvm-1:~# ');
    a.type('uname -a\r');
    await until(() => a.text().split('hvm-1:~# ').length === 3, 'uname answer');
    const c = await viewer('hvm-1', '?type=serial');
    await until(() => c.messages.length >= 2, 'two messages');
    expect(Buffer.isBuffer(c.messages[0])).toBe(true);
    expect((c.messages[0] as Buffer).equals(a.bytes())).toBe(true);
    expect(c.statuses()[0]).toMatchObject({ type: 'status', state: 'attached', viewers: 2 });
    expect(fx.sim.kind).toBe('simulated');
    // The serial console is its own: the PV console of the same domain has another scrollback.
    const pv = await viewer('hvm-1', '?type=pv');
    await attached(pv, 'hvm-1:~# ');
    expect(pv.text()).toContain('pv console');
    expect(pv.text()).not.toContain('uname');
  });

  it('follows the domain: reboot, then destroy and start, reattach without the client reconnecting', async () => {
    const fx = await setup();
    const first = await domidOf('pv-1');
    const v = await viewer('pv-1');
    await attached(v, 'pv-1:~# ');
    const res = await fx.admin
      .post('/api/v1/domains/pv-1/reboot')
      .set('Content-Type', 'application/json');
    expect(res.status).toBe(204);
    await until(() => v.statuses().some((s) => s.state === 'waiting'), 'waiting after reboot');
    await until(
      () => v.lastStatus()?.state === 'attached' && v.lastStatus()?.domid !== first,
      'attached to the new domid',
    );
    const second = await domidOf('pv-1');
    expect(v.lastStatus()).toMatchObject({ state: 'attached', domid: second, viewers: 1 });
    await until(() => v.text().includes(`Booting simulated pv-1 (domid ${second})`), 'new banner');
    const t = v.text();
    expect(t.indexOf(`── xendeck: reattached to pv-1 (domid ${second}) ──`)).toBeGreaterThan(
      t.indexOf(`Booting simulated pv-1 (domid ${first})`),
    );
    const waiting = v
      .statuses()
      .filter((s) => s.state === 'waiting')
      .at(-1);
    expect(waiting?.reason).toMatch(/went away or rebooted/);

    fx.sim.external.destroy('pv-1');
    await until(() => v.lastStatus()?.state === 'waiting', 'waiting after destroy');
    await sleep(100);
    expect(v.lastStatus()?.state).toBe('waiting');
    const third = fx.sim.external.create({ name: 'pv-1', type: 'pv' });
    await until(() => v.lastStatus()?.domid === third, 'attached after start');
    await until(() => v.text().includes(`Booting simulated pv-1 (domid ${third})`), 'third banner');
    expect(v.ws.readyState).toBe(v.ws.OPEN);
    const mark = v.bytes().length;
    v.type('echo alive\r');
    await until(
      () => v.bytes().subarray(mark).toString().includes('alive\r\npv-1:~# '),
      'typing after reattach',
    );
  });

  it('reattaches to the same domid when its console ended while it still runs (xenconsoled restarted)', async () => {
    const held: TextConsole[] = [];
    const fx = await setup({
      hypervisor: (sim) =>
        new Proxy(sim, {
          get(target, prop, receiver) {
            if (prop !== 'openTextConsole') return Reflect.get(target, prop, receiver);
            return async (domid: number, kind: 'pv' | 'serial') => {
              const c = await target.openTextConsole(domid, kind);
              held.push(c);
              return c;
            };
          },
        }),
    });
    const domid = await domidOf('pv-1');
    const v = await viewer('pv-1');
    await attached(v, 'pv-1:~# ');
    expect(held).toHaveLength(1);
    // The pty goes away under the hub while the domain keeps running.
    const before = v.statuses().length;
    held[0]?.close();
    await until(
      () =>
        v
          .statuses()
          .slice(before)
          .some((st) => st.state === 'waiting'),
      'waiting',
    );
    await until(
      () => held.length === 2 && v.lastStatus()?.state === 'attached',
      'reattached',
      8_000,
    );
    expect(v.lastStatus()?.domid).toBe(domid);
    const mark = v.bytes().length;
    v.type('echo back\r');
    await until(() => v.bytes().subarray(mark).toString().endsWith('back\r\npv-1:~# '), 'answer');
    expect(fx.sim.kind).toBe('simulated');
  });

  it('after a reboot, retries every 0.5 s while the new domain has no pty yet', async () => {
    let refuse = 0;
    const fx = await setup({
      hypervisor: (sim) =>
        new Proxy(sim, {
          get(target, prop, receiver) {
            if (prop !== 'openTextConsole') return Reflect.get(target, prop, receiver);
            return async (domid: number, kind: 'pv' | 'serial') => {
              if (refuse > 0) {
                refuse--;
                throw new HypervisorError('CONSOLE_UNAVAILABLE', 'no console/tty yet', { domid });
              }
              return target.openTextConsole(domid, kind);
            };
          },
        }),
    });
    const first = await domidOf('pv-1');
    const v = await viewer('pv-1');
    await attached(v, 'pv-1:~# ');
    refuse = 3;
    const t0 = Date.now();
    fx.sim.external.destroy('pv-1');
    await until(() => v.lastStatus()?.state === 'waiting', 'waiting');
    const second = fx.sim.external.create({ name: 'pv-1' });
    await until(() => v.lastStatus()?.domid === second, 'attached to the new domid', 8_000);
    expect(refuse).toBe(0);
    // Three refusals at 0.5 s intervals, not 3 s.
    expect(Date.now() - t0).toBeLessThan(2_800);
    expect(second).not.toBe(first);
  });

  it('releases the console only after the grace period once the last viewer left', async () => {
    const fx = await setup({ config: { consoleGraceMs: 400 } });
    const domid = await domidOf('pv-1');
    const v = await viewer('pv-1');
    await attached(v, 'pv-1:~# ');
    const status = await fx.admin.get('/api/v1/domains/pv-1/console');
    expect(status.body.pv).toMatchObject({ attached: true, viewers: 1 });
    v.ws.close();
    await v.closed;
    await sleep(50);
    let busy: unknown;
    try {
      consoles.push(await fx.sim.openTextConsole(domid, 'pv'));
    } catch (e) {
      busy = e;
    }
    expect(busy).toBeInstanceOf(HypervisorError);
    expect((busy as HypervisorError).code).toBe('CONSOLE_BUSY');
    await sleep(500);
    const mine = await fx.sim.openTextConsole(domid, 'pv');
    consoles.push(mine);
    expect(mine.domid).toBe(domid);
    const after = await fx.admin.get('/api/v1/domains/pv-1/console');
    expect(after.body.pv).toMatchObject({ attached: false, viewers: 0 });
  });

  it('a viewer coming back within the grace period keeps the same console', async () => {
    const fx = await setup({ config: { consoleGraceMs: 2_000 } });
    const domid = await domidOf('pv-1');
    const a = await viewer('pv-1');
    await attached(a, 'pv-1:~# ');
    a.ws.close();
    await a.closed;
    const b = await viewer('pv-1');
    await until(() => b.lastStatus()?.state === 'attached', 'attached');
    expect(b.lastStatus()?.domid).toBe(domid);
    expect(b.text()).toBe(a.text());
    expect(fx.sim.kind).toBe('simulated');
  });

  it('waits while someone else holds the console (CONSOLE_BUSY) and attaches once it is free', async () => {
    const fx = await setup();
    const domid = await domidOf('hvm-1');
    const xlConsole = await fx.sim.openTextConsole(domid, 'pv');
    const v = await viewer('hvm-1');
    await until(() => v.lastStatus()?.state === 'waiting', 'waiting');
    expect(v.lastStatus()?.reason).toMatch(/another program holds/);
    xlConsole.close();
    await until(() => v.lastStatus()?.state === 'attached', 'attached after release', 8_000);
    expect(v.lastStatus()?.domid).toBe(domid);
  });

  it('a domain that is not running is waited for, and attached when it starts', async () => {
    const fx = await setup();
    const v = await viewer('later-1');
    await until(() => v.lastStatus()?.state === 'waiting', 'waiting');
    expect(v.lastStatus()?.reason).toMatch(/not running/);
    const domid = fx.sim.external.create({ name: 'later-1', type: 'pvh' });
    await until(() => v.lastStatus()?.state === 'attached', 'attached');
    expect(v.lastStatus()?.domid).toBe(domid);
    await until(() => v.text().includes(`Booting simulated later-1 (domid ${domid})`), 'banner');
  });

  it('serial of a PV domain waits with the reason (no emulated serial port)', async () => {
    await setup();
    const v = await viewer('pv-1', '?type=serial');
    await until(() => v.lastStatus()?.state === 'waiting', 'waiting');
    expect(v.lastStatus()?.reason).toMatch(/only for HVM/);
  });

  it('refuses a bad name or type (422) and a missing session (401) before the upgrade', async () => {
    const fx = await setup();
    const base = `${url}/api/v1/domains`;
    const auth = { Cookie: fx.adminCookie };
    expect((await refused(await openWs(`${base}/-bad/console/text`, auth))).status).toBe(422);
    expect((await refused(await openWs(`${base}/pv-1/console/text?type=vnc`, auth))).status).toBe(
      422,
    );
    expect((await refused(await openWs(`${base}/pv-1/console/text?type=pv`))).status).toBe(401);
    // No viewer was ever counted, nothing was opened.
    const domid = await domidOf('pv-1');
    consoles.push(await fx.sim.openTextConsole(domid, 'pv'));
  });

  it('a lone viewer that stops reading pauses the console instead of being dropped, then gets every byte', async () => {
    await setup();
    const v = await viewer('pv-1');
    await attached(v, 'pv-1:~# ');
    const socket = (v.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    const n = 16 * 1024 * 1024;
    const mark = v.bytes().length;
    v.type(`burst ${n}\r`);
    await sleep(100);
    socket.pause();
    await sleep(1_500);
    socket.resume();
    const echo = `burst ${n}\r\n`;
    const end = echo.length + n + '\r\npv-1:~# '.length;
    await until(() => v.bytes().length - mark >= end, 'the whole burst', 30_000);
    const got = v.bytes().subarray(mark);
    expect(got.subarray(0, echo.length).toString()).toBe(echo);
    expect(got.subarray(echo.length, echo.length + n).equals(burstPattern(n))).toBe(true);
    expect(v.ws.readyState).toBe(v.ws.OPEN);
  }, 60_000);

  it('a viewer that stops reading holds the console only for a while: it is dropped, and the others get every byte', async () => {
    await setup();
    const fast = await viewer('pv-1');
    await attached(fast, 'pv-1:~# ');
    const slow = await viewer('pv-1');
    await until(() => slow.text().endsWith('pv-1:~# '), 'slow has the scrollback');
    // The slow browser stops reading its socket.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const n = 24 * 1024 * 1024;
    const mark = fast.bytes().length;
    fast.type(`burst ${n}\r`);
    const end = `burst ${n}\r\n`.length + n + '\r\npv-1:~# '.length;
    await until(
      () => fast.bytes().length - mark >= end,
      'the whole burst at the fast viewer',
      30_000,
    );
    const closed = await Promise.race([slow.closed, sleep(5_000).then(() => undefined)]);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const c = closed ?? (await slow.closed);
    expect(c.code).toBe(1013);
    expect(c.reason).toMatch(/too slow: .* \(no progress for 5 s\)/);
    expect(fast.lastStatus()?.viewers).toBe(1);
  }, 60_000);
});
