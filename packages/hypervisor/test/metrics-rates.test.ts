import { describe, expect, it } from 'vitest';
import { computeRates } from '../src/metrics/rates.js';
import type { DomainMetrics, MetricsSnapshot } from '../src/metrics/types.js';

const S = 1e9;

function dom(domid: number, name: string, over: Partial<DomainMetrics> = {}): DomainMetrics {
  return {
    domid,
    name,
    state: 'running',
    cpuNs: 0,
    onlineVcpus: 1,
    maxVcpus: 1,
    memoryBytes: 128 * 1048576,
    maxMemoryBytes: 129 * 1048576,
    nets: [],
    vbds: [],
    ...over,
  };
}

function vif(id: number, rxBytes: number, txBytes: number) {
  return {
    id,
    rxBytes,
    rxPackets: rxBytes / 100,
    rxErrors: 0,
    rxDrops: 0,
    txBytes,
    txPackets: txBytes / 100,
    txErrors: 0,
    txDrops: 0,
  };
}

function vbd(devid: number, rdReqs: number, rdSectors: number, statsAvailable = true) {
  return {
    devid,
    backendType: 'vbd' as const,
    statsAvailable,
    ooReqs: 0,
    rdReqs,
    wrReqs: 0,
    rdSectors,
    wrSectors: 0,
  };
}

function snap(monotonicNs: number, domains: DomainMetrics[], collectNs = 0): MetricsSnapshot {
  return {
    monotonicNs,
    collectNs,
    host: { nrCpus: 4, cpuHz: 2.4e9, totalMemoryBytes: 8 * 2 ** 30, freeMemoryBytes: 2 ** 30 },
    domains,
  };
}

