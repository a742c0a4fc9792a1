/**
 * The checks `POST /api/v1/guests` makes before any task starts, and the plan the `guest.create`
 * task then carries out: every dom0 path resolved, the MAC generated, the config model built by
 * xl-config's `guestDomainConfig` (the mapping the web's preview uses too).
 *
 * Refusals, each with `details.issues: [{path, message}]` naming the request field:
 * - 422 INVALID_INPUT: settings xl would refuse (`guestProblems`), a new volume name LVM refuses
 *   (`<name>-disk<i>`), the same volume or image file twice;
 * - 400 with the code of what is missing: VG_NOT_FOUND, LV_NOT_FOUND, IMAGE_NOT_FOUND,
 *   ISO_NOT_FOUND, BRIDGE_NOT_FOUND (the body names something this host does not have);
 * - 409 CONFIG_EXISTS (`<configDir>/<name>.cfg` exists), DOMAIN_EXISTS (a domain has the name, or
 *   a creation of it is running), LV_EXISTS / IMAGE_EXISTS (a new disk's name is taken),
 *   VOLUME_IN_USE (an existing volume or image file is named by a config or a running domain, or
 *   the volume is open);
 * - 507 NO_SPACE: the new volumes of a volume group need more than its free extents.
 */
import { randomBytes } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import type { CreateGuestRequestParsed } from '@xendeck/api';
import {
  imageFile,
  isStorageError,
  type LogicalVolume,
  roundUpToExtent,
  type VolumeGroup,
  validateLvName,
} from '@xendeck/storage';
import {
  type DomainConfig,
  type GuestNewVolume,
  type GuestSettings,
  type GuestSpec,
  guestDomainConfig,
  guestMac,
  guestNewVolumes,
  guestProblems,
  guestSpecFromSettings,
  guestVolumeName,
} from '@xendeck/xl-config';
import { configFilePath } from '../configs/files.js';
import type { AppContext } from '../context.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { readIsoFile } from '../isos/library.js';
import { imageRemovalRefusal } from '../storage/routes.js';
import { describeUsers, diskUsers } from '../storage/used-by.js';
import { hostBridges } from './host.js';

/** A new image file the task creates: its name in the image dir, dom0 path and size in bytes. */
export interface PlannedImage {
  name: string;
  path: string;
  sizeBytes: number;
}

/** What the `guest.create` task does, decided before it starts. */
export interface GuestPlan {
  name: string;
  /** The request's settings with the MAC filled in (generated when the request had none). */
  settings: GuestSettings;
  start: boolean;
  /** Disks and CD-ROM resolved to dom0 paths. */
  spec: GuestSpec;
  /** The config model `guestDomainConfig(spec)`. */
  config: DomainConfig;
  /** `<configDir>/<name>.cfg`. */
  configPath: string;
  /** New logical volumes, in disk order (named `<name>-disk<i>`). */
  newVolumes: GuestNewVolume[];
  /** New sparse image files, in disk order. */
  newImages: PlannedImage[];
}

/** One refusal naming one field of the body. */
function refuse(
  code: ErrorCode,
  path: string,
  message: string,
  status?: number,
  extra: Record<string, unknown> = {},
): ApiError {
  return new ApiError(
    code,
    `${path}: ${message}`,
    { where: 'body', issues: [{ path, message }], ...extra },
    status,
  );
}

/** Status of "the body names something this host does not have". */
const NOT_ON_HOST = 400;

/**
 * Checks a validated `POST /api/v1/guests` body against the host (see the module comment for
 * every refusal) and returns the plan. `creating`: names whose creation runs now. Reads:
 * `/sys/class/net` (bridges), `ctx.storage` (vgs/lvs), the image and ISO directories (lstat),
 * the config dir (lstat), `hypervisor.domidByName`, the used-by index (configs and running
 * domains' disks). Writes nothing.
 */
