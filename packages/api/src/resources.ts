/**
 * Live resources of a domain (issue 10 §2): balloon target, vCPUs online, vCPU pinning, credit2
 * weight and cap — shown and changed on the running domain as `xl mem-set`, `xl vcpu-set`,
 * `xl vcpu-pin` and `xl sched-credit2` do, and, only when the request says `persist: true`, also
 * written into `<configDir>/<name>.cfg` (the answer's `persisted` says what was written).
 * Paths are under `/api/v1`; every route is admin-only and audited with its `xl` twin.
 */
import { z } from 'zod';

/** `persist`: also write the change into the domain's config file (default false: the file is untouched). */
const persistSchema = z.boolean().optional();

/**
 * A CPU list as xl reads it (xl.cfg(5) `cpus=`): `all`, `0-3,5`, `all,^7`. The server parses it
 * with @xendeck/xl-config's `parseCpumap` against the host's CPUs (422 naming the field when bad).
 */
export const cpumapTextSchema = z
  .string()
  .min(1, 'a CPU list is "all", "0-1,3" or similar')
  .max(1024, 'a CPU list is at most 1024 characters');

/** One key of the config file the server rewrote: its value before (null = absent) and after, as written. */
export const configKeyChangeSchema = z.object({
  key: z.string(),
  before: z.string().nullable(),
  after: z.string(),
});
export type ConfigKeyChange = z.infer<typeof configKeyChangeSchema>;

/**
 * What a `persist: true` change wrote into `<configDir>/<name>.cfg`, through the config editor's
 * save path (lock, If-Match, history, atomic write). `written` is false when the file already
 * held those values (nothing written, `versionId` null).
 */
export const configWriteSchema = z.object({
  path: z.string(),
  changes: z.array(configKeyChangeSchema),
  written: z.boolean(),
  /** ETag of the file now on disk. */
  etag: z.string(),
  /** History id of the version written (reason `edit`), or null. */
  versionId: z.number().int().nullable(),
});
export type ConfigWrite = z.infer<typeof configWriteSchema>;

/**
 * The answer of every live change (200): the domain, the `xl` twin of what was done (as the
 * audit log records it), and what was written to the config file (null without `persist`).
 */
export const liveChangeResultSchema = z.object({
  name: z.string(),
  domid: z.number().int().nonnegative(),
  command: z.string(),
  persisted: configWriteSchema.nullable(),
});
export type LiveChangeResult = z.infer<typeof liveChangeResultSchema>;

/**
 * `GET /api/v1/domains/:name/memory`: the balloon target and its limits, MiB. Sources: `xl list`
 * memory (libxl_dominfo), xenstore `memory/target`, maxmem = xenstore `memory/static-max` (+
 * videoram for HVM; what libxl_set_memory_target accepts), the smallest target Xendeck accepts
 * (dom0: the configured floor; a domU: 32 MiB).
 */
export const domainMemorySchema = z.object({
  name: z.string(),
  domid: z.number().int().nonnegative(),
  currentMiB: z.number(),
  minMiB: z.number(),
  maxMiB: z.number(),
  /** The balloon target (xenstore memory/target). */
  targetMiB: z.number(),
});
export type DomainMemory = z.infer<typeof domainMemorySchema>;

/**
 * `PUT /api/v1/domains/:name/memory` body: the balloon target, MiB, within minMiB..maxMiB of GET
 * (422 MEMORY_OUT_OF_RANGE with `details.{requestedMiB,minMiB,maxMiB}`). `persist` writes
 * `memory = <MiB>` (not for dom0, which has no config file: 422).
 */
export const domainMemoryRequestSchema = z
  .object({ targetMiB: z.number().int().positive(), persist: persistSchema })
  .strict();
export type DomainMemoryRequest = z.infer<typeof domainMemoryRequestSchema>;

/** One vCPU as `xl vcpu-list` shows it. */
export const vcpuSchema = z.object({
  vcpu: z.number().int().nonnegative(),
  /** Physical CPU it runs on now; null when offline or not scheduled. */
  cpu: z.number().int().nullable(),
  state: z.enum(['running', 'blocked', 'runnable', 'offline']),
  online: z.boolean(),
  /** CPU time this vCPU used, ns. */
  cpuTimeNs: z.number(),
  /** Hard affinity as xl prints it (`all`, `0-1,3`). */
  hardAffinity: z.string(),
  /** Soft affinity as xl prints it. */
  softAffinity: z.string(),
});
export type Vcpu = z.infer<typeof vcpuSchema>;

/**
 * `GET /api/v1/domains/:name/vcpus`: the vCPUs (libxl_list_vcpu), how many are online, the
 * domain's maxvcpus, and the host's physical CPUs (libxl_get_physinfo nr_cpus).
 */
export const domainVcpusSchema = z.object({
  name: z.string(),
  domid: z.number().int().nonnegative(),
  online: z.number().int(),
  maxVcpus: z.number().int(),
  hostCpus: z.number().int(),
  vcpus: z.array(vcpuSchema),
});
export type DomainVcpus = z.infer<typeof domainVcpusSchema>;

/**
 * `PUT /api/v1/domains/:name/vcpus` body: vCPUs online, 1..maxVcpus (422 INVALID_INPUT naming
 * `count` beyond it). `persist` writes `vcpus = <count>`.
 */
export const vcpuSetRequestSchema = z
  .object({ count: z.number().int().min(1).max(512), persist: persistSchema })
  .strict();
export type VcpuSetRequest = z.infer<typeof vcpuSetRequestSchema>;

/**
 * `PUT /api/v1/domains/:name/vcpus/pin` body: pin one vCPU or `all` to the CPUs of `hard`
 * (and prefer `soft`; left as it is when absent). `persist` writes `cpus =` (and `cpus_soft =`):
 * one string for `all`, else a per-vCPU list built from every vCPU's affinity after the change.
 */
export const vcpuPinRequestSchema = z
  .object({
    vcpu: z.union([z.number().int().nonnegative().max(511), z.literal('all')]),
    hard: cpumapTextSchema,
    soft: cpumapTextSchema.optional(),
    persist: persistSchema,
  })
  .strict();
export type VcpuPinRequest = z.infer<typeof vcpuPinRequestSchema>;

/**
 * `GET /api/v1/domains/:name/sched`: credit2 parameters (`xl sched-credit2 -d`): weight 1–65535
 * (default 256), cap in percent of one pCPU (0 = none), and the largest cap (100 × host CPUs).
 * 409 INVALID_STATE when the domain's cpupool does not run credit2.
 */
export const domainSchedSchema = z.object({
  name: z.string(),
  domid: z.number().int().nonnegative(),
  scheduler: z.literal('credit2'),
  weight: z.number().int(),
  cap: z.number().int(),
  maxCap: z.number().int(),
});
export type DomainSched = z.infer<typeof domainSchedSchema>;

/**
 * `PUT /api/v1/domains/:name/sched` body: at least one of weight (1–65535) and cap (0..maxCap).
 * `persist` writes `cpu_weight =` / `cap =` (xl.cfg(5), honoured by credit and credit2).
 */
export const schedRequestSchema = z
  .object({
    weight: z.number().int().min(1).max(65535).optional(),
    cap: z.number().int().min(0).max(51200).optional(),
    persist: persistSchema,
  })
  .strict()
  .refine((b) => b.weight !== undefined || b.cap !== undefined, {
    message: 'give weight, cap or both',
    path: ['weight'],
  });
export type SchedRequest = z.infer<typeof schedRequestSchema>;
