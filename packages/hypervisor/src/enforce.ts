/**
 * The bridge from `@xendeck/api`'s domain rules (pure checks returning `{ ok } | Refusal`) to the
 * hypervisor's error model: a refusal is thrown as a {@link HypervisorError} with the rule's code,
 * message and details, unchanged. Both backends call their checks through here, so they refuse
 * the same things with the same answers.
 */
import type { Checked, RuleResult } from '@xendeck/api';
import { HypervisorError } from './errors.js';

/** Returns when the rule allows it; throws HypervisorError(code, message, details) when it refuses. */
export function enforce(result: RuleResult): void {
  if (!result.ok) throw new HypervisorError(result.code, result.message, result.details);
}

/** The checked value of a rule that normalises its input; throws as {@link enforce} on a refusal. */
export function enforced<T>(result: Checked<T>): T {
  if (!result.ok) throw new HypervisorError(result.code, result.message, result.details);
  return result.value;
}
