/**
 * `/api/v1/configs`: the xl domain config files in the config dir (XENDECK_CONFIG_DIR, /etc/xen).
 * A config's path is always `<configDir>/<name>.cfg` for a valid domain name; symlinks are
 * followed only when they resolve to a regular file inside the config dir.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { type ConfigEntry, domainNameSchema } from '@xendeck/api';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { ADMIN, type RouteDef } from './types.js';

/**
 * Whether `path` (a direct child of `dir`) is a regular file, or a symlink to a regular file
 * whose real path lies inside the real path of `dir`.
 */
async function isRegularInside(dir: string, path: string): Promise<boolean> {
  try {
    const l = await lstat(path);
    if (l.isFile()) return true;
    if (!l.isSymbolicLink()) return false;
    const [realDir, realFile] = await Promise.all([realpath(dir), realpath(path)]);
    if (!realFile.startsWith(realDir + sep)) return false;
    return (await stat(realFile)).isFile();
  } catch {
    return false;
  }
}

/**
 * The config file of domain `name` (already validated with domainNameSchema):
 * `<configDir>/<name>.cfg`. Throws ApiError CONFIG_NOT_FOUND (404) when it is not a regular file
 * there (or a symlink leading out of the dir).
 */
export async function configPathFor(configDir: string, name: string): Promise<string> {
  const path = join(configDir, `${name}.cfg`);
  if (!(await isRegularInside(configDir, path))) {
    throw new ApiError('CONFIG_NOT_FOUND', `No domain config file ${path}`, { path });
  }
  return path;
}

/**
 * Lists `<configDir>/*.cfg` whose base name is a valid domain name, sorted by name.
 * A missing config dir gives an empty list.
 */
export async function listConfigFiles(
  configDir: string,
): Promise<{ name: string; path: string; sizeBytes: number; modifiedAt: string }[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(configDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { name: string; path: string; sizeBytes: number; modifiedAt: string }[] = [];
  for (const e of entries) {
    if (!e.name.endsWith('.cfg')) continue;
    const name = e.name.slice(0, -'.cfg'.length);
    if (!domainNameSchema.safeParse(name).success) continue;
    const path = join(configDir, e.name);
    if (!(await isRegularInside(configDir, path))) continue;
    const st = await stat(path);
    out.push({ name, path, sizeBytes: st.size, modifiedAt: st.mtime.toISOString() });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function configRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/configs',
      access: ADMIN,
      summary: 'Domain config files in the config dir: name, path, running, domid, size, mtime',
      handler: async (_req, res) => {
        const [files, domains] = await Promise.all([
          listConfigFiles(ctx.config.configDir),
          ctx.hypervisor.listDomains(),
        ]);
        const byName = new Map(domains.map((d) => [d.name, d.domid]));
        const body: ConfigEntry[] = files.map((f) => {
          const domid = byName.get(f.name);
          return domid === undefined ? { ...f, running: false } : { ...f, running: true, domid };
        });
        res.json(body);
      },
    },
  ];
}
