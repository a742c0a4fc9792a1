/**
 * `/api/v1/storage`: volume groups and logical volumes (`ctx.storage`: the lvm commands, or the
 * simulated vg0), image files in `config.imageDir`, and who uses each (`used-by.ts`). Admin only.
 *
 * Reads answer at once. Every change runs as a task and answers 202 `{task}` (kinds
 * `volume.create|grow|snapshot|remove`, `image.create|remove`; target `volume:<vg>/<lv>` or
 * `image:<file>`), so the web follows all of them the same way whether LVM takes 50 ms or 5 s.
 * What can be refused at once is refused before the task starts, with the right status: bad names
 * (422 INVALID_INPUT, `details.where`), unknown VG/LV/file (404), a missing or wrong `?confirm=`
 * (400 CONFIRMATION_REQUIRED), a shrink (409 SHRINK_REFUSED), a removal of something in use
 * (409 VOLUME_IN_USE naming the users). Removals check again inside the task. Everything else
 * (LV_EXISTS, NO_SPACE, LVM's own refusals with its stderr as the message) ends the task failed
 * with the StorageError's code. Every change is audited (its route's `audit` declaration) with
 * the command it runs and its task's id.
 */
import {
  createImageFileRequestSchema,
  createVolumeRequestSchema,
  type DiskUser,
  growVolumeRequestSchema,
  type ImageFile,
  type ImageFileList,
  imageFileNameSchema,
  type LogicalVolume,
  lvNameSchema,
  snapshotVolumeRequestSchema,
  type TaskAccepted,
  type TaskKind,
  type UsedByGaps,
  type VolumeGroupList,
  type VolumeList,
  vgNameSchema,
} from '@xendeck/api';
import {
  createImageFile,
  type ImageFileInfo,
  imageFile,
  listImageFiles,
  removeImageFile,
  removeRefusal,
  roundUpToExtent,
  type LogicalVolume as StorageLv,
} from '@xendeck/storage';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import type { StepContext } from '../tasks/registry.js';
import { parseBody } from '../validate.js';
import { prepareImageDir } from './image-dir.js';
import { type DiskUsers, describeUsers, diskUsers } from './used-by.js';

