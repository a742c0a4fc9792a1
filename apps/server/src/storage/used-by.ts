/**
 * "Who uses this dom0 path?" — the index of every disk target named by the xl config files in
 * `configDir` and by every running domU, so the storage routes (and the ISO library and the guest
 * wizard) can show "used by" and refuse to remove or reuse a disk that someone names.
 *
 * Sources, read once per {@link diskUsers} call (no cache: a listing or a removal check reads the
 * state of now):
 * - every `<configDir>/*.cfg` regular file, parsed with `@xendeck/xl-config` (`parseXlConfig` +
 *   `toDomainConfig` → `disk[].target`, the `phy:`/`file:` prefixes already stripped by the disk
 *   spec parser). A file that cannot be read, is over 1 MiB or has a syntax error (xl reads nothing
 *   of it) is skipped and reported in {@link DiskUsers.skipped} (and logged), never fatal — but a
 *   skipped file whose text contains one of the path's spellings still counts as a user (the
 *   hoster will fix the typo and the disk had better still be there); in {@link DiskUsers.skipped} (and logged), never fatal;
 * - every running domU: `hypervisor.listDomains()` then `hypervisor.domainDisks(domid)`
 *   (libxl_device_disk_list). A domain whose disks cannot be read is reported in
 *   {@link DiskUsers.unknownDomains} (and logged), never fatal. dom0 (domid 0) is not asked.
 *
 * Paths are matched as LVM and xl name them: `/dev/<vg>/<lv>` and `/dev/mapper/<vg>-<lv>` (dashes
 * inside the names doubled, device-mapper's escaping) are the same logical volume; any other
 * absolute path (image files, ISOs) is compared after `path.resolve` (so `/a/./b//c` = `/a/b/c`);
 * a target that is not an absolute path (an iSCSI or NBD spec for a hotplug script) is compared
 * as written.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { CONFIG_MAX_BYTES } from '@xendeck/api';
import { parseXlConfig, toDomainConfig } from '@xendeck/xl-config';
import type { AppContext } from '../context.js';

/** A config file in `configDir` whose `disk = [...]` names the path. */
export interface ConfigDiskUser {
  kind: 'config';
  /** The file's base name without `.cfg` (by convention the domain's name). */
  name: string;
  /** Absolute path of the config file, e.g. `/etc/xen/web1.cfg`. */
  path: string;
}

/** A running domain whose block devices (libxl_device_disk_list) include the path. */
export interface DomainDiskUser {
  kind: 'domain';
  /** Domain name (libxl_dominfo → xenstore `/local/domain/<domid>/name`). */
  name: string;
  domid: number;
}

/** One user of a dom0 path. */
export type DiskUser = ConfigDiskUser | DomainDiskUser;

/** A config file that was not indexed, and why (read error, too large, or xl's first error). */
export interface SkippedConfig {
  path: string;
  reason: string;
}

/** A running domain whose disks could not be read (`domainDisks` threw), and the error message. */
export interface UnknownDomain {
  name: string;
  domid: number;
  reason: string;
}

/** The answer of {@link diskUsers}: an index from disk key to users, and what could not be read. */
export interface DiskUsers {
  /**
   * Users of dom0 path `path` (any of the forms above), configs first (by name), then domains
   * (by domid); empty when nobody names it. Never throws.
   */
  usersOf(path: string): DiskUser[];
  /** Users of logical volume `lv` of volume group `vg` (= `usersOf('/dev/<vg>/<lv>')`). */
  usersOfVolume(vg: string, lv: string): DiskUser[];
  /** Config files that were not indexed (a user could hide in one: callers may say so). */
  skipped: SkippedConfig[];
  /** Running domains whose disks are unknown (same caveat). */
  unknownDomains: UnknownDomain[];
}

/**
 * The comparison key of a dom0 path: `lv:<vg>/<lv>` for the two LVM device forms, `path:<abs>`
 * for another absolute path after `path.resolve`, `raw:<target>` for anything else.
 */
export function diskKey(target: string): string {
  if (!isAbsolute(target)) return `raw:${target}`;
  const p = resolve(target);
  const mapper = /^\/dev\/mapper\/([^/]+)$/.exec(p);
  if (mapper) {
    const lv = splitMapperName(mapper[1] as string);
    if (lv) return `lv:${lv.vg}/${lv.lv}`;
  }
  const dev = /^\/dev\/([^/]+)\/([^/]+)$/.exec(p);
  if (dev && dev[1] !== 'mapper') return `lv:${dev[1]}/${dev[2]}`;
  return `path:${p}`;
}

/**
 * Splits a device-mapper name `<vg>-<lv>` (each name's own dashes doubled) at its single dash,
 * un-doubling the rest; undefined when there is no single dash (not an LVM name).
 */
export function splitMapperName(dmName: string): { vg: string; lv: string } | undefined {
  for (let i = 0; i < dmName.length; i++) {
    if (dmName[i] !== '-') continue;
    if (dmName[i + 1] === '-') {
      i++;
      continue;
    }
    const vg = dmName.slice(0, i).replaceAll('--', '-');
    const lv = dmName.slice(i + 1).replaceAll('--', '-');
    if (!vg || !lv) return undefined;
    return { vg, lv };
  }
  return undefined;
}

/**
 * The ways a config may spell `target`: as given, resolved, and for a logical volume both
 * `/dev/<vg>/<lv>` and `/dev/mapper/<vg>-<lv>` (dashes doubled).
 */