export async function planGuest(
  ctx: AppContext,
  body: CreateGuestRequestParsed,
  creating: ReadonlySet<string>,
): Promise<GuestPlan> {
  const { start, ...requested } = body;
  const settings: GuestSettings = structuredClone(requested);
  const name = settings.name;

  const problems = guestProblems(settings);
  settings.disks.forEach((d, i) => {
    if ('volumeGroup' in d && 'sizeBytes' in d) {
      try {
        validateLvName(guestVolumeName(name, i));
      } catch (err) {
        problems.push({
          path: 'name',
          message: `disk ${i}'s new volume would be named "${guestVolumeName(name, i)}": ${(err as Error).message}`,
        });
      }
    }
  });
  const seen = new Map<string, number>();
  settings.disks.forEach((d, i) => {
    const key =
      'imageFile' in d
        ? `image:${d.imageFile}`
        : 'volume' in d
          ? `lv:${d.volumeGroup}/${d.volume}`
          : undefined;
    if (key === undefined) return;
    const first = seen.get(key);
    if (first !== undefined)
      problems.push({ path: `disks.${i}`, message: `the same disk as disks.${first}` });
    else seen.set(key, i);
  });
  if (problems.length) {
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid request body: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { where: 'body', issues: problems },
    );
  }

  // Things the host must have.
  if (settings.network) {
    const bridges = await hostBridges(ctx);
    if (!bridges.includes(settings.network.bridge)) {
      throw refuse(
        'BRIDGE_NOT_FOUND',
        'network.bridge',
        `dom0 has no bridge "${settings.network.bridge}" (it has: ${bridges.join(', ') || 'none'})`,
        NOT_ON_HOST,
      );
    }
  }
  if (settings.cdrom !== undefined) {
    if (!(await readIsoFile(ctx.config.isoDir, settings.cdrom))) {
      throw refuse(
        'ISO_NOT_FOUND',
        'cdrom',
        `no ISO "${settings.cdrom}" in the library ${ctx.config.isoDir}`,
        NOT_ON_HOST,
      );
    }
  }

  // The name must be free.
  if (creating.has(name)) {
    throw refuse('DOMAIN_EXISTS', 'name', `a guest "${name}" is being created now`);
  }
  const configPath = configFilePath(ctx.config.configDir, name);
  if (
    await lstat(configPath).then(
      () => true,
      () => false,
    )
  ) {
    throw refuse(
      'CONFIG_EXISTS',
      'name',
      `${configPath} exists already (Xendeck never overwrites a config file)`,
      undefined,
      { path: configPath },
    );
  }
  if ((await ctx.hypervisor.domidByName(name)) !== undefined) {
    throw refuse('DOMAIN_EXISTS', 'name', `a domain named "${name}" is running`);
  }

  // Volume groups: exist, new names free, room for the new volumes (whole extents).
  const vgs = new Map<string, { vg: VolumeGroup; lvs: LogicalVolume[]; needBytes: number }>();
  for (const [i, d] of settings.disks.entries()) {
    if (!('volumeGroup' in d) || vgs.has(d.volumeGroup)) continue;
    try {
      const vg = await ctx.storage.volumeGroup(d.volumeGroup);
      vgs.set(d.volumeGroup, {
        vg,
        lvs: await ctx.storage.logicalVolumes(d.volumeGroup),
        needBytes: 0,
      });
    } catch (err) {
      if (isStorageError(err) && err.code === 'VG_NOT_FOUND')
        throw refuse(
          'VG_NOT_FOUND',
          `disks.${i}.volumeGroup`,
          `no volume group "${d.volumeGroup}"`,
          NOT_ON_HOST,
        );
      throw err;
    }
  }
  const users = settings.disks.some((d) => !('sizeBytes' in d)) ? await diskUsers(ctx) : undefined;
  for (const [i, d] of settings.disks.entries()) {
    if ('volumeGroup' in d) {
      const v = vgs.get(d.volumeGroup) as {
        vg: VolumeGroup;
        lvs: LogicalVolume[];
        needBytes: number;
      };
      if ('sizeBytes' in d) {
        const lv = guestVolumeName(name, i);
        if (v.lvs.some((l) => l.name === lv))
          throw refuse('LV_EXISTS', `disks.${i}`, `${d.volumeGroup}/${lv} exists already`);
        v.needBytes += roundUpToExtent(d.sizeBytes, v.vg.extentSizeBytes);
        if (v.needBytes > v.vg.freeBytes)
          throw refuse(
            'NO_SPACE',
            `disks.${i}.sizeBytes`,
            `volume group ${d.volumeGroup} has ${v.vg.freeBytes} bytes free; the new volumes in it need ${v.needBytes}`,
            undefined,
            { requestedBytes: v.needBytes, freeBytes: v.vg.freeBytes },
          );
      } else {
        const lv = v.lvs.find((l) => l.name === d.volume);
        if (!lv)
          throw refuse(
            'LV_NOT_FOUND',
            `disks.${i}.volume`,
            `no logical volume ${d.volumeGroup}/${d.volume}`,
            NOT_ON_HOST,
          );
        const named = users?.usersOfVolume(d.volumeGroup, d.volume) ?? [];
        if (named.length > 0)
          throw refuse(
            'VOLUME_IN_USE',
            `disks.${i}.volume`,
            `${lv.path} is used by ${describeUsers(named)}`,
            undefined,
            { usedBy: named },
          );
        if (lv.open)
          throw refuse(
            'VOLUME_IN_USE',
            `disks.${i}.volume`,
            `${lv.path} is open (a domain, a mount or a process holds it)`,
          );
      }
    } else if (d.sizeBytes === undefined) {
      let path: string;
      try {
        path = (await imageFile(ctx.config.imageDir, d.imageFile)).path;
      } catch (err) {
        if (isStorageError(err) && err.code === 'IMAGE_NOT_FOUND')
          throw refuse('IMAGE_NOT_FOUND', `disks.${i}.imageFile`, err.message, NOT_ON_HOST);
        throw err;
      }
      const reason = users && imageRemovalRefusal(path, users);
      if (reason)
        throw refuse('VOLUME_IN_USE', `disks.${i}.imageFile`, reason, undefined, {
          usedBy: users?.usersOf(path),
        });
    } else {
      const exists = await imageFile(ctx.config.imageDir, d.imageFile).then(
        () => true,
        (err) => {
          if (isStorageError(err) && err.code === 'IMAGE_NOT_FOUND') return false;
          throw err;
        },
      );
      if (exists)
        throw refuse(
          'IMAGE_EXISTS',
          `disks.${i}.imageFile`,
          `${d.imageFile} exists already in ${ctx.config.imageDir}`,
        );
    }
  }

  if (settings.network) {
    // Generated when absent (libxl would draw a new one at every boot); lower case as xl writes it.
    settings.network.mac = (settings.network.mac ?? guestMac(randomBytes(3))).toLowerCase();
  }
  const paths = { isoDir: ctx.config.isoDir, imageDir: ctx.config.imageDir };
  const spec = guestSpecFromSettings(settings, paths);
  const newImages: PlannedImage[] = [];
  settings.disks.forEach((d, i) => {
    if ('imageFile' in d && d.sizeBytes !== undefined)
      newImages.push({
        name: d.imageFile,
        path: spec.disks[i]?.target as string,
        sizeBytes: d.sizeBytes,
      });
  });
  return {
    name,
    settings,
    start,
    spec,
    config: guestDomainConfig(spec),
    configPath,
    newVolumes: guestNewVolumes(settings),
    newImages,
  };
}
