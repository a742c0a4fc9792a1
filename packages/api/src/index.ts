/**
 * The REST and websocket contract of Xendeck's server, as zod schemas. The server validates
 * requests with these at the edge; the web app imports the inferred types (and may parse
 * responses with them). All paths are under `/api/v1`.
 */
import { z } from 'zod';
import { grantSchema, roleSchema } from './access.js';
import { consoleKindSchema } from './consoles.js';
import { DOMAIN_OPERATIONS, DOMAIN_STATES } from './domain-rules.js';
import { metricsFieldSchema, metricsFrameSchema } from './metrics-frames.js';
import { taskSchema } from './tasks.js';

export * from './access.js';
export * from './audit.js';
export * from './autostart.js';
export * from './cdrom.js';
export * from './child-env.js';
export * from './consoles.js';
export * from './domain-rules.js';
export * from './guests.js';
export * from './isos.js';
export * from './metrics-frames.js';
export * from './network.js';
export * from './resources.js';
export * from './saved-images.js';
export * from './snapshots.js';
export * from './storage.js';
export * from './tasks.js';
export * from './users.js';

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
  /** The 6-digit TOTP code, for users who enrolled one (401 TOTP_REQUIRED without it). */
  totp: z
    .string()
    .regex(/^\d{6}$/, 'six digits')
    .optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** `GET /api/v1/session`: who is logged in. */
export const sessionInfoSchema = z.object({
  username: z.string(),
  role: roleSchema,
  /**
   * A customer's grants (domain name → permissions, `view` included); absent for admins and
   * operators, who reach every domain.
   */
  grants: z.array(grantSchema).optional(),
  /** Whether the user has two-factor login (TOTP) on: the users table's `totp_secret` is set. */
  totpEnabled: z.boolean(),
  /**
   * Which backend serves this host (`Hypervisor.kind`), as `GET /host` says: here too because
   * every user, customers included (who may not read `/host`), must see the simulated banner.
   */
  backend: z.enum(['libxl', 'simulated']),
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

/** A domain's state; the list and what each state allows are in `domain-rules.ts`. */
export const domainStateSchema = z.enum(DOMAIN_STATES);
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

export const domainOperationSchema = z.enum(DOMAIN_OPERATIONS);
export type DomainOperation = z.infer<typeof domainOperationSchema>;

/** `POST /api/v1/domains/:name/start` answer (201). */
export const startResultSchema = z.object({
  domid: z.number().int(),
  name: z.string(),
  output: z.string(),
});
export type StartResult = z.infer<typeof startResultSchema>;

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
 * `GET /api/v1/startable-domains` (operators and admins): the names of the config files
 * `<configDir>/<name>.cfg` (regular files, valid domain names) of which no domain runs now, A→Z —
 * what `POST /domains/:name/start` can start. Names only: no path, no text.
 */
export const startableDomainsSchema = z.object({ names: z.array(z.string()) });
export type StartableDomains = z.infer<typeof startableDomainsSchema>;

/**
 * `watchFiredAt` of a domain event: when the xenstore watch (`@introduceDomain`/`@releaseDomain`)
 * that led to it fired, ms since the epoch — the addon's watch thread reads CLOCK_REALTIME when
 * `xs_check_watch` returns the event, so a client in dom0 can compare it with `Date.now()`. For a
 * removal or change found by a settle re-read (a dying domain gone), the watch that started those
 * re-reads. Absent on the simulated host and for changes found without a watch (Xendeck's own
 * operations, the reconcile timer).
 */
const watchFiredAt = z.number().nonnegative().optional();

/**
 * Messages on `WS /api/v1/events` (server → client, JSON text frames). The first message is a
 * `snapshot` with every domain; then one message per change.
 */
export const eventMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), domains: z.array(domainSchema) }),
  z.object({ type: z.literal('domain.added'), domain: domainSchema, watchFiredAt: watchFiredAt }),
  z.object({
    type: z.literal('domain.removed'),
    domid: z.number().int(),
    name: z.string(),
    watchFiredAt: watchFiredAt,
  }),
  z.object({
    type: z.literal('domain.changed'),
    domain: domainSchema,
    previousState: domainStateSchema,
    watchFiredAt: watchFiredAt,
  }),
  /** Viewers of a domain's console changed (someone opened or closed it, in any browser). */
  z.object({
    type: z.literal('console.viewers'),
    name: z.string(),
    kind: consoleKindSchema,
    viewers: z.number().int().nonnegative(),
  }),
  /** A task was created or changed (state, step, progress, output): the whole task. */
  z.object({ type: z.literal('task.updated'), task: taskSchema }),
]);
export type EventMessage = z.infer<typeof eventMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Config files: reading, editing losslessly, history, creating (`/api/v1/configs/...`).
// ---------------------------------------------------------------------------------------------

