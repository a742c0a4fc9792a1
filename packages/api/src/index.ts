/**
 * The REST and websocket contract of Xendeck's server, as zod schemas. The server validates
 * requests with these at the edge; the web app imports the inferred types (and may parse
 * responses with them). All paths are under `/api/v1`.
 */
import { z } from 'zod';

/** A domain name as xl accepts it in Xendeck: letters, digits, `-`, `_`, `.`; 1–64 chars, not starting with `.` or `-`. */
export const domainNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/,
    'a domain name is 1–64 letters, digits, "_", "." or "-", not starting with "." or "-"',
  );

/** Error body of every non-2xx answer. `code` is stable (see apps/server/API.md). */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** `POST /api/v1/session` body. Answers 204 with the `xendeck_session` cookie, or 401. */
export const loginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** `GET /api/v1/session`: who is logged in. */
export const sessionInfoSchema = z.object({
  username: z.string(),
  role: z.enum(['admin', 'customer']),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const virtCapSchema = z.enum([
  'pv',
  'hvm',
  'hvm_directio',
  'pv_directio',
  'hap',
  'shadow',
  'iommu_hap_pt_share',
  'vmtrace',
  'vpmu',
  'gnttab-v1',
  'gnttab-v2',
]);

/**
 * `GET /api/v1/host`. Memory in MiB. Sources: libxl_get_physinfo, libxl_get_version_info,
 * libxl_domain_info(0), xenstore /local/domain/0/memory/{target,static-max}.
 */
export const hostSchema = z.object({
  hostname: z.string(),
  xenVersion: z.string(),
  nrCpus: z.number().int(),
  cpuMhz: z.number(),
  totalMemoryMiB: z.number(),
  freeMemoryMiB: z.number(),
  virtCaps: z.array(virtCapSchema),
  /** Which backend serves this host; the UI shows a banner for `simulated`. */
  backend: z.enum(['libxl', 'simulated']),
  dom0: z.object({
    /** What dom0 holds now (as `xl list`). */
    memoryMiB: z.number(),
    /** Its balloon target. */
    targetMiB: z.number(),
    /** Largest target libxl accepts (static-max). */
    maxMemoryMiB: z.number(),
    /** Smallest target Xendeck accepts (max of libxl's 128 MiB and the configured floor). */
    minMemoryMiB: z.number(),
  }),
  /** Sum of all domUs' memory (as `xl list`), MiB. */
  guestsMemoryMiB: z.number(),
  /** What Xen itself keeps: total − dom0 − guests − free, MiB. */
  xenMemoryMiB: z.number(),
});
export type Host = z.infer<typeof hostSchema>;

/** `PUT /api/v1/host/dom0/memory` body; 422 MEMORY_OUT_OF_RANGE outside the limits in GET /host. */
export const dom0MemoryRequestSchema = z.object({
  targetMiB: z.number().int().positive(),
});
export type Dom0MemoryRequest = z.infer<typeof dom0MemoryRequestSchema>;

export const domainStateSchema = z.enum([
  'running',
  'blocked',
  'paused',
  'shutdown',
  'crashed',
  'dying',
]);
export type DomainState = z.infer<typeof domainStateSchema>;

/** One element of `GET /api/v1/domains`, and `GET /api/v1/domains/:name`. Memory in KiB, CPU time in ns. */
export const domainSchema = z.object({
  domid: z.number().int(),
  name: z.string(),
  uuid: z.string(),
  type: z.enum(['pv', 'pvh', 'hvm']),
  state: domainStateSchema,
  memoryKiB: z.number(),
  maxMemoryKiB: z.number(),
  vcpus: z.number().int(),
  maxVcpus: z.number().int(),
  cpuTimeNs: z.number(),
});
export type Domain = z.infer<typeof domainSchema>;

export const domainOperationSchema = z.enum(['shutdown', 'reboot', 'destroy', 'pause', 'unpause']);
export type DomainOperation = z.infer<typeof domainOperationSchema>;

/** `POST /api/v1/domains/:name/start` answer (201). */
export const startResultSchema = z.object({
  domid: z.number().int(),
  name: z.string(),
  output: z.string(),
});
export type StartResult = z.infer<typeof startResultSchema>;

/** `PUT /api/v1/domains/:name/memory` body: balloon target of a running domU, MiB. */
export const domainMemoryRequestSchema = z.object({
  targetMiB: z.number().int().positive(),
});

/** One element of `GET /api/v1/configs`: the domain config files in the config dir (/etc/xen). */
export const configEntrySchema = z.object({
  /** The file name without `.cfg`, which Xendeck takes as the domain name. */
  name: z.string(),
  /** Absolute path of the file. */
  path: z.string(),
  /** Whether a domain of that name exists now. */
  running: z.boolean(),
  /** domid when running. */
  domid: z.number().int().optional(),
  /** File size in bytes and modification time (ISO 8601). */
  sizeBytes: z.number().int(),
  modifiedAt: z.string(),
});
export type ConfigEntry = z.infer<typeof configEntrySchema>;

/**
 * Messages on `WS /api/v1/events` (server → client, JSON text frames). The first message is a
 * `snapshot` with every domain; then one message per change.
 */
export const eventMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), domains: z.array(domainSchema) }),
  z.object({ type: z.literal('domain.added'), domain: domainSchema }),
  z.object({ type: z.literal('domain.removed'), domid: z.number().int(), name: z.string() }),
  z.object({
    type: z.literal('domain.changed'),
    domain: domainSchema,
    previousState: domainStateSchema,
  }),
]);
export type EventMessage = z.infer<typeof eventMessageSchema>;
