/**
 * The server's configuration: parsed once from the environment, validated with zod. A bad value
 * fails at start with a {@link ConfigError} whose message names the variable.
 */
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Which backend to use; `auto` picks libxl on a Xen dom0 and refuses to start elsewhere. */
export type BackendChoice = 'auto' | 'libxl' | 'simulated';

/** Validated configuration. Every field comes from one `XENDECK_*` variable (see each). */
export interface Config {
  /** TCP port to listen on (`XENDECK_PORT`, default 8080). */
  port: number;
  /**
   * Address to listen on (`XENDECK_HOST`): default 0.0.0.0 over TLS, 127.0.0.1 with
   * `XENDECK_HTTP=1` (plain HTTP is meant for a reverse proxy on the same machine).
   */
  host: string;
  /**
   * How the server speaks to browsers (`http/tls.ts`):
   * - `{ mode: 'files', certFile, keyFile }`: HTTPS with the PEM files of `XENDECK_TLS_CERT` and
   *   `XENDECK_TLS_KEY` (both absolute, both or neither);
   * - `{ mode: 'self-signed' }` (the default): HTTPS with a certificate generated at first start
   *   into `<stateDir>/tls-cert.pem` and `tls-key.pem` (0600), reused afterwards;
   * - `{ mode: 'off' }`: plain HTTP, only with `XENDECK_HTTP=1` (behind a reverse proxy that
   *   terminates TLS, or the lab's loopback-forwarded port). Exclusive with the two files.
   */
  tls:
    | { mode: 'files'; certFile: string; keyFile: string }
    | { mode: 'self-signed' }
    | { mode: 'off' };
  /**
   * Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed
   * (`XENDECK_TRUSTED_PROXIES`: addresses or CIDRs separated by commas or spaces, e.g.
   * `127.0.0.1,::1`; default none). From any other peer those headers are ignored.
   */
  trustedProxies: string[];
  /**
   * Names and addresses a request's `Host` may carry (`XENDECK_ALLOWED_HOSTS`, comma or space
   * separated, case-insensitive, without port; `*` turns the check off). Undefined = the default
   * computed at start (`http/edge.ts` defaultAllowedHosts: the hostname, localhost, the loopback
   * and every interface address). Anything else answers 421 (DNS rebinding).
   */
  allowedHosts: string[] | undefined;
  /**
   * Password hashes (argon2id, ~19 MiB and tens of ms each) the login may run at once
   * (`XENDECK_LOGIN_MAX_HASHES`, default 2, 1–256); 8 more wait, any further login answers 503
   * with Retry-After before hashing (`auth/throttle.ts` HashGate). Keeps libuv's thread pool,
   * shared with libxl calls and the metrics sampler, free during a login flood.
   */
  loginMaxHashes: number;
  /** Absolute directory for the SQLite database (`XENDECK_STATE_DIR`, default /var/lib/xendeck). */
  stateDir: string;
  /**
   * Absolute directory of the xl domain config files (`XENDECK_CONFIG_DIR`, default /etc/xen).
   * With the simulated backend and no explicit value: `<stateDir>/sim-etc-xen`, seeded with examples.
   */
  configDir: string;
  /** Whether `configDir` is the seeded simulated one (true only for the simulated backend default). */
  simulatedConfigDir: boolean;
  /** The backend chosen after resolving `auto` (`XENDECK_BACKEND`). */
  backend: 'libxl' | 'simulated';
  /** The admin password for first start (`XENDECK_ADMIN_PASSWORD`); generated when unset. */
  adminPassword: string | undefined;
  /** Safety floor for dom0's balloon target, in MiB (`XENDECK_DOM0_MIN_MIB`, default 512). */
  dom0MinMiB: number;
  /**
   * How long `xl create` may run before it is killed and the domain it left is destroyed, ms
   * (`XENDECK_CREATE_TIMEOUT_MS`, default 300000). A busy host (hotplug scripts, QEMU start) can
   * take minutes; the lab under load took up to 2 minutes.
   */
  createTimeoutMs: number;
  /**
   * The xl binary, absolute (`XENDECK_XL_PATH`, default /usr/sbin/xl where Debian's xen-utils put
   * it; never looked up on PATH). Ignored by the simulated backend.
   */
  xlPath?: string;
  /** Absolute directory of the built web app (`XENDECK_WEB_DIR`, default apps/web/dist). */
  webDir: string;
  /** pino level (`XENDECK_LOG_LEVEL`, default info). */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Whether the session cookie carries `Secure` (`XENDECK_COOKIE_SECURE`): `auto` sets it when the
   * connection is TLS, or a trusted proxy (`XENDECK_TRUSTED_PROXIES`) says `X-Forwarded-Proto:
   * https`; with `Secure` the cookie is named `__Host-xendeck_session` (`auth/access.ts`).
   */
  cookieSecure: 'auto' | 'true' | 'false';
  /** Period of the domain-list reconcile (`XENDECK_RECONCILE_MS`, default 2000 ms). */
  reconcileMs: number;
  /** Period of the metrics sampler (`XENDECK_METRICS_INTERVAL_MS`, default 1000 ms, 100–60 000). */
  metricsIntervalMs: number;
  /**
   * Bearer token of `GET /metrics` (`XENDECK_METRICS_TOKEN`, 16–256 visible ASCII characters).
   * When unset, one is generated at first start and kept in the database.
   */
  metricsToken: string | undefined;
  /**
   * Synthetic guests the simulated host starts with besides its defaults
   * (`XENDECK_SIM_SYNTHETIC_DOMAINS`, default 0, at most 5000; load tests). Ignored by libxl.
   */
  simSyntheticDomains: number;
  /**
   * Websockets one session may hold open at once, events, metrics and consoles together
   * (`XENDECK_WS_MAX_PER_SESSION`, default 32, 1–10 000). One more is accepted and closed at once
   * with 1013 and a reason saying so.
   */
  wsMaxPerSession: number;
  /**
   * Websockets the whole server holds open at once (`XENDECK_WS_MAX_TOTAL`, default 512,
   * 1–100 000); one more is closed with 1013 like the per-session cap.
   */
  wsMaxTotal: number;
  /**
   * Absolute directory where xenconsoled writes `guest-<name>.log` when it logs guests
   * (`XENDECK_CONSOLE_LOG_DIR`, default /var/log/xen/console; xenconsoled's `--log-dir`, enabled
   * with `XENCONSOLED_TRACE=guest` in /etc/default/xencommons). `GET …/console/log` reads it.
   */
  consoleLogDir: string;
  /**
   * How long the server keeps a text console after its last viewer left, in ms, before releasing
   * it so `xl console` works again (`XENDECK_CONSOLE_GRACE_MS`, default 10 000, 0–3 600 000).
   */
  consoleGraceMs: number;
  /**
   * Absolute directory of the image files `file:` disks use (`XENDECK_IMAGE_DIR`, default
   * /var/lib/xen/images). With the simulated backend and no explicit value: `<stateDir>/sim-images`,
   * created and seeded with one small sparse image on first use (`storage/image-dir.ts`).
   */
  imageDir: string;
  /** Whether `imageDir` is that seeded simulated default. */
  simulatedImageDir: boolean;
  /**
   * Absolute directory of the ISO library (`XENDECK_ISO_DIR`, default /var/lib/xendeck/iso;
   * created 0755 at start when missing). With the simulated backend and no explicit value:
   * `<stateDir>/sim-iso`, seeded with one small ISO9660 image.
   */
  isoDir: string;
  /** Whether `isoDir` is the simulated backend's default one (seeded with a demo image when new). */
  simulatedIsoDir: boolean;
  /** Largest ISO one upload may bring, in bytes (`XENDECK_ISO_MAX_BYTES`, default 64 GiB). */
  isoMaxBytes: number;
  /**
   * Absolute directory of saved domain images (`XENDECK_SAVE_DIR`, default /var/lib/xen/save: the
   * XENDOMAINS_SAVE of /etc/default/xendomains, so the two see each other's saves; created 0700 at
   * the first save, as xendomains does). With the simulated backend and no explicit value:
   * `<stateDir>/sim-save`.
   */
  saveDir: string;
  /**
   * Absolute directory xendomains starts configs from at boot (`XENDECK_AUTO_DIR`, default
   * /etc/xen/auto; XENDOMAINS_AUTO of /etc/default/xendomains should name the same). With the
   * simulated backend and no explicit value: `<configDir>/auto` (the seeded simulated config dir).
   */
  autoDir: string;
}