/** Largest config file Xendeck reads or writes: 1 MiB (1 048 576 bytes of UTF-8). */
export const CONFIG_MAX_BYTES = 1024 * 1024;

/**
 * One problem in a config file, from @xendeck/xl-config (`XlDiagnostic`): a syntax diagnostic of
 * `parseXlConfig` or a semantic one of `toDomainConfig`. `code` is xl-config's stable code
 * (`BARE_WORD`, `UNTERMINATED_STRING`, `INVALID_DISK_SPEC`, `UNKNOWN_KEY`...). `line` and `column`
 * are 1-based, `column` in UTF-16 code units (a tab counts one); `offset` is the 0-based UTF-16
 * offset into the text; `key` the setting concerned, if any.
 */
export const configDiagnosticSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  offset: z.number().int().optional(),
  key: z.string().optional(),
});
export type ConfigDiagnostic = z.infer<typeof configDiagnosticSchema>;

/**
 * The most errors, and the most warnings, sent for one config text (a 1 MiB text of `a\n` lines
 * has about 500 000): the first ones in text order; `truncated` counts the rest.
 */
export const CONFIG_MAX_DIAGNOSTICS = 200;

/** Diagnostics left out past {@link CONFIG_MAX_DIAGNOSTICS}; sent only when some were. */
export const diagnosticsTruncatedSchema = z.object({
  errors: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
});
export type DiagnosticsTruncated = z.infer<typeof diagnosticsTruncatedSchema>;

/**
 * An ETag as the server sends it in `ETag` and expects in `If-Match`: the double-quoted first 32
 * hex characters of the SHA-256 of the file's exact bytes, e.g. `"3f2a…"` (34 characters).
 */
export const configEtagSchema = z
  .string()
  .regex(/^"[0-9a-f]{32}"$/, 'an ETag is "<32 hex digits>"');

/**
 * `GET /api/v1/configs/:name`: one config file, its text byte for byte, and what xl makes of it.
 * Also sent as the `ETag` header.
 */