export function spellingsOf(target: string): string[] {
  const key = diskKey(target);
  const out = new Set([target]);
  if (key.startsWith('lv:')) {
    const [vg = '', lv = ''] = key.slice(3).split('/');
    out.add(`/dev/${vg}/${lv}`);
    out.add(`/dev/mapper/${vg.replaceAll('-', '--')}-${lv.replaceAll('-', '--')}`);
  } else if (key.startsWith('path:')) {
    out.add(key.slice(5));
  }
  return [...out];
}

/** Whether `text` contains `spelling` as a whole path (not followed by another name character). */
function mentions(text: string, spelling: string): boolean {
  for (let i = text.indexOf(spelling); i >= 0; i = text.indexOf(spelling, i + 1)) {
    const next = text[i + spelling.length];
    if (next === undefined || !/[A-Za-z0-9+_./-]/.test(next)) return true;
  }
  return false;
}

/** `config web1, domain web1 (domid 3)`: users for a person, in the order given. */
export function describeUsers(users: readonly DiskUser[]): string {
  return users
    .map((u) => (u.kind === 'config' ? `config ${u.name}` : `domain ${u.name} (domid ${u.domid})`))
    .join(', ');
}

function add(index: Map<string, DiskUser[]>, target: string, user: DiskUser): void {
  const key = diskKey(target);
  const list = index.get(key) ?? [];
  const same = list.some(
    (u) =>
      u.kind === user.kind &&
      u.name === user.name &&
      (u.kind === 'config' || u.domid === (user as DomainDiskUser).domid),
  );
  if (!same) list.push(user);
  index.set(key, list);
}

function sortUsers(list: DiskUser[]): DiskUser[] {
  return [...list].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'config' ? -1 : 1;
    if (a.kind === 'domain' && b.kind === 'domain') return a.domid - b.domid;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

async function indexConfigs(
  configDir: string,
  index: Map<string, DiskUser[]>,
  skipped: SkippedConfig[],
  unparsed: { user: ConfigDiskUser; text: string }[],
): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(configDir)).filter((n) => n.endsWith('.cfg')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    skipped.push({ path: configDir, reason: `cannot list: ${(err as Error).message}` });
    return;
  }
  for (const file of names) {
    const path = join(configDir, file);
    try {
      const st = await lstat(path);
      // xl follows symlinks; so does this (a symlinked config still names its disks).
      if (!st.isFile() && !st.isSymbolicLink()) continue;
      const bytes = await readFile(path);
      if (bytes.length > CONFIG_MAX_BYTES) {
        skipped.push({ path, reason: `larger than ${CONFIG_MAX_BYTES} bytes` });
        continue;
      }
      const text = bytes.toString('utf8');
      const doc = parseXlConfig(text);
      const user: ConfigDiskUser = { kind: 'config', name: file.slice(0, -'.cfg'.length), path };
      const first = doc.errors[0];
      if (first) {
        skipped.push({ path, reason: `line ${first.line}: ${first.message}` });
        unparsed.push({ user, text });
        continue;
      }
      // Semantic errors (a bad `type`, an unknown key) do not hide the disks: still indexed.
      const result = toDomainConfig(doc);
      for (const d of result.config.disk ?? []) {
        if (d.target) add(index, d.target, user);
      }
    } catch (err) {
      skipped.push({ path, reason: (err as Error).message });
    }
  }
}

/**
 * Builds the index now. Never throws for one bad config or one domain: those are reported in
 * `skipped` / `unknownDomains` and logged at warn. Throws only if `listDomains()` itself fails
 * (the hypervisor's error: then nothing about running domains is known and a caller must not
 * claim "unused").
 */
export async function diskUsers(
  ctx: Pick<AppContext, 'config' | 'hypervisor' | 'logger'>,
): Promise<DiskUsers> {
  const index = new Map<string, DiskUser[]>();
  const skipped: SkippedConfig[] = [];
  const unknownDomains: UnknownDomain[] = [];
  const unparsed: { user: ConfigDiskUser; text: string }[] = [];
  await indexConfigs(ctx.config.configDir, index, skipped, unparsed);
  for (const s of skipped)
    ctx.logger.warn({ path: s.path, reason: s.reason }, 'used-by: config skipped');

  const domains = await ctx.hypervisor.listDomains();
  for (const d of domains) {
    if (d.domid === 0) continue;
    try {
      const disks = await ctx.hypervisor.domainDisks(d.domid);
      const user: DomainDiskUser = { kind: 'domain', name: d.name, domid: d.domid };
      for (const disk of disks) if (disk.target) add(index, disk.target, user);
    } catch (err) {
      const reason = (err as Error).message;
      unknownDomains.push({ name: d.name, domid: d.domid, reason });
      ctx.logger.warn({ domid: d.domid, name: d.name, err }, 'used-by: disks of a domain unknown');
    }
  }

  const usersOf = (path: string) => {
    const found = [...(index.get(diskKey(path)) ?? [])];
    const spellings = spellingsOf(path);
    for (const { user, text } of unparsed) {
      if (spellings.some((sp) => mentions(text, sp))) found.push(user);
    }
    return sortUsers(found);
  };
  return {
    usersOf,
    usersOfVolume: (vg, lv) => usersOf(`/dev/${vg}/${lv}`),
    skipped,
    unknownDomains,
  };
}
