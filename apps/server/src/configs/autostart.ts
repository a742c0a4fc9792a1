/**
 * Autostart of configs at dom0's boot by `xendomains` (issue 10 §3): the symbolic links in the
 * auto directory (XENDECK_AUTO_DIR, /etc/xen/auto) and the routes
 * `GET|PUT /api/v1/configs/:name/autostart` and `GET /api/v1/host/autostart`.
 *
 * The link of config `name` is `<autoDir>/<name>.cfg` → `<configDir>/<name>.cfg` (absolute
 * target). Debian 12's xendomains starts every entry of the directory whatever its name, reading
 * the domain name from the file (see packages/api/src/autostart.ts), so the name is Xendeck's
 * choice: the config's own file name.
 * - Enable: a symlink at a hidden temporary name (`.<name>.cfg.xendeck-<hex>`, which xendomains'
 *   `*` glob skips), then `link(2)` to the final name — Linux links the symlink itself — which
 *   fails with EEXIST instead of replacing what someone put there meanwhile (a `rename` would
 *   replace it); the temporary name is removed and the directory fsynced. The directory is made
 *   (0755) when missing: xendomains skips a missing one, and Debian's packages do not ship it.
 * - Disable: removes each entry of the directory that is a symbolic link resolving to that config
 *   (Xendeck's, or a hand-made `ln -s ../web1.cfg /etc/xen/auto/web1`), re-checked just before.
 * - Anything else at `<name>.cfg` (a copy of a config, a link elsewhere) is `foreign`: neither
 *   replaced nor deleted; both toggles answer 409 AUTOSTART_LINK_TAKEN saying so.
 * The twin of each toggle (`ln -s CONFIG LINK` / `rm LINK`) is not an `xl` command, so it is made
 * here ({@link autostartTwin}), answered as `command` and put in the audit entry.
 */
import type { Dirent } from 'node:fs';
import { lstat, mkdir, readdir, readlink, realpath, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type AutostartEntry,
  autostartRequestSchema,
  type ConfigAutostart,
  domainNameSchema,
  type HostAutostart,
} from '@xendeck/api';
import { commandLine } from '@xendeck/xl-config';
import type { Response } from 'express';
import { auditNote } from '../audit.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { configPathFor, listConfigFiles } from '../routes/configs.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import { realCommitOps, syncDir, tempPathFor } from './atomic.js';
import { configFilePath, KeyedLock } from './files.js';
import {
  readXendomainsSettings,
  SIMULATED_XENDOMAINS_SERVICE,
  simulatedDefaultsPath,
  XENDOMAINS_DEFAULTS_PATH,
  xendomainsService,
} from './xendomains.js';

/** `<autoDir>/<name>.cfg`: the link Xendeck manages for config `name` (a valid domain name). */
export function autostartLinkPath(autoDir: string, name: string): string {
  return join(autoDir, `${name}.cfg`);
}

/**
 * The shell twin of a toggle: `ln -s CONFIG LINK` to enable, `rm LINK…` to disable (every link
 * that resolves to the config). Argument vector; {@link autostartCommand} quotes it.
 */
export function autostartTwin(
  a: { enabled: true; configPath: string; linkPath: string } | { enabled: false; links: string[] },
): string[] {
  return a.enabled ? ['ln', '-s', a.configPath, a.linkPath] : ['rm', ...a.links];
}

/** {@link autostartTwin} as one shell line (xl-config's quoting). */
export function autostartCommand(a: Parameters<typeof autostartTwin>[0]): string {
  return commandLine(autostartTwin(a));
}

/**
 * The config name a link target resolves to: `target` (as `readlink` gave it, relative to
 * `autoDir` when not absolute) is `<configDir>/<name>.cfg` for a valid name, textually or after
 * `realpath` of both sides (a config dir reached through another link). Else null.
 */
export async function configOfTarget(
  autoDir: string,
  configDir: string,
  target: string,
): Promise<string | null> {
  const nameIn = (path: string, dir: string): string | null => {
    if (dirname(path) !== dir || !path.endsWith('.cfg')) return null;
    const name = basename(path).slice(0, -'.cfg'.length);
    return domainNameSchema.safeParse(name).success ? name : null;
  };
  const abs = resolve(autoDir, target);
  const plain = nameIn(abs, resolve(configDir));
  if (plain !== null) return plain;
  try {
    const [realFile, realDir] = await Promise.all([realpath(abs), realpath(configDir)]);
    return nameIn(realFile, realDir);
  } catch {
    return null;
  }
}

/**
 * The entries of the auto directory as xendomains' `$XENDOMAINS_AUTO/*` sees them (dot files
 * skipped), sorted by file name: what each is (`lstat`), a link's target (`readlink`) and the
 * config it resolves to. `exists` is false when the directory is missing (no entries).
 */
