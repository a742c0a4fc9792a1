/**
 * The rules of domain operations, written once: which operation is allowed in which domain state
 * ({@link ALLOWED_STATES}), and the argument checks (domid, names, memory targets, vCPU counts and
 * ids, pCPU sets, credit2 weight and cap). Both hypervisor backends (libxl and simulated), the
 * server's pre-checks and the web (which buttons are enabled, what a form field says) call these
 * functions, so they cannot drift apart; the hypervisor contract suite checks both backends give
 * the same answers.
 *
 * Every check is a pure function returning `{ ok: true }` (or `{ ok: true, value }`) or a
 * {@link Refusal} carrying the exact error code the hypervisor throws (HypervisorError in
 * `@xendeck/hypervisor`, mapped to HTTP by the server: INVALID_ARGUMENT 400, INVALID_STATE 409,
 * MEMORY_OUT_OF_RANGE 422), a message for people and structured `details`. No I/O, no `node:`
 * imports (the web bundles this file).
 *
 * Sources: Xen 4.17 `tools/libs/light/libxl_domain.c` (libxl_domain_shutdown/reboot →
 * libxl__domain_pvcontrol: writes xenstore `control/shutdown` and waits 60 s for the guest to
 * acknowledge; libxl_set_memory_target), `tools/libs/light/libxl_sched.c`,
 * `xen/common/sched/credit2.c`, `tools/xl/xl_vmcontrol.c`, `xen/include/public/xen.h`
 * (DOMID_FIRST_RESERVED).
 */
import type { DomainOperation, DomainState } from './index.js';

/** A check that failed: the hypervisor's error code, a sentence for people, structured context. */
export interface Refusal {
  ok: false;
  code: 'INVALID_ARGUMENT' | 'INVALID_STATE' | 'MEMORY_OUT_OF_RANGE';
  message: string;
  details: Record<string, unknown>;
}

/** What a check answers: allowed, or why not. */
export type RuleResult = { ok: true } | Refusal;

/** What a check that also normalises its input answers: the value to use, or why not. */
export type Checked<T> = { ok: true; value: T } | Refusal;

const OK: { ok: true } = { ok: true };

function refuse(code: Refusal['code'], message: string, details: Record<string, unknown>): Refusal {
  return { ok: false, code, message, details };
}

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

// ---------------------------------------------------------------------------------------------
// States and operations
// ---------------------------------------------------------------------------------------------

/**
 * Every domain state (`domainStateSchema` is built from this list). The hypervisor reads one from
 * libxl_dominfo's flags by the precedence dying > crashed > shutdown > paused > running > blocked.
 */
export const DOMAIN_STATES = [
  'running',
  'blocked',
  'paused',
  'shutdown',
  'crashed',
  'dying',
] as const;

/** The lifecycle operations of `POST /domains/:name/<op>` and `Hypervisor.domainOperation` (`domainOperationSchema` is built from it). */
export const DOMAIN_OPERATIONS = ['shutdown', 'reboot', 'destroy', 'pause', 'unpause'] as const;

/**
 * What the state table rules: the five lifecycle operations, `save` (`xl save`), `vcpus`
 * (`xl vcpu-set`, setVcpus) and `memory` (`xl mem-set`, setMemoryTarget).
 */
export type StateRuledAction = DomainOperation | 'save' | 'vcpus' | 'memory';

/** Every {@link StateRuledAction}, in the order the docs' table lists them. */
export const STATE_RULED_ACTIONS = [
  ...DOMAIN_OPERATIONS,
  'save',
  'vcpus',
  'memory',
] as const satisfies readonly StateRuledAction[];

/** States in which the guest's kernel still runs code (it can act on a request, or will once resumed). */
const ALIVE: readonly DomainState[] = ['running', 'blocked', 'paused'];

/**
 * THE table: in which states each action is allowed (dom0 aside, see {@link DOM0_REFUSED}).
 *
 * - `shutdown`, `reboot`: running, blocked. libxl writes xenstore `control/shutdown` and waits
 *   60 s for the guest to acknowledge: a paused guest cannot until resumed, a crashed or shut-down
 *   one never will (xl would hang a minute and fail), a dying one is already going.
 * - `pause`: running, blocked (pausing a paused domain is refused: it would stack pause counts).
 * - `unpause`: paused.
 * - `destroy`: every state, dying included (xl destroy of a stuck "zombie" retries its cleanup).
 * - `save`: running, blocked, paused (`xl save` needs a live guest to suspend).
 * - `vcpus`, `memory`: running, blocked, paused (the guest acts on xenstore `cpu/N/availability`
 *   and `memory/target`; a paused one does when resumed, a dead one never).
 */
