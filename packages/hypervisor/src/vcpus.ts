/**
 * The rules of `vcpuList` / `setVcpus` / `pinVcpu` / `schedCredit2` / `setSchedCredit2`, shared by
 * both backends so they refuse the same things with the same codes and `details`: the vCPU count
 * and id ranges, pCPU sets, the domain states that take a vCPU change, and credit2's defaults and
 * ranges (Xen 4.17 `xen/common/sched/credit2.c` and `tools/libs/light/libxl_sched.c`). Owns no state.
 */
import { HypervisorError } from './errors.js';
import type { DomainState, SchedCredit2 } from './types.js';

/** credit2's weight of a new domain (CSCHED2_DEFAULT_WEIGHT), what `xl sched-credit2` shows. */
export const CREDIT2_DEFAULT_WEIGHT = 256;
/** credit2's cap of a new domain: 0, no cap. */
export const CREDIT2_DEFAULT_CAP = 0;
/** Smallest credit2 weight (libxl_sched.c refuses 0: "Cpu weight out of range"). */
export const CREDIT2_WEIGHT_MIN = 1;
/** Largest credit2 weight (libxl_sched.c: valid range 1..65535). */
export const CREDIT2_WEIGHT_MAX = 65535;

/**
 * Largest credit2 cap of a domain, in percent of one pCPU: 100 × its vCPUs (Xen's
 * csched2_dom_cntl refuses `cap > 100 * nr_units` with EINVAL; nr_units is the domain's vCPU
 * count, online or not: maxVcpus).
 */
export function credit2CapMax(maxVcpus: number): number {
  return 100 * maxVcpus;
}

/**
 * States in which a domain's vCPUs can be brought online or offline: not `shutdown`, `crashed`
 * or `dying` (the guest can no longer act on a xenstore `cpu/N/availability` change).
 */
const VCPU_CHANGE_STATES: readonly DomainState[] = ['running', 'blocked', 'paused'];

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

/** Throws INVALID_ARGUMENT unless `count` is an integer (the range is checked by {@link checkVcpuCount}). */
export function checkVcpuCountType(count: unknown): asserts count is number {
  if (!isInt(count)) {
    throw new HypervisorError('INVALID_ARGUMENT', `vCPU count must be an integer, got ${count}`, {
      count,
    });
  }
}

/**
 * `setVcpus`' range: 1..maxVcpus. Throws INVALID_ARGUMENT with `details`
 * `{ domid, count, min: 1, max: maxVcpus }`.
 */
export function checkVcpuCount(domid: number, count: number, maxVcpus: number): void {
  checkVcpuCountType(count);
  if (count < 1 || count > maxVcpus) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `vCPU count ${count} for domid ${domid} is outside 1–${maxVcpus} (maxvcpus)`,
      { domid, count, min: 1, max: maxVcpus },
    );
  }
}

/**
 * `setVcpus` needs a domain that can still act on it: throws INVALID_STATE (`details`
 * `{ domid, state }`) for a `shutdown`, `crashed` or `dying` one.
 */
export function checkVcpuChangeState(domid: number, state: DomainState): void {
  if (!VCPU_CHANGE_STATES.includes(state)) {
    throw new HypervisorError(
      'INVALID_STATE',
      `cannot change the vCPUs of domid ${domid}: it is ${state}`,
      { domid, state },
    );
  }
}

/** Throws INVALID_ARGUMENT unless `vcpu` is `'all'` or an integer ≥ 0 (its upper bound: {@link checkVcpuId}). */
export function checkVcpuIdType(vcpu: unknown): asserts vcpu is number | 'all' {
  if (vcpu !== 'all' && !(isInt(vcpu) && vcpu >= 0)) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `vCPU must be an id ≥ 0 or "all", got ${JSON.stringify(vcpu)}`,
      { vcpu },
    );
  }
}

/**
 * A vCPU id of the domain: 0..maxVcpus-1, or `'all'`. Throws INVALID_ARGUMENT with `details`
 * `{ domid, vcpu, min: 0, max: maxVcpus - 1 }`.
 */
export function checkVcpuId(domid: number, vcpu: number | 'all', maxVcpus: number): void {
  checkVcpuIdType(vcpu);
  if (vcpu !== 'all' && vcpu >= maxVcpus) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `domid ${domid} has no vCPU ${vcpu} (vCPUs 0–${maxVcpus - 1})`,
      { domid, vcpu, min: 0, max: maxVcpus - 1 },
    );
  }
}

/**
 * A pCPU set for `pinVcpu`: a non-empty array of integers 0..nrCpus-1. Returns it sorted without
 * duplicates. Throws INVALID_ARGUMENT with `details` `{ field, cpus, min: 0, max: nrCpus - 1 }`
 * (`field` is `hard` or `soft`).
 */
export function checkCpuSet(field: 'hard' | 'soft', cpus: unknown, nrCpus: number): number[] {
  const max = nrCpus - 1;
  const refuse = (why: string) =>
    new HypervisorError('INVALID_ARGUMENT', `${field} affinity: ${why}`, {
      field,
      cpus,
      min: 0,
      max,
    });
  if (!Array.isArray(cpus)) throw refuse('must be an array of pCPU ids');
  if (cpus.length === 0) throw refuse('an empty pCPU set is refused (a vCPU must run somewhere)');
  for (const c of cpus) {
    if (!isInt(c) || c < 0 || c > max) {
      throw refuse(`pCPU ${JSON.stringify(c)} is not one of 0–${max}`);
    }
  }
  return [...new Set(cpus as number[])].sort((a, b) => a - b);
}

/**
 * The fields `setSchedCredit2` sets: each given field within its range (weight
 * {@link CREDIT2_WEIGHT_MIN}–{@link CREDIT2_WEIGHT_MAX}, cap 0–{@link credit2CapMax}), at least one
 * given, no other field. Throws INVALID_ARGUMENT with `details` `{ field, value, min, max }`.
 */
export function checkCredit2(params: unknown, maxVcpus: number): Partial<SchedCredit2> {
  if (typeof params !== 'object' || params === null) {
    throw new HypervisorError('INVALID_ARGUMENT', 'credit2 parameters must be an object', {
      params,
    });
  }
  const p = params as Record<string, unknown>;
  const unknownKey = Object.keys(p).find((k) => k !== 'weight' && k !== 'cap');
  if (unknownKey !== undefined) {
    throw new HypervisorError(
      'INVALID_ARGUMENT',
      `unknown credit2 parameter "${unknownKey}" (weight, cap)`,
      { field: unknownKey },
    );
  }
  const out: Partial<SchedCredit2> = {};
  const ranges = {
    weight: [CREDIT2_WEIGHT_MIN, CREDIT2_WEIGHT_MAX],
    cap: [0, credit2CapMax(maxVcpus)],
  } as const;
  for (const field of ['weight', 'cap'] as const) {
    const value = p[field];
    if (value === undefined) continue;
    const [min, max] = ranges[field];
    if (!isInt(value) || value < min || value > max) {
      throw new HypervisorError(
        'INVALID_ARGUMENT',
        `credit2 ${field} ${JSON.stringify(value)} is outside ${min}–${max}`,
        { field, value, min, max },
      );
    }
    out[field] = value;
  }
  if (out.weight === undefined && out.cap === undefined) {
    throw new HypervisorError('INVALID_ARGUMENT', 'give a credit2 weight, a cap or both', {
      params,
    });
  }
  return out;
}