describe('computeRates', () => {
  it('first sample: gauges filled in, every rate null', () => {
    const r = computeRates(
      undefined,
      snap(10 * S, [dom(0, 'Domain-0', { cpuNs: 5 * S, nets: [vif(0, 10, 10)] })]),
    );
    expect(r.intervalNs).toBeNull();
    expect(r.host.cpuPercent).toBeNull();
    expect(r.host.netRxBytesPerSec).toBeNull();
    expect(r.host.nrCpus).toBe(4);
    const d = r.domains[0];
    expect(d).toMatchObject({ domid: 0, cpuNs: 5 * S, cpuPercent: null, netRxBytesPerSec: null });
    expect(d?.nets[0]?.rxBytesPerSec).toBeNull();
  });

  it('CPU % = Δcpu_ns / Δwall_ns × 100 of one pCPU; host % over all pCPUs', () => {
    const prev = snap(10 * S, [
      dom(0, 'Domain-0', { cpuNs: 1 * S, onlineVcpus: 2 }),
      dom(3, 'web', { cpuNs: 7 * S, onlineVcpus: 2 }),
    ]);
    const cur = snap(12 * S, [
      dom(0, 'Domain-0', { cpuNs: 1.5 * S, onlineVcpus: 2 }),
      dom(3, 'web', { cpuNs: 10 * S, onlineVcpus: 2 }),
    ]);
    const r = computeRates(prev, cur);
    expect(r.intervalNs).toBe(2 * S);
    expect(r.domains.map((d) => d.cpuPercent)).toEqual([25, 150]);
    // (0.5 + 3) s of CPU in 2 s on 4 pCPUs = 43.75 %
    expect(r.host.cpuPercent).toBeCloseTo(43.75, 10);
  });

  it('device rates use the end of each collection (monotonicNs + collectNs)', () => {
    const prev = snap(10 * S, [dom(1, 'g', { nets: [vif(0, 1000, 0)] })], 0.5 * S);
    const cur = snap(11 * S, [dom(1, 'g', { nets: [vif(0, 3000, 0)] })], 1.5 * S);
    // CPU interval 1 s; device interval (11 + 1.5) − (10 + 0.5) = 2 s.
    const d = computeRates(prev, cur).domains[0];
    expect(d?.nets[0]?.rxBytesPerSec).toBe(1000);
    expect(d?.netRxBytesPerSec).toBe(1000);
  });

  it('vif and vbd rates per second, vbd sectors as bytes, summed per domain and host', () => {
    const prev = snap(0, [
      dom(1, 'a', { nets: [vif(0, 0, 0), vif(1, 0, 0)], vbds: [vbd(51712, 10, 80)] }),
      dom(2, 'b', { nets: [vif(0, 100, 100)] }),
    ]);
    const cur = snap(S, [
      dom(1, 'a', { nets: [vif(0, 500, 50), vif(1, 300, 70)], vbds: [vbd(51712, 30, 240)] }),
      dom(2, 'b', { nets: [vif(0, 200, 400)] }),
    ]);
    const r = computeRates(prev, cur);
    const [a, b] = r.domains;
    expect(a?.nets[0]).toMatchObject({ rxBytesPerSec: 500, txBytesPerSec: 50, rxPacketsPerSec: 5 });
    expect(a?.netRxBytesPerSec).toBe(800);
    expect(a?.netTxBytesPerSec).toBe(120);
    expect(a?.vbds[0]).toMatchObject({ rdReqsPerSec: 20, rdBytesPerSec: 160 * 512 });
    expect(a?.vbdRdBytesPerSec).toBe(160 * 512);
    expect(b?.netTxBytesPerSec).toBe(300);
    expect(b?.vbdRdReqsPerSec).toBe(0);
    expect(r.host.netRxBytesPerSec).toBe(900);
    expect(r.host.netTxBytesPerSec).toBe(420);
  });

  it('a counter that goes down gives null for that counter this tick, never a negative rate', () => {
    const prev = snap(0, [dom(1, 'g', { cpuNs: 5 * S, nets: [vif(0, 5000, 5000)] })]);
    const cur = snap(S, [dom(1, 'g', { cpuNs: 5.5 * S, nets: [vif(0, 100, 6000)] })]);
    const r = computeRates(prev, cur);
    const d = r.domains[0];
    expect(d?.cpuPercent).toBe(50);
    expect(d?.nets[0]?.rxBytesPerSec).toBeNull();
    expect(d?.nets[0]?.txBytesPerSec).toBe(1000);
    expect(d?.netRxBytesPerSec).toBe(0);
    // The next tick counts from the new value.
    const next = snap(2 * S, [dom(1, 'g', { cpuNs: 6 * S, nets: [vif(0, 400, 6000)] })]);
    expect(computeRates(cur, next).domains[0]?.nets[0]?.rxBytesPerSec).toBe(300);
    // A CPU counter that went down (should not happen for one domid) is null too.
    const back = snap(3 * S, [dom(1, 'g', { cpuNs: 1 * S })]);
    expect(computeRates(next, back).domains[0]?.cpuPercent).toBeNull();
  });

  it('a domain restarted under the same name with a new domid starts over: no spike', () => {
    const prev = snap(0, [dom(0, 'Domain-0'), dom(4, 'web', { cpuNs: 900 * S })]);
    const cur = snap(S, [dom(0, 'Domain-0'), dom(5, 'web', { cpuNs: 0.2 * S })]);
    const r = computeRates(prev, cur);
    expect(r.domains.map((d) => [d.domid, d.name])).toEqual([
      [0, 'Domain-0'],
      [5, 'web'],
    ]);
    expect(r.domains[1]?.cpuPercent).toBeNull();
    expect(r.domains[1]?.netRxBytesPerSec).toBeNull();
    const next = snap(2 * S, [dom(0, 'Domain-0'), dom(5, 'web', { cpuNs: 0.6 * S })]);
    expect(computeRates(cur, next).domains[1]?.cpuPercent).toBeCloseTo(40, 10);
  });

  it('a domid whose name changed is a new domain (no rates this tick)', () => {
    const prev = snap(0, [dom(7, 'old', { cpuNs: 1 * S })]);
    const cur = snap(S, [dom(7, 'new', { cpuNs: 2 * S })]);
    expect(computeRates(prev, cur).domains[0]?.cpuPercent).toBeNull();
  });

  it('vanished domains are dropped; host % counts only domains with a rate', () => {
    const prev = snap(0, [dom(0, 'Domain-0', { cpuNs: 0 }), dom(2, 'gone', { cpuNs: 0 })]);
    const cur = snap(S, [dom(0, 'Domain-0', { cpuNs: 2 * S })]);
    const r = computeRates(prev, cur);
    expect(r.domains.map((d) => d.name)).toEqual(['Domain-0']);
    expect(r.host.cpuPercent).toBe(50);
  });

  it('new devices and vbds without statistics have no rates; the domain sums the rest', () => {
    const prev = snap(0, [dom(1, 'g', { nets: [vif(0, 0, 0)], vbds: [vbd(51712, 0, 0, false)] })]);
    const cur = snap(S, [
      dom(1, 'g', {
        nets: [vif(0, 10, 0), vif(1, 999, 999)],
        vbds: [vbd(51712, 5, 5)],
      }),
    ]);
    const d = computeRates(prev, cur).domains[0];
    expect(d?.nets[1]?.rxBytesPerSec).toBeNull();
    expect(d?.netRxBytesPerSec).toBe(10);
    expect(d?.vbds[0]?.rdReqsPerSec).toBeNull();
    expect(d?.vbdRdReqsPerSec).toBe(0);
  });

  it('a non-positive interval gives no rates; inputs are not modified', () => {
    const a = snap(5 * S, [dom(0, 'Domain-0', { cpuNs: 1 })]);
    const b = snap(5 * S, [dom(0, 'Domain-0', { cpuNs: 2 })]);
    const copy = structuredClone(a);
    const r = computeRates(a, b);
    expect(r.intervalNs).toBeNull();
    expect(r.domains[0]?.cpuPercent).toBeNull();
    expect(r.host.cpuPercent).toBeNull();
    expect(a).toEqual(copy);
    expect(computeRates(b, a).domains[0]?.cpuPercent).toBeNull();
  });
});