/** Validates a path parameter with an api schema; 422 INVALID_INPUT naming it (`where: 'path'`). */
function pathParam<S extends z.ZodType<string>>(schema: S, what: string, raw: unknown): string {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? `invalid ${what}`;
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid ${what} ${JSON.stringify(raw)} in the path: ${message}`,
      {
        where: 'path',
        issues: [{ path: what, message }],
      },
    );
  }
  return r.data;
}

/** 400 CONFIRMATION_REQUIRED unless `?confirm=` is exactly `expected`. */
function requireConfirm(req: Request, expected: string, what: string): void {
  const got = req.query.confirm;
  if (got === expected) return;
  throw new ApiError(
    'CONFIRMATION_REQUIRED',
    got === undefined
      ? `Removing ${what} needs ?confirm=${expected} (its name) in the URL`
      : `?confirm=${JSON.stringify(got)} does not match: send ?confirm=${expected} to remove ${what}`,
    { expected },
  );
}

function gapsOf(u: DiskUsers): UsedByGaps {
  return { configs: u.skipped, domains: u.unknownDomains };
}

function toApiLv(lv: StorageLv, usedBy: DiskUser[]): LogicalVolume {
  return {
    name: lv.name,
    vg: lv.vg,
    path: lv.path,
    sizeBytes: lv.sizeBytes,
    attr: lv.attr,
    origin: lv.origin,
    open: lv.open,
    active: lv.active,
    tags: lv.tags,
    usedBy,
  };
}

function toApiImage(f: ImageFileInfo, usedBy: DiskUser[]): ImageFile {
  return {
    name: f.name,
    path: f.path,
    sizeBytes: f.sizeBytes,
    allocatedBytes: f.allocatedBytes,
    modifiedAt: f.modified.toISOString(),
    usedBy,
  };
}

/**
 * Why logical volume `lv` may not be removed now, or undefined: the configs and running domains
 * naming it (used-by), else LVM's own reasons (open, origin of snapshots: `removeRefusal`).
 */
export function volumeRemovalRefusal(
  lv: StorageLv,
  all: StorageLv[],
  users: DiskUsers,
): string | undefined {
  const named = users.usersOfVolume(lv.vg, lv.name);
  if (named.length > 0) {
    return `${lv.vg}/${lv.name} is used by ${describeUsers(named)}${lv.open ? ' and is open' : ''}: remove it from ${named.length > 1 ? 'them' : 'it'} first`;
  }
  return removeRefusal(lv, all);
}

/**
 * Why image file `path` may not be removed now, or undefined: its users, or running domains whose
 * disks could not be read (a file held by a domain shows no "open" flag to check instead).
 */
export function imageRemovalRefusal(path: string, users: DiskUsers): string | undefined {
  const named = users.usersOf(path);
  if (named.length > 0) {
    return `${path} is used by ${describeUsers(named)}: remove it from ${named.length > 1 ? 'them' : 'it'} first`;
  }
  if (users.unknownDomains.length > 0) {
    const names = users.unknownDomains.map((d) => `${d.name} (domid ${d.domid})`).join(', ');
    return `${path} may be used by running domain${users.unknownDomains.length > 1 ? 's' : ''} ${names}, whose disks cannot be read now; try again later`;
  }
  return undefined;
}

function inUse(reason: string, users: DiskUser[]): ApiError {
  return new ApiError('VOLUME_IN_USE', reason, { reason, usedBy: users });
}

export function storageRoutes(ctx: AppContext): RouteDef[] {
  const storage = ctx.storage;
  let imageDirReady: Promise<void> | undefined;
  const imageDir = async () => {
    imageDirReady ??= prepareImageDir(ctx.config).catch((err) => {
      imageDirReady = undefined;
      throw err;
    });
    await imageDirReady;
    return ctx.config.imageDir;
  };

  /**
   * Runs `check` (a refusal answers its error), then starts a one-step task running `work`.
   * Answers 202 {task}; the route's audit row gets `target` and `command` (what the step runs).
   */
  async function startTask<T>(
    res: Response,
    kind: TaskKind,
    target: string,
    step: string,
    command: string,
    check: () => Promise<void>,
    work: (s: StepContext) => Promise<T>,
  ): Promise<void> {
    const user = currentUser(res).username;
    auditNote(res, { target, command });
    await check();
    const task = ctx.tasks.run(kind, { user, target, steps: [step] }, (t) => t.step(step, work));
    const body: TaskAccepted = { task };
    res.status(202).json(body);
  }

  /** The LV `lv` of `vg` and all of the VG's LVs. Throws VG_NOT_FOUND, LV_NOT_FOUND (404). */
  async function findVolume(vg: string, lv: string) {
    const all = await storage.logicalVolumes(vg);
    const found = all.find((l) => l.name === lv);
    if (!found) {
      throw new ApiError('LV_NOT_FOUND', `No logical volume ${vg}/${lv}`, { vg, lv });
    }
    return { lv: found, all };
  }

  /** Throws VOLUME_IN_USE (409) naming the users when `vg/lv` may not be removed now. */
  async function assertVolumeRemovable(vg: string, name: string) {
    const { lv, all } = await findVolume(vg, name);
    const users = await diskUsers(ctx);
    const reason = volumeRemovalRefusal(lv, all, users);
    if (reason) throw inUse(reason, users.usersOfVolume(vg, name));
  }

  /** Throws VOLUME_IN_USE (409) naming the users when image `path` may not be removed now. */
  async function assertImageRemovable(path: string) {
    const users = await diskUsers(ctx);
    const reason = imageRemovalRefusal(path, users);
    if (reason) throw inUse(reason, users.usersOf(path));
  }

  const vgPath = '/storage/volume-groups/:vg';
  const lvPath = `${vgPath}/volumes/:lv`;

  return [
    {
      method: 'get',
      path: '/storage/volume-groups',
      access: 'admin',
      summary: 'Volume groups (vgs, pvs): sizes in bytes, physical volumes',
      handler: async (_req, res) => {
        const body: VolumeGroupList = { volumeGroups: await storage.volumeGroups() };
        res.json(body);
      },
    },
    {
      method: 'get',
      path: `${vgPath}/volumes`,
      access: 'admin',
      summary:
        'Logical volumes of a volume group (lvs) with their users (configs, running domains)',
      handler: async (req, res) => {
        const vg = pathParam(vgNameSchema, 'volume group', req.params.vg);
        const volumeGroup = await storage.volumeGroup(vg);
        const [lvs, users] = await Promise.all([storage.logicalVolumes(vg), diskUsers(ctx)]);
        const body: VolumeList = {
          volumeGroup,
          volumes: lvs.map((lv) => toApiLv(lv, users.usersOfVolume(vg, lv.name))),
          usedByGaps: gapsOf(users),
        };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: `${vgPath}/volumes`,
      access: 'admin',
      summary: 'lvcreate {name, sizeBytes} (rounded up to extents); 202 {task} (volume.create)',
      audit: { action: 'volume.create' },
      handler: async (req, res) => {
        const vg = pathParam(vgNameSchema, 'volume group', req.params.vg);
        const { name, sizeBytes } = parseBody(createVolumeRequestSchema, req.body);
        const command = `lvcreate -L ${sizeBytes}b -n ${name} ${vg}`;
        await startTask(
          res,
          'volume.create',
          `volume:${vg}/${name}`,
          'lvcreate',
          command,
          async () => void (await storage.volumeGroup(vg)),
          async (s) => {
            s.log(command);
            const lv = await storage.createVolume(vg, name, sizeBytes);
            s.log(`created ${lv.path}, ${lv.sizeBytes} bytes`);
            return toApiLv(lv, []);
          },
        );
      },
    },
    {
      method: 'post',
      path: `${lvPath}/grow`,
      access: 'admin',
      summary:
        'lvextend to {sizeBytes} (the new total; 409 SHRINK_REFUSED below the size); 202 {task}',
      audit: { action: 'volume.grow' },
      handler: async (req, res) => {
        const vg = pathParam(vgNameSchema, 'volume group', req.params.vg);
        const name = pathParam(lvNameSchema, 'logical volume', req.params.lv);
        const { sizeBytes } = parseBody(growVolumeRequestSchema, req.body);
        const command = `lvextend -L ${sizeBytes}b ${vg}/${name}`;
        await startTask(
          res,
          'volume.grow',
          `volume:${vg}/${name}`,
          'lvextend',
          command,
          async () => {
            const group = await storage.volumeGroup(vg);
            const { lv } = await findVolume(vg, name);
            if (roundUpToExtent(sizeBytes, group.extentSizeBytes) < lv.sizeBytes) {
              throw new ApiError(
                'SHRINK_REFUSED',
                `${vg}/${name} is ${lv.sizeBytes} bytes; ${sizeBytes} bytes would shrink it, which destroys data: volumes only grow`,
                { sizeBytes: lv.sizeBytes, requestedBytes: sizeBytes },
              );
            }
          },
          async (s) => {
            s.log(`lvextend -L ${sizeBytes}b ${vg}/${name}`);
            const lv = await storage.growVolume(vg, name, sizeBytes);
            s.log(`${lv.path} is now ${lv.sizeBytes} bytes`);
            return toApiLv(lv, []);
          },
        );
      },
    },
    {
      method: 'post',
      path: `${lvPath}/snapshot`,
      access: 'admin',
      summary: 'lvcreate -s {name, sizeBytes} of a volume; 202 {task} (volume.snapshot)',
      audit: { action: 'volume.snapshot' },
      handler: async (req, res) => {
        const vg = pathParam(vgNameSchema, 'volume group', req.params.vg);
        const origin = pathParam(lvNameSchema, 'logical volume', req.params.lv);
        const { name, sizeBytes } = parseBody(snapshotVolumeRequestSchema, req.body);
        const command = `lvcreate -s -L ${sizeBytes}b -n ${name} ${vg}/${origin}`;
        await startTask(
          res,
          'volume.snapshot',
          `volume:${vg}/${name}`,
          'lvcreate -s',
          command,
          async () => void (await findVolume(vg, origin)),
          async (s) => {
            s.log(`lvcreate -s -L ${sizeBytes}b -n ${name} ${vg}/${origin}`);
            const lv = await storage.snapshotVolume(vg, origin, name, sizeBytes);
            s.log(`created snapshot ${lv.path} of ${origin}, ${lv.sizeBytes} bytes of room`);
            return toApiLv(lv, []);
          },
        );
      },
    },
    {
      method: 'delete',
      path: lvPath,
      access: 'admin',
      summary:
        'lvremove, with ?confirm=<lv>; 409 VOLUME_IN_USE naming configs/domains using it; 202 {task}',
      audit: { action: 'volume.remove' },
      handler: async (req, res) => {
        const vg = pathParam(vgNameSchema, 'volume group', req.params.vg);
        const name = pathParam(lvNameSchema, 'logical volume', req.params.lv);
        const command = `lvremove -f ${vg}/${name}`;
        await startTask(
          res,
          'volume.remove',
          `volume:${vg}/${name}`,
          'lvremove',
          command,
          async () => {
            requireConfirm(req, name, `${vg}/${name}`);
            await assertVolumeRemovable(vg, name);
          },
          async (s) => {
            // Again now: a config may have been written or a domain started since the request.
            await assertVolumeRemovable(vg, name);
            s.log(`lvremove -f ${vg}/${name}`);
            await storage.removeVolume(vg, name);
            s.log(`removed /dev/${vg}/${name}`);
            return { vg, name };
          },
        );
      },
    },
    {
      method: 'get',
      path: '/storage/images',
      access: 'admin',
      summary: 'Image files in XENDECK_IMAGE_DIR (apparent and allocated bytes) with their users',
      handler: async (_req, res) => {
        const dir = await imageDir();
        const [files, users] = await Promise.all([listImageFiles(dir), diskUsers(ctx)]);
        const body: ImageFileList = {
          directory: dir,
          images: files.map((f) => toApiImage(f, users.usersOf(f.path))),
          usedByGaps: gapsOf(users),
        };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: '/storage/images',
      access: 'admin',
      summary: 'Create a sparse raw image {name, sizeBytes} (never overwrites); 202 {task}',
      audit: { action: 'image.create' },
      handler: async (req, res) => {
        const { name, sizeBytes } = parseBody(createImageFileRequestSchema, req.body);
        const dir = await imageDir();
        const command = `truncate -s ${sizeBytes} ${dir}/${name}`;
        await startTask(
          res,
          'image.create',
          `image:${name}`,
          'create sparse file',
          command,
          async () => {},
          async (s) => {
            s.log(`${command} (new file only)`);
            const f = await createImageFile(dir, name, sizeBytes);
            s.log(`created ${f.path}, ${f.sizeBytes} bytes (${f.allocatedBytes} allocated)`);
            return toApiImage(f, []);
          },
        );
      },
    },
    {
      method: 'delete',
      path: '/storage/images/:file',
      access: 'admin',
      summary:
        'Remove an image file, with ?confirm=<file>; 409 VOLUME_IN_USE when used; 202 {task}',
      audit: { action: 'image.remove' },
      handler: async (req, res) => {
        const name = pathParam(imageFileNameSchema, 'image file', req.params.file);
        const dir = await imageDir();
        const command = `rm ${dir}/${name}`;
        await startTask(
          res,
          'image.remove',
          `image:${name}`,
          'remove file',
          command,
          async () => {
            requireConfirm(req, name, name);
            await assertImageRemovable((await imageFile(dir, name)).path);
          },
          async (s) => {
            const f = await imageFile(dir, name);
            await assertImageRemovable(f.path);
            s.log(`rm ${f.path}`);
            await removeImageFile(dir, name);
            return { name, path: f.path };
          },
        );
      },
    },
  ];
}