export const ALLOWED_STATES: Readonly<Record<StateRuledAction, readonly DomainState[]>> = {
  shutdown: ['running', 'blocked'],
  reboot: ['running', 'blocked'],
  pause: ['running', 'blocked'],
  unpause: ['paused'],
  destroy: DOMAIN_STATES,
  save: ALIVE,
  vcpus: ALIVE,
  memory: ALIVE,
};

/** Actions refused on dom0 (domid 0) whatever its state: the lifecycle operations and `save`. */
export const DOM0_REFUSED: ReadonlySet<StateRuledAction> = new Set<StateRuledAction>([
  ...DOMAIN_OPERATIONS,
  'save',
]);

/** Why `action` is refused in `state` (the message's tail). */
function whyNot(action: StateRuledAction, state: DomainState): string {
  if (action === 'pause' && state === 'paused') return 'it is already paused';
  if (action === 'unpause') return `it is not paused (it is ${state})`;
  switch (state) {
    case 'paused':
      return 'a paused guest cannot act on the request: resume it first';
    case 'crashed':
      return 'it has crashed: only destroy clears it';
    case 'shutdown':
      return 'it has shut down (kept by on_poweroff/on_reboot = "preserve"): only destroy clears it';
    case 'dying':
      return 'it is being destroyed';
    default:
      return `it is ${state}`;
  }
}

/** The verb of an action in messages (`cannot change the vCPUs of`, `cannot shutdown`). */
const VERB: Record<StateRuledAction, string> = {
  shutdown: 'shutdown',
  reboot: 'reboot',
  destroy: 'destroy',
  pause: 'pause',
  unpause: 'unpause',
  save: 'save',
  vcpus: 'change the vCPUs of',
  memory: 'change the memory target of',
};

/**
 * Whether `action` is allowed on domain `domid` in `state`, by {@link ALLOWED_STATES} and
 * {@link DOM0_REFUSED}. Refusal: INVALID_STATE, `details` `{ domid, op, state }`.
 */
export function checkDomainState(
  action: StateRuledAction,
  domid: number,
  state: DomainState,
): RuleResult {
  if (domid === 0 && DOM0_REFUSED.has(action)) {
    return refuse('INVALID_STATE', `${action} is not allowed on dom0 (Domain-0)`, {
      domid,
      op: action,
      state,
    });
  }
  if (ALLOWED_STATES[action].includes(state)) return OK;
  return refuse(
    'INVALID_STATE',
    `cannot ${VERB[action]} domid ${domid}: ${whyNot(action, state)}`,
    { domid, op: action, state },
  );
}

/** The lifecycle operations allowed on a domain now (what the web enables), in {@link DOMAIN_OPERATIONS} order. */
export function allowedOperations(domain: {
  domid: number;
  state: DomainState;
}): Set<DomainOperation> {
  return new Set(
    DOMAIN_OPERATIONS.filter((op) => checkDomainState(op, domain.domid, domain.state).ok),
  );
}

/**
 * Start (`xl create`, `POST /domains/:name/start`) is allowed when no domain of that name exists
 * (else the hypervisor answers DOMAIN_EXISTS): of `names` (config file names, or a customer's
 * granted domains), those no domain in `existing` (the domain list, any state) carries, sorted
 * A→Z without duplicates. The server's `GET /startable-domains` and the web's shut-off rows use it.
 */