export const configDocumentSchema = z.object({
  /** File name without `.cfg` (the domain name Xendeck assumes). */
  name: z.string(),
  /** Absolute path, `<configDir>/<name>.cfg`. */
  path: z.string(),
  /** The file's content, exactly (it is valid UTF-8, or the server answered 422). */
  text: z.string(),
  /**
   * What xl reads from it: `toDomainConfig(parseXlConfig(text)).config`, a `DomainConfig` of
   * @xendeck/xl-config (memory in MiB, parsed disk and vif specs, `other` for the rest).
   */
  model: z.record(z.string(), z.unknown()),
  /** What makes `xl create` refuse the file (syntax errors, then semantic errors). Empty when fine. */
  errors: z.array(configDiagnosticSchema),
  /** What xl accepts but warns about or ignores (unknown keys, wrong value types...). */
  warnings: z.array(configDiagnosticSchema),
  /** How many errors and warnings were left out (over {@link CONFIG_MAX_DIAGNOSTICS} each). */
  truncated: diagnosticsTruncatedSchema.optional(),
  /** ETag of the bytes in `text`; send it back as `If-Match` to save. */
  etag: configEtagSchema,
  /** File modification time (ISO 8601). */
  modifiedAt: z.string(),
  /** Whether a domain of that name exists now. */
  running: z.boolean(),
  /** Its domid when running. */
  domid: z.number().int().optional(),
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;

/**
 * `PUT /api/v1/configs/:name` body (with header `If-Match: <etag from GET>`): the whole new text.
 * At most {@link CONFIG_MAX_BYTES} bytes once encoded as UTF-8 (the server checks bytes).
 */
export const configSaveRequestSchema = z.object({
  text: z.string().max(CONFIG_MAX_BYTES, 'a config file is at most 1 MiB'),
});
export type ConfigSaveRequest = z.infer<typeof configSaveRequestSchema>;

/**
 * `PUT /api/v1/configs/:name` answer (200). `written` is false when the text equalled the file
 * (nothing written, no history entry; `versionId` is then null).
 */
export const configSaveResultSchema = z.object({
  /** ETag of the file now on disk. */
  etag: configEtagSchema,
  /** Warnings of the saved text (they do not block a save). */
  warnings: z.array(configDiagnosticSchema),
  /** How many warnings were left out (over {@link CONFIG_MAX_DIAGNOSTICS}). */
  truncated: diagnosticsTruncatedSchema.optional(),
  /** History id of the version just saved (reason `edit`), or null when nothing was written. */
  versionId: z.number().int().nullable(),
  written: z.boolean(),
});
export type ConfigSaveResult = z.infer<typeof configSaveResultSchema>;

/**
 * Why a history version exists: `before-edit` = the bytes on disk just before Xendeck overwrote
 * them (so a hand edit is never lost), `edit` = a save, `restore` = a restore, `create` = a new file.
 */
export const configVersionReasonSchema = z.enum(['before-edit', 'edit', 'restore', 'create']);
export type ConfigVersionReason = z.infer<typeof configVersionReasonSchema>;

/** One element of `GET /api/v1/configs/:name/history` (newest first; at most 100 per file). */
export const configHistoryEntrySchema = z.object({
  id: z.number().int(),
  /** When it was recorded (ISO 8601). */
  savedAt: z.string(),
  /** Username of who caused it. */
  savedBy: z.string(),
  reason: configVersionReasonSchema,
  /** Size of the text, bytes (UTF-8). */
  sizeBytes: z.number().int(),
  /** ETag of that version's bytes (equals the file's ETag when the file holds exactly them). */
  etag: configEtagSchema,
});
export type ConfigHistoryEntry = z.infer<typeof configHistoryEntrySchema>;

/** `GET /api/v1/configs/:name/history/:id`: one version with its full text. */
export const configVersionSchema = configHistoryEntrySchema.extend({ text: z.string() });
export type ConfigVersion = z.infer<typeof configVersionSchema>;

/**
 * `POST /api/v1/configs/:name/history/:id/restore` answer (200; needs `If-Match` with the file's
 * current ETag). `versionId` is the new history entry (reason `restore`), or null when the file
 * already held exactly that text.
 */
export const configRestoreResultSchema = z.object({
  etag: configEtagSchema,
  versionId: z.number().int().nullable(),
  written: z.boolean(),
});
export type ConfigRestoreResult = z.infer<typeof configRestoreResultSchema>;

/** A string that goes into a config file as one quoted value: no control characters (no newline, no NUL). */
export const configString = (what: string, max = 4096) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} is at most ${max} characters`)
    .refine(
      (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
      `${what} must not contain control characters (newline, tab, NUL...)`,
    );

/** libxl's shutdown actions (`libxl_action_on_shutdown`), as xl spells them in `on_*`. */
export const shutdownActionSchema = z.enum([
  'destroy',
  'restart',
  'rename-restart',
  'preserve',
  'coredump-destroy',
  'coredump-restart',
  'soft-reset',
]);

/**
 * What the new-guest form sends: the settings of a new xl config file. Field names follow
 * xl-config's `DomainConfig` (the xl key in each docstring). The server additionally parses each
 * `disk` entry with xl-config's `parseDiskSpec` and each `vif` with `parseVifSpec` (422
 * `INVALID_INPUT` naming `model.disk.<index>` and the parser's message).
 */
export const newConfigModelSchema = z
  .object({
    /** `type`: guest type. */
    type: z.enum(['pv', 'pvh', 'hvm']),
    /** `memory`: memory at boot (balloon target), MiB, 16 MiB – 16 TiB. */
    memoryMiB: z
      .number()
      .int()
      .min(16)
      .max(16 * 1024 * 1024),
    /** `maxmem`: maximum memory, MiB; at least memoryMiB. */
    maxmemMiB: z
      .number()
      .int()
      .min(16)
      .max(16 * 1024 * 1024)
      .optional(),
    /** `vcpus`: vCPUs online at boot, 1–512. */
    vcpus: z.number().int().min(1).max(512),
    /** `maxvcpus`: hot-pluggable maximum, at least vcpus. */
    maxvcpus: z.number().int().min(1).max(512).optional(),
    /** `kernel`: dom0 path of the guest kernel (direct boot). */
    kernel: configString('kernel').optional(),
    /** `ramdisk`: dom0 path of the initrd. */
    ramdisk: configString('ramdisk').optional(),
    /** `extra`: appended to the kernel command line. */
    extra: configString('extra').optional(),
    /** `bootloader`: `pygrub` (boots the kernel found in the guest's disk; PV only). */
    bootloader: z.literal('pygrub').optional(),
    /** `disk`: disk specs as xl-disk-configuration(5), e.g. `phy:/dev/vg0/web1,xvda,w`. */
    disk: z.array(configString('a disk spec', 1024)).max(64),
    /** `vif`: vif specs as xl-network-configuration(5), e.g. `bridge=xenbr0,mac=00:16:3e:00:00:01`. */
    vif: z.array(configString('a vif spec', 1024)).max(64),
    /** `vnc`: QEMU VNC console (HVM only). */
    vnc: z.boolean().optional(),
    /** `vnclisten`: address QEMU's VNC server listens on (HVM only), e.g. `127.0.0.1`. */
    vnclisten: configString('vnclisten', 255).optional(),
    /** `serial`: emulated serial port, e.g. `pty` (HVM only). */
    serial: configString('serial', 255).optional(),
    /** `boot`: HVM boot order, letters c (disk), d (CD-ROM), n (network), e.g. `dc`. */
    boot: z
      .string()
      .regex(/^[cdn]{1,3}$/, 'boot is 1–3 of the letters c (disk), d (CD-ROM), n (network)')
      .optional(),
    /** `on_poweroff`. */
    onPoweroff: shutdownActionSchema.optional(),
    /** `on_reboot`. */
    onReboot: shutdownActionSchema.optional(),
    /** `on_crash`. */
    onCrash: shutdownActionSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.maxmemMiB !== undefined && m.maxmemMiB < m.memoryMiB) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxmemMiB'],
        message: `maxmemMiB (${m.maxmemMiB}) must be at least memoryMiB (${m.memoryMiB})`,
      });
    }
    if (m.maxvcpus !== undefined && m.maxvcpus < m.vcpus) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxvcpus'],
        message: `maxvcpus (${m.maxvcpus}) must be at least vcpus (${m.vcpus})`,
      });
    }
    if (m.type === 'pv' && m.kernel === undefined && m.bootloader === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['kernel'],
        message: 'a PV guest needs a kernel or bootloader "pygrub"',
      });
    }
    if (m.type === 'pvh' && m.kernel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kernel'], message: 'a PVH guest needs a kernel' });
    }
    if (m.type !== 'pv' && m.bootloader !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bootloader'],
        message: 'bootloader (pygrub) is for PV guests only',
      });
    }
    if (m.type !== 'hvm') {
      for (const k of ['vnc', 'vnclisten', 'serial', 'boot'] as const) {
        if (m[k] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `${k} is for HVM guests only (xl ignores it for ${m.type.toUpperCase()})`,
          });
        }
      }
    }
    if (m.ramdisk !== undefined && m.kernel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ramdisk'], message: 'ramdisk needs a kernel' });
    }
  });
export type NewConfigModel = z.infer<typeof newConfigModelSchema>;

/** `POST /api/v1/configs` body: create `<configDir>/<name>.cfg` (never overwrites: 409 CONFIG_EXISTS). */
export const createConfigRequestSchema = z.object({
  /** Domain name and file name (`name = '...'` in the file). */
  name: domainNameSchema,
  model: newConfigModelSchema,
});
export type CreateConfigRequest = z.infer<typeof createConfigRequestSchema>;

/** `POST /api/v1/configs` answer (201). */
export const createConfigResultSchema = z.object({
  name: z.string(),
  path: z.string(),
  etag: configEtagSchema,
});
export type CreateConfigResult = z.infer<typeof createConfigResultSchema>;

// ---------------------------------------------------------------------------------------------
// Metrics: live samples (`WS /api/v1/metrics`), history, the Prometheus token.
// Source of every figure: libxenstat (`hypervisor.metricsSnapshot()`), rates as xentop computes
// them (`computeRates` of @xendeck/hypervisor). Units are in the names (Bytes, Bps = bytes per
// second, Ps = requests per second, Percent, Seconds). Network direction is the backend's (dom0's)
// view, as xentop's NETTX/NETRX columns: `netRx` = received by the backend = sent by the guest.
// ---------------------------------------------------------------------------------------------

/** Host part of a metrics sample. */
export const metricsHostSampleSchema = z.object({
  /** Physical CPUs (xenstat_node_num_cpus). */
  nrCpus: z.number().int(),
  /** CPU frequency, MHz (xenstat_node_cpu_hz / 1e6). */
  cpuMhz: z.number(),
  /** Host memory, bytes (xenstat_node_tot_mem). */
  totalMemoryBytes: z.number(),
  /** Free memory in Xen's heap, bytes (xenstat_node_free_mem). */
  freeMemoryBytes: z.number(),
  /**
   * Sum of every domain's CPU % (dom0 included) out of nrCpus × 100, i.e. 0..100 of the whole
   * host; null on the sampler's first tick.
   */
  cpuPercent: z.number().nullable(),
});
export type MetricsHostSample = z.infer<typeof metricsHostSampleSchema>;

/**
 * One domain in a metrics sample: the `xentop` columns plus rates. Rates are null on the first
 * sample of a series (first tick, new domain, or a domain restarted under the same name with a
 * new domid) and for a counter that went down (reset).
 */
export const metricsDomainSampleSchema = z.object({
  domid: z.number().int(),
  name: z.string(),
  state: domainStateSchema,
  /** CPU time used since the domain was built, seconds (xenstat_domain_cpu_ns / 1e9). xentop CPU(sec). */
  cpuSeconds: z.number(),
  /** Percent of one physical CPU (0..100 × vcpus), as xentop CPU(%). */
  cpuPercent: z.number().nullable(),
  /** Memory held, bytes (xenstat_domain_cur_mem). xentop MEM(k) × 1024. */
  memoryBytes: z.number(),
  /** Maximum memory, bytes (xenstat_domain_max_mem); null = unlimited. */
  maxMemoryBytes: z.number().nullable(),
  /** memoryBytes in percent of the host's total memory. xentop MEM(%). */
  memoryPercent: z.number(),
  /** Online vCPUs. xentop VCPUS. */
  vcpus: z.number().int(),
  /** Number of vifs. xentop NETS. */
  nets: z.number().int(),
  /** Bytes sent by the backend (= received by the guest), all vifs. xentop NETTX(k) × 1024. */
  netTxBytes: z.number(),
  /** Bytes received by the backend (= sent by the guest), all vifs. xentop NETRX(k) × 1024. */
  netRxBytes: z.number(),
  /** netTxBytes per second. */
  netTxBps: z.number().nullable(),
  /** netRxBytes per second. */
  netRxBps: z.number().nullable(),
  /** Number of vbds. xentop VBDS. */
  vbds: z.number().int(),
  /** Requests that found the ring full, all vbds. xentop VBD_OO. */
  vbdOo: z.number(),
  /** Read requests, all vbds. xentop VBD_RD. */
  vbdRd: z.number(),
  /** Write requests, all vbds. xentop VBD_WR. */
  vbdWr: z.number(),
  /** 512-byte sectors read. xentop VBD_RSECT. */
  vbdRdSectors: z.number(),
  /** 512-byte sectors written. xentop VBD_WSECT. */
  vbdWrSectors: z.number(),
  /** Read requests per second. */
  vbdRdPs: z.number().nullable(),
  /** Write requests per second. */
  vbdWrPs: z.number().nullable(),
});
export type MetricsDomainSample = z.infer<typeof metricsDomainSampleSchema>;

/**
 * Messages on `WS /api/v1/metrics` (server → client, JSON text frames). `sample`: one per sampler
 * tick (default every second), every domain ordered by domid, or the subscribed subset; the latest
 * sample is also sent right after connecting. `error`: a client message the server could not
 * accept (the socket stays open).
 */
export const metricsMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('sample'),
    /** When the sample was taken, ms since the epoch. */
    t: z.number(),
    /** The sampler's period, ms (XENDECK_METRICS_INTERVAL_MS). */
    intervalMs: z.number().int(),
    host: metricsHostSampleSchema,
    domains: z.array(metricsDomainSampleSchema),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  metricsFrameSchema,
]);
export type MetricsMessage = z.infer<typeof metricsMessageSchema>;
export type MetricsSampleMessage = Extract<MetricsMessage, { type: 'sample' }>;

/** Most domain names one metrics `subscribe` message may list (more: subscribe to `'*'`). */
export const METRICS_SUBSCRIBE_MAX_DOMAINS = 1000;

/**
 * Client → server on `WS /api/v1/metrics`: which domains (by name) this client wants in each
 * sample; `'*'` = all (the default). The host part is always sent. At most
 * METRICS_SUBSCRIBE_MAX_DOMAINS (1000) names.
 * `fields` (optional): the per-domain fields this client shows; with it the client gets `frame`
 * messages (columnar, deltas; see `metrics-frames.ts`) instead of `sample`, starting with a
 * keyframe. Each subscribe message replaces the previous subscription.
 */
export const metricsClientMessageSchema = z.object({
  type: z.literal('subscribe'),
  domains: z.union([z.literal('*'), z.array(domainNameSchema).max(METRICS_SUBSCRIBE_MAX_DOMAINS)]),
  fields: z.array(metricsFieldSchema).min(1).optional(),
});
export type MetricsClientMessage = z.infer<typeof metricsClientMessageSchema>;

/**
 * `range` of the history endpoints: `10m` = 1-second samples from memory, `1h` = the last 60
 * 1-minute rows, `24h` = 1-minute rows, `30d` = 1-hour rows (from SQLite).
 */
export const metricsRangeSchema = z.enum(['10m', '1h', '24h', '30d']);
export type MetricsRange = z.infer<typeof metricsRangeSchema>;

/**
 * One point of a history: the average (and maximum) over `stepSeconds` starting at `t`. For
 * `10m` each point is one sample and the maxima equal the values. Rates are null where no sample
 * of the step had one. For the host: `cpuPercent` of the whole host, `memoryBytes` used
 * (total − free), I/O summed over all domains.
 */
export const metricsPointSchema = z.object({
  /** Start of the step, ms since the epoch. */
  t: z.number(),
  cpuPercent: z.number().nullable(),
  cpuPercentMax: z.number().nullable(),
  memoryBytes: z.number(),
  memoryBytesMax: z.number(),
  netRxBps: z.number().nullable(),
  netTxBps: z.number().nullable(),
  /** vbd read requests per second. */
  vbdRdPs: z.number().nullable(),
  /** vbd write requests per second. */
  vbdWrPs: z.number().nullable(),
});
export type MetricsPoint = z.infer<typeof metricsPointSchema>;

/**
 * `GET /api/v1/domains/:name/metrics?range=` and `GET /api/v1/host/metrics?range=`: points oldest
 * first. 404 for a domain name with no history, 422 for a bad range.
 */
export const metricsHistorySchema = z.object({
  range: metricsRangeSchema,
  /** Seconds each point covers: 1 (10m; the sampler's period), 60 (1h, 24h), 3600 (30d). */
  stepSeconds: z.number(),
  points: z.array(metricsPointSchema),
});
export type MetricsHistory = z.infer<typeof metricsHistorySchema>;

/**
 * `GET /api/v1/settings/metrics-token` (admin) and the answer of
 * `POST /api/v1/settings/metrics-token/rotate`: the bearer token `GET /metrics` wants.
 */
export const metricsTokenSchema = z.object({
  token: z.string(),
  /** `env` = XENDECK_METRICS_TOKEN (cannot be rotated here: 409), `generated` = stored by Xendeck. */
  source: z.enum(['env', 'generated']),
  /** When a generated token was made (ISO 8601); null for `env`. */
  createdAt: z.string().nullable(),
});
export type MetricsToken = z.infer<typeof metricsTokenSchema>;
