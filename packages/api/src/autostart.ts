/**
 * Autostart (issue 10 §3): links in /etc/xen/auto and what xendomains does. Paths are under
 * `/api/v1`; every route is admin-only.
 *
 * How Debian 12's xendomains (xen-utils-common 4.17, /etc/init.d/xendomains) reads the auto
 * directory: at boot, `for file in $XENDOMAINS_AUTO/*` — every entry the glob sees (dot files
 * excepted), whatever its name; the domain name comes from the file itself
 * (`xen-init-name`: `xl create --dryrun` of it, `c_info.name`), and `xl create --quiet --defconfig
 * FILE` starts it unless a domain of that name already runs or was just restored. So the link's
 * name is free: Xendeck names it `<name>.cfg`, the config file's own name, so one look at
 * `ls -l /etc/xen/auto` says which guests start, and a hand-made link of the same name is found.
 * Its temporary name while being made starts with a dot, which the glob skips.
 *
 * The toggle's command-line twin (`ln -s` / `rm`: not an `xl` command, so not in xl-config's
 * `XlAction`) is made by the server beside its route (`apps/server/src/configs/autostart.ts`) and
 * sent as `command`: the web shows it, the audit log records it.
 */
import { z } from 'zod';

/**
 * What is at `<autoDir>/<name>.cfg`, the link Xendeck manages for config `name`:
 * - `linked`: a symbolic link to `<configDir>/<name>.cfg` (Xendeck's, or made by hand the same way);
 * - `absent`: nothing;
 * - `foreign`: something Xendeck did not make and will neither replace nor delete: a regular
 *   file (a copy of a config), a link to another file, a directory.
 */
export const autostartLinkStateSchema = z.enum(['linked', 'absent', 'foreign']);
export type AutostartLinkState = z.infer<typeof autostartLinkStateSchema>;

/**
 * `GET /api/v1/configs/:name/autostart` and the answer of `PUT`: whether xendomains will start
 * config `name` at dom0's boot. `enabled` is true when any entry of the auto directory is a
 * symbolic link that resolves to the config file (`links` lists them, absolute paths; usually just
 * `linkPath`). `linkPath` is the link Xendeck makes and removes; `state` says what is there now,
 * with `linkTarget` (its `readlink`, as written) when it is a link; `note` explains a `foreign`
 * entry. `command` is the shell twin of the toggle's next action.
 * Sources: `lstat`/`readlink`/`realpath` of the entries of `autoDir` (XENDECK_AUTO_DIR).
 */
export const configAutostartSchema = z.object({
  name: z.string(),
  enabled: z.boolean(),
  state: autostartLinkStateSchema,
  /** `<configDir>/<name>.cfg`. */
  configPath: z.string(),
  /** `<autoDir>/<name>.cfg`. */
  linkPath: z.string(),
  linkTarget: z.string().nullable(),
  links: z.array(z.string()),
  note: z.string().optional(),
  /** What a click on the toggle would run, as a hoster types it (`ln -s …` or `rm …`). */
  command: z.string(),
});
export type ConfigAutostart = z.infer<typeof configAutostartSchema>;

/** `PUT /api/v1/configs/:name/autostart` body. */
export const autostartRequestSchema = z.object({ enabled: z.boolean() }).strict();
export type AutostartRequest = z.infer<typeof autostartRequestSchema>;

/**
 * One entry of the auto directory as `GET /api/v1/host/autostart` lists it: its file name, what it
 * is (`link`, `file`, `other`), the link's target as written (`readlink`) and the config name it
 * resolves to when it is a link to `<configDir>/<name>.cfg` (else null: xendomains still reads it).
 */
export const autostartEntrySchema = z.object({
  file: z.string(),
  path: z.string(),
  kind: z.enum(['link', 'file', 'other']),
  target: z.string().nullable(),
  config: z.string().nullable(),
});
export type AutostartEntry = z.infer<typeof autostartEntrySchema>;

