import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeRates } from '../src/metrics/rates.js';
import type { MetricsSnapshot } from '../src/metrics/types.js';
import { createSimulatedHost, type SimulatedHost } from '../src/simulated-host.js';

/** A clock the test steps by hand, ns. */
function fakeClock(startNs = 1_000_000_000n) {
  let now = startNs;
  return {
    clock: () => now,
    step: (ms: number) => {
      now += BigInt(ms) * 1_000_000n;
    },
  };
}

function byName(s: MetricsSnapshot, name: string) {
  const d = s.domains.find((x) => x.name === name);
  if (!d) throw new Error(`${name} not in the snapshot`);
  return d;
}

describe('simulated host: metricsSnapshot', () => {
  let host: SimulatedHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('running domains move with their own load, paused ones not at all, blocked ones barely', async () => {
    const t = fakeClock();
    host = createSimulatedHost({
      clock: t.clock,
      initialDomains: [
        { name: 'busy', vcpus: 2, state: 'running' },
        { name: 'calm', vcpus: 2, state: 'running' },
        { name: 'idle', state: 'blocked' },
        { name: 'frozen', state: 'paused' },
      ],
    });
    const a = await host.metricsSnapshot();
    t.step(1000);
    const b = await host.metricsSnapshot();
    expect(b.monotonicNs - a.monotonicNs).toBe(1e9);
    const r = computeRates(a, b);
    const pct = (n: string) => r.domains.find((d) => d.name === n)?.cpuPercent;
    for (const n of ['busy', 'calm']) {
      expect(pct(n)).toBeGreaterThan(0);
      expect(pct(n)).toBeLessThanOrEqual(200);
    }
    // Different names, different load patterns.
    expect(pct('busy')).not.toBe(pct('calm'));
    expect(pct('idle')).toBeCloseTo(2, 5);
    expect(pct('frozen')).toBe(0);
    expect(byName(b, 'frozen')).toEqual(byName(a, 'frozen'));
    const busy = r.domains.find((d) => d.name === 'busy');
    expect(busy?.netTxBytesPerSec).toBeGreaterThan(0);
    expect(busy?.vbdRdBytesPerSec).toBeGreaterThan(0);
  });

  it('counters never go down across many ticks, and CPU stays within 0..100 × vCPUs', async () => {
    const t = fakeClock();
    host = createSimulatedHost({ clock: t.clock });
    let prev = await host.metricsSnapshot();
    for (let i = 0; i < 50; i++) {
      t.step(700 + 97 * (i % 5));
      const cur = await host.metricsSnapshot();
      for (const d of cur.domains) {
        const p = prev.domains.find((x) => x.domid === d.domid);
        if (!p) continue;
        expect(d.cpuNs).toBeGreaterThanOrEqual(p.cpuNs);
        d.nets.forEach((n, k) => {
          expect(n.rxBytes).toBeGreaterThanOrEqual(p.nets[k]?.rxBytes ?? 0);
          expect(n.txPackets).toBeGreaterThanOrEqual(p.nets[k]?.txPackets ?? 0);
        });
        d.vbds.forEach((v, k) => {
          expect(v.wrSectors).toBeGreaterThanOrEqual(p.vbds[k]?.wrSectors ?? 0);
        });
      }
      for (const d of computeRates(prev, cur).domains) {
        expect(d.cpuPercent).toBeGreaterThanOrEqual(0);
        expect(d.cpuPercent).toBeLessThanOrEqual(100 * d.onlineVcpus);
      }
      prev = cur;
    }
  });

  it('host figures, dom0 without devices, guests with one vif and one vbd by default', async () => {
    host = createSimulatedHost({ nrCpus: 16, cpuMhz: 3000, totalMemoryMiB: 32768 });
    const s = await host.metricsSnapshot();
    expect(s.host).toMatchObject({ nrCpus: 16, cpuHz: 3e9, totalMemoryBytes: 32768 * 1048576 });
    expect(s.host.freeMemoryBytes).toBe((await host.hostInfo()).freeMemoryMiB * 1048576);
    const d0 = byName(s, 'Domain-0');
    expect(d0).toMatchObject({ domid: 0, nets: [], vbds: [], memoryBytes: 1536 * 1048576 });
    const web = byName(s, 'web-01');
    expect(web.nets.map((n) => n.id)).toEqual([0]);
    expect(web.vbds).toEqual([expect.objectContaining({ devid: 51712, backendType: 'vbd' })]);
    expect(s.domains.map((d) => d.domid)).toEqual(
      [...s.domains.map((d) => d.domid)].sort((a, b) => a - b),
    );
  });

  it('createDomain gives one vif per vif entry and one vbd per disk entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xendeck-sim-metrics-'));
    try {
      const cfg = join(dir, 'two-nics.cfg');
      await writeFile(
        cfg,
        'name = "two-nics"\nmemory = 256\nvif = [ "bridge=xenbr0", "bridge=xenbr1" ]\ndisk = [ "phy:/dev/vg0/a,xvda,w", "phy:/dev/vg0/b,xvdb,w" ]\n',
      );
      host = createSimulatedHost({ createDelayMs: 1 });
      await host.createDomain(cfg);
      const d = byName(await host.metricsSnapshot(), 'two-nics');
      expect(d.nets.map((n) => n.id)).toEqual([0, 1]);
      expect(d.vbds.map((v) => v.devid)).toEqual([51712, 51728]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('syntheticDomains adds that many guests of mixed states to lists and snapshots', async () => {
    host = createSimulatedHost({ syntheticDomains: 500 });
    const list = await host.listDomains();
    expect(list).toHaveLength(504);
    const s = await host.metricsSnapshot();
    expect(s.domains).toHaveLength(504);
    const synth = s.domains.filter((d) => d.name.startsWith('synth-'));
    expect(synth).toHaveLength(500);
    expect(synth.filter((d) => d.state === 'paused')).toHaveLength(50);
    expect(synth.filter((d) => d.state === 'blocked')).toHaveLength(100);
    expect(synth.filter((d) => d.state === 'running')).toHaveLength(350);
    expect(new Set(synth.map((d) => d.name)).size).toBe(500);
  });
});