/** A configuration problem, with a message meant for the operator (no stack trace needed). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Default web dir: `apps/web/dist` beside this server (same from `src/` and from `dist/`). */
export function defaultWebDir(): string {
  return fileURLToPath(new URL('../../web/dist/', import.meta.url));
}

const absolutePath = z
  .string()
  .refine((p) => isAbsolute(p), 'must be an absolute path')
  .transform((p) => resolve(p));

/** `10.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/64`: an IP address, optionally with a prefix length. */
export function isAddressOrCidr(text: string): boolean {
  const [addr, prefix, extra] = text.split('/');
  const family = isIP(addr ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  XENDECK_PORT: intIn(1, 65535).default(8080),
  XENDECK_HOST: z.string().min(1).optional(),
  XENDECK_HTTP: z.enum(['0', '1']).default('0'),
  XENDECK_LOGIN_MAX_HASHES: intIn(1, 256).default(2),
  XENDECK_TLS_CERT: absolutePath.optional(),
  XENDECK_TLS_KEY: absolutePath.optional(),
  XENDECK_TRUSTED_PROXIES: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine(
      (list) => list.every(isAddressOrCidr),
      'must be IP addresses or CIDRs (10.0.0.0/8, ::1)',
    )
    .optional(),
  XENDECK_ALLOWED_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((h) => h.toLowerCase()),
    )
    .refine(
      (list) => list.length > 0 && list.every((h) => h === '*' || /^[a-z0-9.:_\-[\]]+$/.test(h)),
      'must be host names or addresses separated by commas, or *',
    )
    .optional(),
  XENDECK_STATE_DIR: absolutePath.default('/var/lib/xendeck'),
  XENDECK_CONFIG_DIR: absolutePath.optional(),
  XENDECK_BACKEND: z.enum(['auto', 'libxl', 'simulated']).default('auto'),
  XENDECK_ADMIN_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(1024, 'must be at most 1024 characters')
    .optional(),
  XENDECK_DOM0_MIN_MIB: intIn(128, 1024 * 1024).default(512),
  XENDECK_CREATE_TIMEOUT_MS: intIn(10_000, 3_600_000).default(300_000),
  XENDECK_XL_PATH: absolutePath.optional(),
  XENDECK_WEB_DIR: absolutePath.optional(),
  XENDECK_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  XENDECK_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  XENDECK_RECONCILE_MS: intIn(100, 3_600_000).default(2000),
  XENDECK_METRICS_INTERVAL_MS: intIn(100, 60_000).default(1000),
  XENDECK_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16–256 visible ASCII characters (no spaces)')
    .optional(),
  XENDECK_SIM_SYNTHETIC_DOMAINS: intIn(0, 5000).default(0),
  XENDECK_WS_MAX_PER_SESSION: intIn(1, 10_000).default(32),
  XENDECK_WS_MAX_TOTAL: intIn(1, 100_000).default(512),
  XENDECK_CONSOLE_LOG_DIR: absolutePath.default('/var/log/xen/console'),
  XENDECK_CONSOLE_GRACE_MS: intIn(0, 3_600_000).default(10_000),
  XENDECK_IMAGE_DIR: absolutePath.optional(),
  XENDECK_ISO_DIR: absolutePath.optional(),
  XENDECK_ISO_MAX_BYTES: intIn(1, Number.MAX_SAFE_INTEGER).default(64 * 1024 ** 3),
  XENDECK_SAVE_DIR: absolutePath.optional(),
  XENDECK_AUTO_DIR: absolutePath.optional(),
});

