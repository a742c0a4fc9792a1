/**
 * The rules of `vcpuList` / `setVcpus` / `pinVcpu` / `schedCredit2` / `setSchedCredit2` as both
 * backends call them: the checks themselves (vCPU count and id ranges, pCPU sets, the states that
 * take a vCPU change, credit2's defaults and ranges) live in `@xendeck/api`'s `domain-rules.ts`;
 * these wrappers throw their refusals as HypervisorError (INVALID_ARGUMENT / INVALID_STATE with
 * the rule's `details`). Owns no state.
 */
import {
  checkDomainState,
  checkCpuSet as cpuSetRule,
  checkCredit2 as credit2Rule,
  checkVcpuCount as vcpuCountRule,
  checkVcpuCountType as vcpuCountTypeRule,
  checkVcpuId as vcpuIdRule,
  checkVcpuIdType as vcpuIdTypeRule,
} from '@xendeck/api';
import { enforce, enforced } from './enforce.js';
import type { DomainState, SchedCredit2 } from './types.js';

export {
  CREDIT2_DEFAULT_CAP,
  CREDIT2_DEFAULT_WEIGHT,
  CREDIT2_WEIGHT_MAX,
  CREDIT2_WEIGHT_MIN,
  credit2CapMax,
} from '@xendeck/api';

/** Throws INVALID_ARGUMENT unless `count` is an integer (the range is checked by {@link checkVcpuCount}). */
export function checkVcpuCountType(count: unknown): asserts count is number {
  enforce(vcpuCountTypeRule(count));
}

/** `setVcpus`' range: 1..maxVcpus. Throws INVALID_ARGUMENT `{ domid, count, min: 1, max: maxVcpus }`. */
export function checkVcpuCount(domid: number, count: number, maxVcpus: number): void {
  enforce(vcpuCountRule(domid, count, maxVcpus));
}

/** `setVcpus` needs a running, blocked or paused domain: INVALID_STATE `{ domid, op: 'vcpus', state }` otherwise. */
export function checkVcpuChangeState(domid: number, state: DomainState): void {
  enforce(checkDomainState('vcpus', domid, state));
}

/** Throws INVALID_ARGUMENT unless `vcpu` is `'all'` or an integer ≥ 0 (its upper bound: {@link checkVcpuId}). */
export function checkVcpuIdType(vcpu: unknown): asserts vcpu is number | 'all' {
  enforce(vcpuIdTypeRule(vcpu));
}

/** A vCPU id 0..maxVcpus-1 or `'all'`; INVALID_ARGUMENT `{ domid, vcpu, min: 0, max }` otherwise. */
export function checkVcpuId(domid: number, vcpu: number | 'all', maxVcpus: number): void {
  enforce(vcpuIdRule(domid, vcpu, maxVcpus));
}

/** A pCPU set 0..nrCpus-1, non-empty; returns it sorted without duplicates. INVALID_ARGUMENT otherwise. */
export function checkCpuSet(field: 'hard' | 'soft', cpus: unknown, nrCpus: number): number[] {
  return enforced(cpuSetRule(field, cpus, nrCpus));
}

/** The credit2 fields to set (weight 1–65535, cap 0–100 × maxVcpus); INVALID_ARGUMENT otherwise. */
export function checkCredit2(params: unknown, maxVcpus: number): Partial<SchedCredit2> {
  return enforced(credit2Rule(params, maxVcpus));
}