/**
 * Whether xendomains runs at boot and shutdown, from the init system:
 * `systemctl is-enabled xendomains` (its first output word: `enabled`, `disabled`, `masked`,
 * `static`, `generated`, `not-found`…), or without systemctl the SysV links
 * (`/etc/rc2.d/S??xendomains` = enabled). `enabled` is true for `enabled`/`enabled-runtime`/
 * `generated`/`static`. `source` says which was asked (`simulated`: the simulated host's fixed
 * answer); `active` is `systemctl is-active` (null without systemctl).
 */
export const xendomainsServiceSchema = z.object({
  installed: z.boolean(),
  enabled: z.boolean(),
  state: z.string(),
  active: z.string().nullable(),
  source: z.enum(['systemctl', 'rc.d', 'simulated', 'none']),
});
export type XendomainsService = z.infer<typeof xendomainsServiceSchema>;

/**
 * The variables of `/etc/default/xendomains` (a shell fragment; read as `NAME=value` lines, never
 * run), each as written after unquoting, null when the file does not set it, and what the init
 * script makes of them:
 * - `atShutdown`: `migrate` (XENDOMAINS_MIGRATE non-empty: `xl migrate` to that target first),
 *   then `save` (XENDOMAINS_SAVE non-empty: `xl save` of every running domU to `saveDir/<name>`,
 *   the ones not saved are shut down) or `shutdown` (`xl shutdown` of every domU, waiting
 *   XENDOMAINS_STOP_MAXWAIT s);
 * - `atBoot.restore`: the init script restores `saveDir/*` when XENDOMAINS_SAVE and
 *   XENDOMAINS_RESTORE are both non-empty — note `XENDOMAINS_RESTORE=false` is non-empty, so it
 *   restores too (Debian's script tests `-n`, not the word);
 * - `atBoot.autoDir`: XENDOMAINS_AUTO (null = no autostart), whose configs are started after the
 *   restore unless already running.
 * Source: the file at `path`: `/etc/default/xendomains` on dom0, a seeded file in the state dir on
 * the simulated host.
 */
export const xendomainsSettingsSchema = z.object({
  path: z.string(),
  exists: z.boolean(),
  variables: z.object({
    XENDOMAINS_MIGRATE: z.string().nullable(),
    XENDOMAINS_SAVE: z.string().nullable(),
    XENDOMAINS_RESTORE: z.string().nullable(),
    XENDOMAINS_AUTO: z.string().nullable(),
    XENDOMAINS_STOP_MAXWAIT: z.string().nullable(),
  }),
  atShutdown: z.object({
    migrateTo: z.string().nullable(),
    action: z.enum(['save', 'shutdown']),
    saveDir: z.string().nullable(),
    maxWaitSeconds: z.number().int().nullable(),
  }),
  atBoot: z.object({
    restore: z.boolean(),
    autoDir: z.string().nullable(),
  }),
  /** Lines the reader skipped (not `NAME=value`, or using `$`/backquotes it will not expand). */
  skippedLines: z.array(z.number().int()),
});
export type XendomainsSettings = z.infer<typeof xendomainsSettingsSchema>;

/**
 * `GET /api/v1/host/autostart`: the xendomains service, its settings, the auto directory Xendeck
 * links into (`autoDir`, XENDECK_AUTO_DIR) with its entries, each config's status (`configs`, for
 * the config list's toggles), and `warnings` (sentences: the service
 * is disabled, XENDOMAINS_AUTO is another directory, the directory is missing…). `simulated` is
 * true when these come from the simulated host's temp directories, not from dom0.
 */
export const hostAutostartSchema = z.object({
  simulated: z.boolean(),
  service: xendomainsServiceSchema,
  settings: xendomainsSettingsSchema,
  autoDir: z.string(),
  autoDirExists: z.boolean(),
  entries: z.array(autostartEntrySchema),
  /** Every config file of the config dir (`GET /configs`' list) with its autostart status. */
  configs: z.array(configAutostartSchema),
  warnings: z.array(z.string()),
});
export type HostAutostart = z.infer<typeof hostAutostartSchema>;