export async function readAutoDir(
  autoDir: string,
  configDir: string,
): Promise<{ exists: boolean; entries: AutostartEntry[] }> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(autoDir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { exists: false, entries: [] };
    throw err;
  }
  const entries: AutostartEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const path = join(autoDir, d.name);
    if (d.isSymbolicLink()) {
      const target = await readlink(path).catch(() => null);
      const config = target === null ? null : await configOfTarget(autoDir, configDir, target);
      entries.push({ file: d.name, path, kind: 'link', target, config });
    } else {
      entries.push({
        file: d.name,
        path,
        kind: d.isFile() ? 'file' : 'other',
        target: null,
        config: null,
      });
    }
  }
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { exists: true, entries };
}

/**
 * Autostart status of config `name` (validated) from the auto directory now. Does not check
 * that the config file exists (a dangling link is still reported, `enabled` as xendomains would
 * try it).
 */
export async function configAutostart(
  autoDir: string,
  configDir: string,
  name: string,
): Promise<ConfigAutostart> {
  const { entries } = await readAutoDir(autoDir, configDir);
  return autostartOf(entries, autoDir, configDir, name);
}

/** {@link configAutostart} from entries already read with {@link readAutoDir}. */
export function autostartOf(
  entries: readonly AutostartEntry[],
  autoDir: string,
  configDir: string,
  name: string,
): ConfigAutostart {
  const configPath = configFilePath(configDir, name);
  const linkPath = autostartLinkPath(autoDir, name);
  const links = entries.filter((e) => e.kind === 'link' && e.config === name).map((e) => e.path);
  const own = entries.find((e) => e.file === `${name}.cfg`);
  const state =
    own === undefined
      ? 'absent'
      : own.kind === 'link' && own.config === name
        ? 'linked'
        : 'foreign';
  let note: string | undefined;
  if (own !== undefined && state === 'foreign') {
    note =
      own.kind === 'link'
        ? `${linkPath} is a link to ${own.target ?? '?'}, not to ${configPath}; Xendeck neither replaces nor deletes it (xendomains starts whatever it names)`
        : `${linkPath} is a ${own.kind === 'file' ? 'regular file (a copy of a config?)' : 'directory or special file'} put there by hand; Xendeck neither replaces nor deletes it (xendomains reads it at boot)`;
  }
  const enabled = links.length > 0;
  return {
    name,
    enabled,
    state,
    configPath,
    linkPath,
    linkTarget: own?.target ?? null,
    links,
    ...(note === undefined ? {} : { note }),
    command: enabled
      ? autostartCommand({ enabled: false, links })
      : autostartCommand({ enabled: true, configPath, linkPath }),
  };
}

/**
 * Links `<autoDir>/<name>.cfg` → `configPath` atomically (see the module comment), making the
 * directory (0755) when missing. Throws the fs error (EEXIST when the name was taken meanwhile).
 */
