#!/usr/bin/env node
/**
 * The domain rules' bad-argument and wrong-state calls, made on real libxl and on the simulated
 * host side by side, one line per call with each backend's answer (the error code, and the state
 * in `details`), marked `≠` where they differ; exits 1 when any does. For dom0 of the Xen lab,
 * where vitest may not start (the contract suite holds the same cases):
 *
 *   pnpm lab exec -- sh -c 'XENDECK_NATIVE_ADDON=/tmp/xd.node node /work/main/packages/hypervisor/scripts/domain-rules-probe.mjs /tmp/probe-pv.cfg'
 *
 * The config must describe a small PV guest whose kernel panics on `echo c > /proc/sysrq-trigger`
 * (typed on its PV console, after its shell is up) and `on_crash = "preserve"`; the guest is
 * created on each backend and destroyed at the end. Uses the built package (`dist/`).
 */
import { readFileSync } from 'node:fs';
import { createSimulatedHost, openLibxlHost } from '../dist/index.js';

const cfg = process.argv[2];
if (!cfg) throw new Error('usage: domain-rules-probe.mjs <guest config path>');
const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(readFileSync(cfg, 'utf8'))?.[1];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The call's answer: `ok`, or the HypervisorError code with `(state)` from its details. */
async function answer(p) {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!e.code) return `threw: ${e.message}`;
    return e.details?.state ? `${e.code}(${e.details.state})` : e.code;
  }
}

/** Every call, in order, on host `h`; `crash(domid)` makes the guest's kernel panic. */
async function calls(h, crash) {
  const out = [];
  const rec = async (what, p) => out.push([what, await answer(p)]);
  const unused = Math.max(...(await h.listDomains()).map((d) => d.domid)) + 1000;
  for (const d of [-1, 1.5, 0x7ff0, 99999]) {
    await rec(`domainInfo(${d})`, h.domainInfo(d));
    await rec(`pause(${d})`, h.domainOperation(d, 'pause'));
    await rec(`setMemoryTarget(${d}, 256 MiB)`, h.setMemoryTarget(d, 262144));
    await rec(`setVcpus(${d}, 1)`, h.setVcpus(d, 1));
  }
  await rec('domainOperation(unused, hibernate)', h.domainOperation(unused, 'hibernate'));
  await rec('setMemoryTarget(unused, 1.5)', h.setMemoryTarget(unused, 1.5));
  await rec('pause(unused)', h.domainOperation(unused, 'pause'));
  await rec("domidByName('')", h.domidByName(''));
  const m = await h.dom0Memory();
  for (const t of [0, -1024, 1.5, m.maxKiB + 1024]) {
    await rec(
      `setMemoryTarget(0, ${t === m.maxKiB + 1024 ? 'max + 1 MiB' : t})`,
      h.setMemoryTarget(0, t),
    );
  }
  for (const op of ['shutdown', 'reboot', 'destroy', 'pause', 'unpause']) {
    await rec(`${op}(dom0)`, h.domainOperation(0, op));
  }
  await rec('setVcpus(0, 0)', h.setVcpus(0, 0));
  await rec('setVcpus(0, maxVcpus + 1)', h.setVcpus(0, (await h.domainInfo(0)).maxVcpus + 1));
  const { domid } = await h.createDomain(cfg);
  try {
    await sleep(3000);
    await rec('pause(guest)', h.domainOperation(domid, 'pause'));
    for (const op of ['shutdown', 'reboot', 'pause']) {
      await rec(`${op}(paused guest)`, h.domainOperation(domid, op));
    }
    await rec('setMemoryTarget(paused guest, 0)', h.setMemoryTarget(domid, 0));
    await rec('unpause(paused guest)', h.domainOperation(domid, 'unpause'));
    await rec('unpause(running guest)', h.domainOperation(domid, 'unpause'));
    await rec('setMemoryTarget(guest, 31 MiB)', h.setMemoryTarget(domid, 31 * 1024));
    await crash(domid);
    let state = '';
    for (let i = 0; i < 60 && state !== 'crashed'; i++) {
      await h.refresh();
      state = (await h.domainInfo(domid)).state;
      if (state !== 'crashed') await sleep(1000);
    }
    out.push(['state after the crash', state]);
    for (const op of ['shutdown', 'reboot', 'pause', 'unpause']) {
      await rec(`${op}(crashed guest)`, h.domainOperation(domid, op));
    }
    await rec('setMemoryTarget(crashed guest, 64 MiB)', h.setMemoryTarget(domid, 65536));
    await rec('setVcpus(crashed guest, 1)', h.setVcpus(domid, 1));
  } finally {
    await rec('destroy(guest)', h.domainOperation(domid, 'destroy'));
  }
  return out;
}

/** Types the panic on the guest's PV console once its busybox shell answers. */
async function panicOverConsole(h, domid) {
  for (let i = 0; i < 120; i++) {
    let seen = '';
    try {
      const c = await h.openTextConsole(domid, 'pv');
      c.onData((b) => {
        seen += b.toString('latin1');
      });
      c.write(Buffer.from('\r'));
      await sleep(1000);
      if (/shell on the console|# /.test(seen)) {
        c.write(Buffer.from('echo c > /proc/sysrq-trigger\r'));
        await sleep(2000);
        c.close();
        return;
      }
      c.close();
    } catch {
      await sleep(1000);
    }
  }
  throw new Error('the guest shell never answered on its PV console');
}

const libxl = await openLibxlHost();
const real = await calls(libxl, (domid) => panicOverConsole(libxl, domid));
await libxl.close();
const sim = createSimulatedHost({ createDelayMs: 10 });
const simulated = await calls(sim, async () => sim.external.crash(name));
await sim.close();
let differ = 0;
for (const [i, [what, a]] of real.entries()) {
  const b = simulated[i]?.[1];
  if (a !== b) differ++;
  console.log(`${a === b ? '  ' : '≠ '}${what.padEnd(40)} libxl=${a.padEnd(24)} simulated=${b}`);
}
console.log(`${real.length} calls, ${differ} differ`);
process.exit(differ === 0 ? 0 : 1);