export function startableNames(
  names: readonly string[],
  existing: readonly { name: string }[],
): string[] {
  const taken = new Set(existing.map((d) => d.name));
  return [...new Set(names)]
    .filter((n) => !taken.has(n))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** An operation name: one of {@link DOMAIN_OPERATIONS}. Refusal: INVALID_ARGUMENT, `details` `{ op }`. */
export function checkDomainOperation(op: unknown): RuleResult {
  if ((DOMAIN_OPERATIONS as readonly unknown[]).includes(op)) return OK;
  return refuse(
    'INVALID_ARGUMENT',
    `unknown domain operation "${String(op)}" (${DOMAIN_OPERATIONS.join(', ')})`,
    { op },
  );
}

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------

/** Xen's DOMID_FIRST_RESERVED (0x7FF0, xen.h): ids from here up are DOMID_SELF, DOMID_IO… never a domain. */
export const DOMID_FIRST_RESERVED = 0x7ff0;

/**
 * A domid: an integer 0..{@link DOMID_FIRST_RESERVED}−1 (0..32751). Checked before any lookup, so
 * a reserved id is INVALID_ARGUMENT (not DOMAIN_NOT_FOUND) on both backends. Refusal:
 * INVALID_ARGUMENT, `details` `{ domid }`.
 */
export function checkDomid(domid: unknown): RuleResult {
  if (isInt(domid) && domid >= 0 && domid < DOMID_FIRST_RESERVED) return OK;
  return refuse(
    'INVALID_ARGUMENT',
    `domid must be an integer 0..${DOMID_FIRST_RESERVED - 1}, got ${String(domid)}`,
    { domid },
  );
}

/** Longest domain name looked up (libxl_name_to_domid compares whole xenstore `name` values). */
export const DOMAIN_NAME_MAX_CHARS = 256;

/**
 * A domain name to look up (`domidByName`): a non-empty string of at most
 * {@link DOMAIN_NAME_MAX_CHARS} characters without NUL (it is compared with xenstore `name`
 * values; the empty name matches nothing useful). Refusal: INVALID_ARGUMENT, `details` `{ name }`.
 */
export function checkDomainName(name: unknown): RuleResult {
  if (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= DOMAIN_NAME_MAX_CHARS &&
    !name.includes('\0')
  ) {
    return OK;
  }
  return refuse(
    'INVALID_ARGUMENT',
    `a domain name is a non-empty string of at most ${DOMAIN_NAME_MAX_CHARS} characters without NUL`,
    { name },
  );
}

// ---------------------------------------------------------------------------------------------
// Memory (balloon target)
// ---------------------------------------------------------------------------------------------

/** libxl's LIBXL_MIN_DOM0_MEM, KiB: libxl refuses dom0 balloon targets below 128 MiB. */
export const LIBXL_MIN_DOM0_KiB = 128 * 1024;

/**
 * The smallest balloon target Xendeck sets for a domU, KiB (32 MiB). libxl itself accepts lower
 * targets (`xl mem-set d 0` balloons the guest to nothing), but a guest kernel ballooned below
 * this is out of memory: both backends refuse with MEMORY_OUT_OF_RANGE.
 */
export const DOMU_MIN_TARGET_KiB = 32 * 1024;

/** Default safety floor for dom0's balloon target, MiB (`dom0MinMiB` option of both backends). */
export const DEFAULT_DOM0_MIN_MiB = 512;

/** dom0's minimum target, KiB: the larger of libxl's 128 MiB and the configured floor (MiB). */
export function dom0MinKiB(dom0MinMiB: number): number {
  return Math.max(LIBXL_MIN_DOM0_KiB, Math.round(dom0MinMiB * 1024));
}

/** The lowest balloon target of domain `domid`, KiB: dom0's floor ({@link dom0MinKiB}) or {@link DOMU_MIN_TARGET_KiB}. */
export function memoryTargetMinKiB(domid: number, dom0MinMiB: number): number {
  return domid === 0 ? dom0MinKiB(dom0MinMiB) : DOMU_MIN_TARGET_KiB;
}

/**
 * The form of a balloon target, checked before the domain is looked up: an integer number of KiB.
 * Refusal: INVALID_ARGUMENT `{ targetKiB }`.
 */
export function checkMemoryTargetType(targetKiB: unknown): Checked<number> {
  if (isInt(targetKiB)) return { ok: true, value: targetKiB };
  return refuse(
    'INVALID_ARGUMENT',
    `targetKiB must be an integer (KiB), got ${String(targetKiB)}`,
    {
      targetKiB,
    },
  );
}

/**
 * A balloon target for domain `domid`, KiB, against its limits (`minKiB` from
 * {@link memoryTargetMinKiB}; `maxKiB` the domain's static-max, xenstore `memory/static-max`).
 * Not an integer (NaN, 1.5, a string) → INVALID_ARGUMENT `{ targetKiB }`; any integer outside
 * `minKiB..maxKiB`, 0 and negatives included → MEMORY_OUT_OF_RANGE
 * `{ minKiB, maxKiB, requestedKiB, domid }`.
 */
export function checkMemoryTargetKiB(
  domid: number,
  targetKiB: unknown,
  limits: { minKiB: number; maxKiB: number },
): RuleResult {
  const form = checkMemoryTargetType(targetKiB);
  if (!form.ok) return form;
  const { minKiB, maxKiB } = limits;
  if (form.value >= minKiB && form.value <= maxKiB) return OK;
  return refuse(
    'MEMORY_OUT_OF_RANGE',
    `memory target ${targetKiB} KiB for domid ${domid} is outside ${minKiB}–${maxKiB} KiB`,
    { minKiB, maxKiB, requestedKiB: targetKiB, domid },
  );
}

/**
 * Everything `setMemoryTarget` checks once the domain is known, in the order both backends apply:
 * the target against the limits ({@link checkMemoryTargetKiB}), then the state
 * ({@link ALLOWED_STATES}`.memory`: running, blocked or paused).
 */
export function checkMemoryChange(
  domid: number,
  state: DomainState,
  targetKiB: unknown,
  limits: { minKiB: number; maxKiB: number },
): RuleResult {
  const range = checkMemoryTargetKiB(domid, targetKiB, limits);
  return range.ok ? checkDomainState('memory', domid, state) : range;
}

/**
 * The same range in MiB, as people type it (the web's memory controls, `targetMiB` of the API):
 * a whole number of MiB within `ceil(minMiB)..floor(maxMiB)`. Refusal codes as
 * {@link checkMemoryTargetKiB}; `details` `{ requestedMiB, minMiB, maxMiB }`.
 */
export function checkMemoryTargetMiB(
  targetMiB: unknown,
  limits: { minMiB: number; maxMiB: number },
): RuleResult {
  if (!isInt(targetMiB)) {
    return refuse('INVALID_ARGUMENT', 'The target is a whole number of MiB.', { targetMiB });
  }
  const minMiB = Math.ceil(limits.minMiB);
  const maxMiB = Math.floor(limits.maxMiB);
  if (targetMiB >= minMiB && targetMiB <= maxMiB) return OK;
  return refuse(
    'MEMORY_OUT_OF_RANGE',
    `The target is ${minMiB}–${maxMiB} MiB; ${targetMiB} is outside.`,
    { requestedMiB: targetMiB, minMiB, maxMiB },
  );
}

// ---------------------------------------------------------------------------------------------
// vCPUs, pinning, credit2
// ---------------------------------------------------------------------------------------------

/** Fewest online vCPUs a domain can have (libxl_set_vcpuonline refuses 0). */
export const VCPU_COUNT_MIN = 1;

/** A vCPU count's form, checked before the domain is looked up: an integer. Refusal: INVALID_ARGUMENT `{ count }`. */
export function checkVcpuCountType(count: unknown): Checked<number> {
  if (isInt(count)) return { ok: true, value: count };
  return refuse('INVALID_ARGUMENT', `vCPU count must be an integer, got ${String(count)}`, {
    count,
  });
}

/**
 * `setVcpus`' count: an integer {@link VCPU_COUNT_MIN}..maxVcpus (libxl_dominfo.vcpu_max_id + 1,
 * the config's `maxvcpus`). Refusal: INVALID_ARGUMENT, `details` `{ domid, count, min, max }`
 * (just `{ count }` when it is not an integer).
 */
export function checkVcpuCount(domid: number, count: unknown, maxVcpus: number): RuleResult {
  const form = checkVcpuCountType(count);
  if (!form.ok) return form;
  if (form.value >= VCPU_COUNT_MIN && form.value <= maxVcpus) return OK;
  return refuse(
    'INVALID_ARGUMENT',
    `vCPU count ${count} for domid ${domid} is outside ${VCPU_COUNT_MIN}–${maxVcpus} (maxvcpus)`,
    { domid, count, min: VCPU_COUNT_MIN, max: maxVcpus },
  );
}

/** A vCPU id's form: `'all'` or an integer ≥ 0 (its upper bound: {@link checkVcpuId}). Refusal: INVALID_ARGUMENT `{ vcpu }`. */
export function checkVcpuIdType(vcpu: unknown): RuleResult {
  if (vcpu === 'all' || (isInt(vcpu) && vcpu >= 0)) return OK;
  return refuse(
    'INVALID_ARGUMENT',
    `vCPU must be an id ≥ 0 or "all", got ${JSON.stringify(vcpu)}`,
    {
      vcpu,
    },
  );
}

/**
 * A vCPU id of the domain: 0..maxVcpus−1, or `'all'`. Refusal: INVALID_ARGUMENT, `details`
 * `{ domid, vcpu, min: 0, max: maxVcpus − 1 }`.
 */
export function checkVcpuId(domid: number, vcpu: unknown, maxVcpus: number): RuleResult {
  const form = checkVcpuIdType(vcpu);
  if (!form.ok) return form;
  if (vcpu === 'all' || (vcpu as number) < maxVcpus) return OK;
  return refuse(
    'INVALID_ARGUMENT',
    `domid ${domid} has no vCPU ${String(vcpu)} (vCPUs 0–${maxVcpus - 1})`,
    { domid, vcpu, min: 0, max: maxVcpus - 1 },
  );
}

/**
 * A pCPU set for pinning (`xl vcpu-pin` hard or soft affinity): a non-empty array of integers
 * 0..nrCpus−1 (libxl_physinfo.nr_cpus). The value is the set sorted without duplicates. Refusal:
 * INVALID_ARGUMENT, `details` `{ field, cpus, min: 0, max: nrCpus − 1 }`.
 */
export function checkCpuSet(
  field: 'hard' | 'soft',
  cpus: unknown,
  nrCpus: number,
): Checked<number[]> {
  const max = nrCpus - 1;
  const no = (why: string) =>
    refuse('INVALID_ARGUMENT', `${field} affinity: ${why}`, { field, cpus, min: 0, max });
  if (!Array.isArray(cpus)) return no('must be an array of pCPU ids');
  if (cpus.length === 0) return no('an empty pCPU set is refused (a vCPU must run somewhere)');
  for (const c of cpus) {
    if (!isInt(c) || c < 0 || c > max)
      return no(`pCPU ${JSON.stringify(c)} is not one of 0–${max}`);
  }
  return { ok: true, value: [...new Set(cpus as number[])].sort((a, b) => a - b) };
}

/** credit2's weight of a new domain (CSCHED2_DEFAULT_WEIGHT), what `xl sched-credit2` shows. */
export const CREDIT2_DEFAULT_WEIGHT = 256;
/** credit2's cap of a new domain: 0, no cap. */
export const CREDIT2_DEFAULT_CAP = 0;
/** Smallest credit2 weight (libxl_sched.c refuses 0: "Cpu weight out of range"). */
export const CREDIT2_WEIGHT_MIN = 1;
/** Largest credit2 weight (libxl_sched.c: valid range 1..65535). */
export const CREDIT2_WEIGHT_MAX = 65535;

/**
 * Largest credit2 cap of a domain, percent of one pCPU: 100 × its vCPUs (Xen's
 * csched2_dom_cntl refuses `cap > 100 * nr_units` with EINVAL; nr_units is maxVcpus).
 */
export function credit2CapMax(maxVcpus: number): number {
  return 100 * maxVcpus;
}

/** credit2 weight and cap (percent of one pCPU; 0 = no cap). */
export interface Credit2Params {
  weight: number;
  cap: number;
}

/**
 * The fields `setSchedCredit2` sets: each given field within its range (weight
 * {@link CREDIT2_WEIGHT_MIN}–{@link CREDIT2_WEIGHT_MAX}, cap 0–{@link credit2CapMax}), at least one
 * given, no other field. Refusal: INVALID_ARGUMENT, `details` `{ field, value, min, max }`.
 */
export function checkCredit2(params: unknown, maxVcpus: number): Checked<Partial<Credit2Params>> {
  if (typeof params !== 'object' || params === null) {
    return refuse('INVALID_ARGUMENT', 'credit2 parameters must be an object', { params });
  }
  const p = params as Record<string, unknown>;
  const unknownKey = Object.keys(p).find((k) => k !== 'weight' && k !== 'cap');
  if (unknownKey !== undefined) {
    return refuse('INVALID_ARGUMENT', `unknown credit2 parameter "${unknownKey}" (weight, cap)`, {
      field: unknownKey,
    });
  }
  const out: Partial<Credit2Params> = {};
  const ranges = {
    weight: [CREDIT2_WEIGHT_MIN, CREDIT2_WEIGHT_MAX],
    cap: [0, credit2CapMax(maxVcpus)],
  } as const;
  for (const field of ['weight', 'cap'] as const) {
    const value = p[field];
    if (value === undefined) continue;
    const [min, max] = ranges[field];
    if (!isInt(value) || value < min || value > max) {
      return refuse(
        'INVALID_ARGUMENT',
        `credit2 ${field} ${JSON.stringify(value)} is outside ${min}–${max}`,
        { field, value, min, max },
      );
    }
    out[field] = value;
  }
  if (out.weight === undefined && out.cap === undefined) {
    return refuse('INVALID_ARGUMENT', 'give a credit2 weight, a cap or both', { params });
  }
  return { ok: true, value: out };
}