async function createLink(autoDir: string, linkPath: string, configPath: string): Promise<void> {
  await mkdir(autoDir, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const tmp = tempPathFor(linkPath);
  await symlink(configPath, tmp);
  try {
    await realCommitOps.link(tmp, linkPath);
  } finally {
    await unlink(tmp).catch(() => {});
  }
  await syncDir(autoDir);
}

/**
 * Removes `path` if it is still a symbolic link whose target reads `target` (checked just
 * before); returns whether it did.
 */
async function removeLinkIfUnchanged(path: string, target: string | null): Promise<boolean> {
  const l = await lstat(path).catch(() => null);
  if (!l?.isSymbolicLink()) return false;
  if ((await readlink(path).catch(() => null)) !== target) return false;
  await unlink(path);
  return true;
}

/** 409 AUTOSTART_LINK_TAKEN for a foreign entry at the link's name. */
function takenError(s: ConfigAutostart): ApiError {
  return new ApiError(
    'AUTOSTART_LINK_TAKEN',
    `${s.note ?? `${s.linkPath} is not Xendeck's link`}. Move it away on dom0 to let Xendeck manage autostart of ${s.name}.`,
    { linkPath: s.linkPath, linkTarget: s.linkTarget, configPath: s.configPath },
  );
}

/**
 * `GET /host/autostart`: the xendomains service and settings, the auto directory's entries,
 * and warnings for what would make autostart not happen.
 */
export async function hostAutostart(ctx: AppContext): Promise<HostAutostart> {
  const simulated = ctx.config.backend === 'simulated';
  const { autoDir, configDir } = ctx.config;
  const [service, settings, dir, files] = await Promise.all([
    simulated ? SIMULATED_XENDOMAINS_SERVICE : xendomainsService(),
    readXendomainsSettings(
      simulated
        ? await simulatedDefaultsPath(ctx.config.stateDir, ctx.config)
        : XENDOMAINS_DEFAULTS_PATH,
    ),
    readAutoDir(autoDir, configDir),
    listConfigFiles(configDir),
  ]);
  const warnings: string[] = [];
  if (!service.installed) {
    warnings.push('xendomains is not installed (xen-utils-common): nothing starts configs at boot');
  } else if (!service.enabled) {
    warnings.push(
      `xendomains is ${service.state}: it will neither start the linked configs at boot nor save or shut down guests at dom0 shutdown (systemctl enable xendomains)`,
    );
  }
  if (!settings.exists) {
    warnings.push(
      `${settings.path} is missing: xendomains starts nothing at boot and shuts guests down`,
    );
  }
  const auto = settings.atBoot.autoDir;
  if (settings.exists && auto === null) {
    warnings.push('XENDOMAINS_AUTO is empty: xendomains starts no config at boot');
  } else if (auto !== null && resolve(auto) !== resolve(autoDir)) {
    warnings.push(
      `XENDOMAINS_AUTO is ${auto} but Xendeck links into ${autoDir} (XENDECK_AUTO_DIR): the links are not read at boot`,
    );
  }
  const save = settings.atShutdown.saveDir;
  if (save !== null && resolve(save) !== resolve(ctx.config.saveDir)) {
    warnings.push(
      `XENDOMAINS_SAVE is ${save} but Xendeck's saved images are in ${ctx.config.saveDir} (XENDECK_SAVE_DIR): the guests xendomains saves at shutdown do not show there`,
    );
  }
  if (settings.skippedLines.length > 0) {
    warnings.push(
      `${settings.path}: line(s) ${settings.skippedLines.join(', ')} use shell features Xendeck does not evaluate; what xendomains does may differ`,
    );
  }
  for (const e of dir.entries) {
    if (e.kind === 'link' && e.config === null) {
      warnings.push(
        `${e.path} links to ${e.target ?? '?'}, outside ${configDir}: xendomains starts it, Xendeck does not manage it`,
      );
    } else if (e.kind !== 'link') {
      warnings.push(
        `${e.path} is a ${e.kind === 'file' ? 'regular file' : 'non-file entry'}: xendomains reads it at boot; Xendeck does not manage it`,
      );
    }
  }
  return {
    simulated,
    service,
    settings,
    autoDir,
    autoDirExists: dir.exists,
    entries: dir.entries,
    configs: files.map((f) => autostartOf(dir.entries, autoDir, configDir, f.name)),
    warnings,
  };
}

export function autostartRoutes(ctx: AppContext): RouteDef[] {
  const lock = new KeyedLock();
  const dirs = () => ({ autoDir: ctx.config.autoDir, configDir: ctx.config.configDir });

  /**
   * Applies `enabled` to config `name` under its lock; returns the status after. The route's
   * audit row gets the action (enable or disable), the `ln -s` / `rm` command and what changed.
   */
  async function toggle(res: Response, name: string, enabled: boolean) {
    const { autoDir, configDir } = dirs();
    auditNote(res, { action: enabled ? 'config.autostart.enable' : 'config.autostart.disable' });
    return lock.run(name, async () => {
      const configPath = await configPathFor(configDir, name);
      const before = await configAutostart(autoDir, configDir, name);
      const command = enabled
        ? autostartCommand({ enabled: true, configPath, linkPath: before.linkPath })
        : autostartCommand({
            enabled: false,
            links: before.links.length ? before.links : [before.linkPath],
          });
      auditNote(res, { command });
      if (before.state === 'foreign') throw takenError(before);
      let changed = false;
      if (enabled && !before.enabled) {
        try {
          await createLink(autoDir, before.linkPath, configPath);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
            throw takenError(await configAutostart(autoDir, configDir, name));
          }
          throw err;
        }
        changed = true;
      } else if (!enabled && before.enabled) {
        const { entries } = await readAutoDir(autoDir, configDir);
        for (const e of entries) {
          if (e.kind === 'link' && e.config === name) {
            changed = (await removeLinkIfUnchanged(e.path, e.target)) || changed;
          }
        }
        await syncDir(autoDir);
      }
      const after = await configAutostart(autoDir, configDir, name);
      auditNote(res, { details: { changed, links: after.links } });
      return after;
    });
  }

  return [
    {
      method: 'get',
      path: '/configs/:name/autostart',
      access: 'admin',
      summary:
        'Whether xendomains starts config :name at boot: its link in the auto dir (XENDECK_AUTO_DIR)',
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { autoDir, configDir } = dirs();
        await configPathFor(configDir, name);
        res.json(await configAutostart(autoDir, configDir, name));
      },
    },
    {
      method: 'put',
      path: '/configs/:name/autostart',
      access: 'admin',
      summary:
        '{enabled}: link <autoDir>/<name>.cfg → the config (ln -s) or remove its links (rm); 200 status, 409 AUTOSTART_LINK_TAKEN',
      audit: {
        action: 'config.autostart',
        domainParam: 'name',
        target: (req) => `config:${String(req.params.name)}`,
      },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { enabled } = parseBody(autostartRequestSchema, req.body);
        res.json(await toggle(res, name, enabled));
      },
    },
    {
      method: 'get',
      path: '/host/autostart',
      access: 'admin',
      summary:
        'xendomains: enabled or not, what it does at dom0 shutdown and boot (/etc/default/xendomains), the auto dir entries',
      handler: async (_req, res) => {
        res.json(await hostAutostart(ctx));
      },
    },
  ];
}
