/**
 * The simulated host's vCPUs and credit2 parameters of one domain (one boot of it: a rebooted
 * domain gets a new table, as xl re-creates it): each vCPU's hard and soft affinity (all pCPUs at
 * first), its CPU time (the domain's CPU time, shared among the vCPUs online while it accrued, so
 * the sum is the domain's as on Xen), and the domain's credit2 weight and cap (256 and 0 at first).
 * Which vCPUs are online is the domain's `vcpus` count (0..vcpus-1, as libxl_set_vcpuonline sets
 * them). Argument checks are the callers' (`vcpus.ts`).
 */

import type { DomainState, SchedCredit2, VcpuInfo } from '../types.js';
import { CREDIT2_DEFAULT_CAP, CREDIT2_DEFAULT_WEIGHT } from '../vcpus.js';

/** What the table reads of its domain. */
export interface SimVcpuDomain {
  state: DomainState;
  /** vCPUs online now. */
  vcpus: number;
  maxVcpus: number;
  /** The domain's cumulative CPU time, ns. */
  cpuTimeNs: number;
}

export class SimVcpus {
  private readonly hard: number[][];
  private readonly soft: number[][];
  private readonly timeNs: number[];
  /** The domain's cpuTimeNs already shared out. */
  private sharedNs: number;
  readonly credit2: SchedCredit2 = { weight: CREDIT2_DEFAULT_WEIGHT, cap: CREDIT2_DEFAULT_CAP };

  /** A table for `d` on a host of `nrCpus` pCPUs; CPU time `d` used so far goes to its online vCPUs. */
  constructor(d: SimVcpuDomain, nrCpus: number) {
    const all = Array.from({ length: nrCpus }, (_, c) => c);
    this.hard = Array.from({ length: d.maxVcpus }, () => [...all]);
    this.soft = Array.from({ length: d.maxVcpus }, () => [...all]);
    this.timeNs = Array.from({ length: d.maxVcpus }, () => 0);
    this.sharedNs = 0;
    this.share(d);
  }

  /**
   * Shares the domain's CPU time since the last call evenly among its online vCPUs. Call after
   * the host advanced its counters and before the online count changes.
   */
  share(d: SimVcpuDomain): void {
    const delta = d.cpuTimeNs - this.sharedNs;
    const online = Math.min(d.vcpus, d.maxVcpus);
    if (delta <= 0 || online < 1) return;
    for (let k = 0; k < online; k++) this.timeNs[k] = (this.timeNs[k] ?? 0) + delta / online;
    this.sharedNs = d.cpuTimeNs;
  }

  /** The vCPUs as `vcpuList` reports them (call {@link share} first). */
  list(d: SimVcpuDomain): VcpuInfo[] {
    return this.hard.map((hard, vcpu) => {
      const online = vcpu < d.vcpus;
      const state: VcpuInfo['state'] = !online
        ? 'offline'
        : d.state === 'running'
          ? 'running'
          : d.state === 'blocked'
            ? 'blocked'
            : 'runnable';
      return {
        vcpu,
        cpu: online ? (hard[vcpu % hard.length] ?? null) : null,
        online,
        state,
        cpuTimeNs: Math.floor(this.timeNs[vcpu] ?? 0),
        hardAffinity: [...hard],
        softAffinity: [...(this.soft[vcpu] ?? [])],
      };
    });
  }

  /** Sets the affinities of `vcpu` (or every vCPU); `soft` undefined keeps it. Sets are checked. */
  pin(vcpu: number | 'all', hard: number[], soft: number[] | undefined): void {
    const ids = vcpu === 'all' ? this.hard.map((_, k) => k) : [vcpu];
    for (const k of ids) {
      this.hard[k] = [...hard];
      if (soft) this.soft[k] = [...soft];
    }
  }
}
