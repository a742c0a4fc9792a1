/**
 * What a person types as a balloon target (dom0's control on the overview, a domU's Resources
 * tab), checked before anything is sent: a whole number of MiB, then the range by `@xendeck/api`'s
 * domain rules (`checkMemoryTargetMiB`, the same rule the hypervisor enforces in KiB), against
 * the limits the server gave (`GET /host` dom0 min/max, `GET /domains/:name/memory`).
 */
import { checkMemoryTargetMiB } from '@xendeck/api';

export type MemoryTargetCheck = { ok: true; targetMiB: number } | { ok: false; message: string };

/**
 * `input` (the field's text) as a target within `minMiB..maxMiB` (inclusive; fractional limits
 * are rounded inward). Messages: "Enter a target in MiB.", "The target is a whole number of MiB.",
 * "The target is 512–4096 MiB; 8192 is outside." (the rule's).
 */
export function checkMemoryTargetInput(
  input: string,
  limits: { minMiB: number; maxMiB: number },
): MemoryTargetCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter a target in MiB.' };
  if (!/^\d+$/.test(text)) return { ok: false, message: 'The target is a whole number of MiB.' };
  const targetMiB = Number(text);
  const rule = checkMemoryTargetMiB(targetMiB, limits);
  return rule.ok ? { ok: true, targetMiB } : { ok: false, message: rule.message };
}