/** The explanation printed when no backend can run here. */
export const NOT_A_DOM0_MESSAGE = [
  'This machine is not a Xen dom0 (no /dev/xen/privcmd or /proc/xen/privcmd), so Xendeck has no',
  'real Xen host to manage here.',
  '  - run `pnpm lab start` to boot a real Xen 4.17 host in QEMU and run Xendeck in its dom0, or',
  '  - run with `XENDECK_BACKEND=simulated` (e.g. `XENDECK_BACKEND=simulated pnpm start`) to try',
  '    the UI on a simulated host.',
].join('\n');

/**
 * Parses the environment. Empty variables count as unset.
 * Throws {@link ConfigError} naming the variable for a bad value, and for `XENDECK_BACKEND=auto`
 * (the default) on a machine where `xenPresent()` is false.
 */
export function loadConfig(env: NodeJS.ProcessEnv, opts: { xenPresent: () => boolean }): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const shown =
        name === 'XENDECK_ADMIN_PASSWORD' || name === 'XENDECK_METRICS_TOKEN'
          ? '(hidden)'
          : JSON.stringify(input[name]);
      return `  ${name}=${shown}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let backend: 'libxl' | 'simulated';
  if (e.XENDECK_BACKEND === 'auto') {
    if (!opts.xenPresent()) {
      throw new ConfigError(`XENDECK_BACKEND=auto (the default): ${NOT_A_DOM0_MESSAGE}`);
    }
    backend = 'libxl';
  } else {
    backend = e.XENDECK_BACKEND;
  }
  const simulatedConfigDir = backend === 'simulated' && e.XENDECK_CONFIG_DIR === undefined;
  const plainHttp = e.XENDECK_HTTP === '1';
  if ((e.XENDECK_TLS_CERT === undefined) !== (e.XENDECK_TLS_KEY === undefined)) {
    throw new ConfigError(
      'XENDECK_TLS_CERT and XENDECK_TLS_KEY go together: set both PEM files, or neither (a self-signed certificate is then generated)',
    );
  }
  if (plainHttp && e.XENDECK_TLS_CERT !== undefined) {
    throw new ConfigError(
      'XENDECK_HTTP=1 (plain HTTP) and XENDECK_TLS_CERT/XENDECK_TLS_KEY contradict each other: choose one',
    );
  }
  return {
    port: e.XENDECK_PORT,
    host: e.XENDECK_HOST ?? (plainHttp ? '127.0.0.1' : '0.0.0.0'),
    tls: plainHttp
      ? { mode: 'off' }
      : e.XENDECK_TLS_CERT !== undefined && e.XENDECK_TLS_KEY !== undefined
        ? { mode: 'files', certFile: e.XENDECK_TLS_CERT, keyFile: e.XENDECK_TLS_KEY }
        : { mode: 'self-signed' },
    trustedProxies: e.XENDECK_TRUSTED_PROXIES ?? [],
    allowedHosts: e.XENDECK_ALLOWED_HOSTS,
    loginMaxHashes: e.XENDECK_LOGIN_MAX_HASHES,
    stateDir: e.XENDECK_STATE_DIR,
    configDir: simulatedConfigDir
      ? join(e.XENDECK_STATE_DIR, 'sim-etc-xen')
      : (e.XENDECK_CONFIG_DIR ?? '/etc/xen'),
    simulatedConfigDir,
    backend,
    adminPassword: e.XENDECK_ADMIN_PASSWORD,
    dom0MinMiB: e.XENDECK_DOM0_MIN_MIB,
    createTimeoutMs: e.XENDECK_CREATE_TIMEOUT_MS,
    xlPath: e.XENDECK_XL_PATH,
    webDir: e.XENDECK_WEB_DIR ?? defaultWebDir(),
    logLevel: e.XENDECK_LOG_LEVEL,
    cookieSecure: e.XENDECK_COOKIE_SECURE,
    reconcileMs: e.XENDECK_RECONCILE_MS,
    metricsIntervalMs: e.XENDECK_METRICS_INTERVAL_MS,
    metricsToken: e.XENDECK_METRICS_TOKEN,
    simSyntheticDomains: e.XENDECK_SIM_SYNTHETIC_DOMAINS,
    wsMaxPerSession: e.XENDECK_WS_MAX_PER_SESSION,
    wsMaxTotal: e.XENDECK_WS_MAX_TOTAL,
    consoleLogDir: e.XENDECK_CONSOLE_LOG_DIR,
    consoleGraceMs: e.XENDECK_CONSOLE_GRACE_MS,
    imageDir:
      e.XENDECK_IMAGE_DIR ??
      (backend === 'simulated' ? join(e.XENDECK_STATE_DIR, 'sim-images') : '/var/lib/xen/images'),
    simulatedImageDir: backend === 'simulated' && e.XENDECK_IMAGE_DIR === undefined,
    isoDir:
      e.XENDECK_ISO_DIR ??
      (backend === 'simulated' ? join(e.XENDECK_STATE_DIR, 'sim-iso') : '/var/lib/xendeck/iso'),
    simulatedIsoDir: backend === 'simulated' && e.XENDECK_ISO_DIR === undefined,
    isoMaxBytes: e.XENDECK_ISO_MAX_BYTES,
    saveDir:
      e.XENDECK_SAVE_DIR ??
      (backend === 'simulated' ? join(e.XENDECK_STATE_DIR, 'sim-save') : '/var/lib/xen/save'),
    autoDir:
      e.XENDECK_AUTO_DIR ??
      (simulatedConfigDir ? join(e.XENDECK_STATE_DIR, 'sim-etc-xen', 'auto') : '/etc/xen/auto'),
  };
}
