/**
 * `/api/v1/domains/:name/snapshots…` and `/api/v1/domains/:name/clone…`: snapshot sets of a
 * guest's logical volumes (take, list, revert, delete) and clones of a shut-down guest (its
 * volumes copied or snapshotted, a new config with a new name, MACs and UUID). Admin only.
 *
 * A guest's volumes come from its config file (`volumes.ts`), never from a running domain, so a
 * guest that is shut down works the same. Changes run as tasks (kinds `domain.snapshot`,
 * `domain.revert`, `domain.snapshot.remove`, `domain.clone`; target `domain:<name>`, a clone's
 * `domain:<newName>`) and answer 202 `{task}`; what can be refused at once is refused before the
 * task starts: 404 CONFIG_NOT_FOUND / LV_NOT_FOUND / NOT_FOUND (no such set), 409 INVALID_STATE
 * (a revert or clone of a running guest), 409 LV_EXISTS (label taken, clone volume exists),
 * 409 CONFIG_EXISTS / DOMAIN_EXISTS (clone name taken), 422 INVALID_INPUT (bad label or name,
 * a guest with writable disks that are not logical volumes), 400 CONFIRMATION_REQUIRED (revert and
 * delete need `?confirm=<label>`), 507 NO_SPACE. Each task undoes what it made on failure
 * (snapshots, volumes, the config file); a merge cannot be undone, so a revert checks everything
 * before its first merge. Every change is audited (its route's `audit` declaration) with its
 * `command` (the twin lines of `plan.ts`, joined by ` && `) and the task's id.
 */
import { lstat } from 'node:fs/promises';
import {
  CLONE_TAG_PREFIX,
  type ClonePlan,
  cloneRequestSchema,
  type SnapshotList,
  type SnapshotPreview,
  snapshotLabelSchema,
  type TaskAccepted,
  type TaskKind,
  takeSnapshotRequestSchema,
} from '@xendeck/api';
import { validateLvName } from '@xendeck/storage';
import type { Request, Response } from 'express';
import { auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import { removeCreatedConfigFile, writeNewConfigText } from '../configs/create.js';
import { configFilePath } from '../configs/files.js';
import { ConfigHistory } from '../configs/history.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { RouteDef } from '../routes/types.js';
import type { TaskContext } from '../tasks/registry.js';
import { parseBody, parseDomainName } from '../validate.js';
import { type CloneRandom, cloneConfigText } from './clone-config.js';
import {
  cloneVolumeCommands,
  cloneVolumeName,
  snapshotSets,
  snapshotsToTake,
  takeCommands,
} from './plan.js';
import { assertVolumesExist, type GuestDisks, readGuest, toApiVolume } from './volumes.js';

/** Options of {@link snapshotRoutes} (tests). */
export interface SnapshotRouteOptions {
  /** Clock for set times and the config history, ms since the epoch. */
  now?: () => number;
  /** Random MACs and UUIDs of clones. */
  random?: CloneRandom;
}

/** Validates the `:label` path parameter; 422 INVALID_INPUT (`where: 'path'`). */
function parseLabel(raw: unknown): string {
  const r = snapshotLabelSchema.safeParse(raw);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? 'invalid label';
    throw new ApiError(
      'INVALID_INPUT',
      `Invalid snapshot label ${JSON.stringify(raw)}: ${message}`,
      {
        where: 'path',
        issues: [{ path: 'label', message }],
      },
    );
  }
  return r.data;
}

/** 400 CONFIRMATION_REQUIRED unless `?confirm=` is exactly `label` (what the web's typed confirmation sends). */
function requireLabelConfirm(req: Request, label: string, doing: string): void {
  const got = req.query.confirm;
  if (got === label) return;
  throw new ApiError(
    'CONFIRMATION_REQUIRED',
    got === undefined
      ? `${doing} needs ?confirm=${label} (the set's label) in the URL`
      : `?confirm=${JSON.stringify(got)} does not match: send ?confirm=${label} to confirm ${doing.toLowerCase()}`,
    { expected: label },
  );
}

export function snapshotRoutes(ctx: AppContext, opts: SnapshotRouteOptions = {}): RouteDef[] {
  const now = opts.now ?? Date.now;
  const history = new ConfigHistory(ctx.db, now);

  /** domid of a domain named `name`, if one exists (running, paused, shutting down…). */
  const domidIfAny = (name: string) => ctx.hypervisor.domidByName(name);

  /** 409 INVALID_STATE when a domain called `name` exists. */
  async function assertShutDown(name: string, doing: string): Promise<void> {
    const domid = await domidIfAny(name);
    if (domid !== undefined) {
      throw new ApiError(
        'INVALID_STATE',
        `${name} is running (domid ${domid}): shut it down before ${doing} (its disks are in use and would change under it)`,
        { name, domid },
      );
    }
  }

  /** A guest with at least one volume, every one existing, and no writable non-LVM disk. */
  async function readCoveredGuest(name: string, doing: string): Promise<GuestDisks> {
    const g = await readGuest(ctx, name);
    if (g.notCovered.length > 0) {
      throw new ApiError(
        'INVALID_INPUT',
        `${g.file.path} has writable disks that are not logical volumes (${g.notCovered.join(', ')}): ${doing} covers LVM volumes only, and half a guest is not a snapshot`,
        { where: 'config', notCovered: g.notCovered },
      );
    }
    if (g.volumes.length === 0) {
      throw new ApiError(
        'INVALID_INPUT',
        `${g.file.path} names no logical volume as a writable disk: nothing to ${doing}`,
        { where: 'config' },
      );
    }
    assertVolumesExist(g);
    return g;
  }

  async function extentOf(vg: string): Promise<number> {
    return (await ctx.storage.volumeGroup(vg)).extentSizeBytes;
  }

  /**
   * Runs `check` (a refusal answers its error), starts the task, 202 {task}; the route's audit
   * row gets `target` and the commands (`check` returns what the task body needs and them).
   */
  async function startTask<P>(
    res: Response,
    kind: TaskKind,
    target: string,
    check: () => Promise<{ prepared: P; steps: string[]; commands: string[] }>,
    body: (t: TaskContext, prepared: P) => Promise<unknown>,
  ): Promise<void> {
    const user = currentUser(res).username;
    auditNote(res, { target });
    const checked = await check();
    auditNote(res, { command: checked.commands.join(' && ') });
    const task = ctx.tasks.run(kind, { user, target, steps: checked.steps }, async (t) => {
      try {
        return await body(t, checked.prepared);
      } finally {
        ctx.refreshSoon();
      }
    });
    const accepted: TaskAccepted = { task };
    res.status(202).json(accepted);
  }

  /** What a take needs: the guest, the snapshots, whether to pause (and the domid). */
  async function planTake(name: string, label: string, sizePercent: number) {
    const g = await readCoveredGuest(name, 'snapshot');
    const extents = new Map<string, number>();
    for (const v of g.volumes) extents.set(v.vg, await extentOf(v.vg));
    const snaps = snapshotsToTake(
      g,
      label,
      sizePercent,
      new Date(now()),
      (vg) => extents.get(vg) ?? 1,
    );
    for (const s of snaps) {
      validateLvName(s.name);
      const taken = g.lvsByVg.get(s.volume.vg)?.some((l) => l.name === s.name);
      if (taken) {
        throw new ApiError(
          'LV_EXISTS',
          `${s.volume.vg}/${s.name} exists: ${name} already has a snapshot labelled "${label}" (or a volume of that name); choose another label`,
          { vg: s.volume.vg, lv: s.name },
        );
      }
      if (s.volume.open && (await domidIfAny(name)) === undefined) {
        throw new ApiError(
          'VOLUME_IN_USE',
          `${s.volume.path} is open, but no domain ${name} runs: another domain or process holds it, and a snapshot would not be consistent`,
          { vg: s.volume.vg, lv: s.volume.lv },
        );
      }
    }
    const needed = new Map<string, number>();
    for (const s of snaps) needed.set(s.volume.vg, (needed.get(s.volume.vg) ?? 0) + s.sizeBytes);
    for (const [vg, bytes] of needed) {
      const free = (await ctx.storage.volumeGroup(vg)).freeBytes;
      if (bytes > free) {
        throw new ApiError(
          'NO_SPACE',
          `Volume group ${vg} has ${free} bytes free; the snapshots need ${bytes} bytes (lower the room per snapshot)`,
          { requestedBytes: bytes, freeBytes: free },
        );
      }
    }
    const domid = await domidIfAny(name);
    const state = domid === undefined ? undefined : (await ctx.hypervisor.domainInfo(domid)).state;
    // A domain the hoster paused stays paused; one running is paused for the moment and resumed.
    const pause = domid !== undefined && state !== 'paused';
    return { g, snaps, domid, pause, alreadyPaused: state === 'paused' };
  }

  /** The clone plan (also the preview): names, sizes, config text, commands. */
  async function planClone(source: string, newName: string, mode: 'copy' | 'snapshot') {
    if (newName === source) {
      throw new ApiError('INVALID_INPUT', 'The clone needs a name of its own', {
        where: 'body',
        issues: [{ path: 'newName', message: 'same as the source' }],
      });
    }
    const g = await readCoveredGuest(source, 'clone');
    const configPath = configFilePath(ctx.config.configDir, newName);
    const exists = await lstat(configPath).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
    );
    if (exists) {
      throw new ApiError('CONFIG_EXISTS', `${configPath} already exists; pick another name`, {
        path: configPath,
      });
    }
    const running = await domidIfAny(newName);
    if (running !== undefined) {
      throw new ApiError('DOMAIN_EXISTS', `A domain named ${newName} runs (domid ${running})`, {
        name: newName,
      });
    }
    const volumes: ClonePlan['volumes'] = g.volumes.map((v) => ({
      vg: v.vg,
      from: v.lv,
      to: cloneVolumeName(source, newName, v.lv),
      sizeBytes: v.sizeBytes ?? 0,
    }));
    for (const v of volumes) {
      validateLvName(v.to);
      const all = g.lvsByVg.get(v.vg) ?? [];
      if (all.some((l) => l.name === v.to)) {
        throw new ApiError('LV_EXISTS', `${v.vg}/${v.to} exists already; pick another name`, {
          vg: v.vg,
          lv: v.to,
        });
      }
      if (mode === 'snapshot' && all.find((l) => l.name === v.from)?.origin) {
        throw new ApiError(
          'INVALID_INPUT',
          `${v.vg}/${v.from} is itself an LVM snapshot, and LVM cannot snapshot a snapshot: clone with mode "copy"`,
          { where: 'body', issues: [{ path: 'mode', message: 'snapshot of a snapshot' }] },
        );
      }
    }
    const needed = new Map<string, number>();
    for (const v of volumes) needed.set(v.vg, (needed.get(v.vg) ?? 0) + v.sizeBytes);
    for (const [vg, bytes] of needed) {
      const free = (await ctx.storage.volumeGroup(vg)).freeBytes;
      if (bytes > free) {
        throw new ApiError(
          'NO_SPACE',
          `Volume group ${vg} has ${free} bytes free; the clone's volumes need ${bytes} bytes`,
          { requestedBytes: bytes, freeBytes: free },
        );
      }
    }
    const cloned = cloneConfigText(
      g.file.text,
      newName,
      g.volumes.map((v, i) => ({
        diskIndex: v.diskIndex,
        from: v.target,
        to: `/dev/${v.vg}/${(volumes[i] as ClonePlan['volumes'][number]).to}`,
      })),
      opts.random,
    );
    const plan: ClonePlan = {
      source,
      newName,
      mode,
      configPath,
      configText: cloned.text,
      volumes,
      macs: cloned.macs,
      commands: cloneVolumeCommands(source, mode, volumes),
      warnings: cloned.warnings,
    };
    return { g, plan };
  }

  /** The guest and its set `label`. Throws NOT_FOUND (404) when it has no such set. */
  async function findSet(name: string, label: string) {
    const g = await readGuest(ctx, name);
    const set = snapshotSets(name, g.volumes, g.lvsByVg).find((x) => x.label === label);
    if (!set) {
      throw new ApiError('NOT_FOUND', `${name} has no snapshot set "${label}"`, { label });
    }
    return { g, set };
  }

  const base = '/domains/:name';

  return [
    {
      method: 'get',
      path: `${base}/snapshots`,
      access: 'admin',
      summary: "A guest's volumes (from its config) and snapshot sets (lvs tags), newest first",
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const g = await readGuest(ctx, name);
        const body: SnapshotList = {
          domain: name,
          configPath: g.file.path,
          running: (await domidIfAny(name)) !== undefined,
          volumes: g.volumes.map(toApiVolume),
          notCovered: g.notCovered,
          snapshots: snapshotSets(name, g.volumes, g.lvsByVg),
        };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: `${base}/snapshots/preview`,
      access: 'admin',
      summary: 'The commands a snapshot {label, sizePercent} would run (checks as the take does)',
      audit: false,
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { label, sizePercent } = parseBody(takeSnapshotRequestSchema, req.body);
        const p = await planTake(name, label, sizePercent);
        const body: SnapshotPreview = {
          commands: takeCommands(name, p.pause, p.snaps),
          pauses: p.pause,
        };
        res.json(body);
      },
    },
    {
      method: 'post',
      path: `${base}/snapshots`,
      access: 'admin',
      summary:
        'Snapshot every volume of a guest {label, sizePercent}, paused for the moment if running; 202 {task} (domain.snapshot)',
      audit: { action: 'domain.snapshot', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { label, sizePercent } = parseBody(takeSnapshotRequestSchema, req.body);
        await startTask(
          res,
          'domain.snapshot',
          `domain:${name}`,
          async () => {
            const p = await planTake(name, label, sizePercent);
            const steps = [
              ...(p.pause ? [`xl pause ${name}`] : []),
              ...p.snaps.map((s) => `snapshot ${s.volume.vg}/${s.volume.lv} as ${s.name}`),
              ...(p.pause ? [`xl unpause ${name}`] : []),
            ];
            return { prepared: p, steps, commands: takeCommands(name, p.pause, p.snaps) };
          },
          async (t, p) => {
            let paused = false;
            const made: string[] = [];
            try {
              if (p.pause && p.domid !== undefined) {
                const domid = p.domid;
                await t.step(`xl pause ${name}`, async (s) => {
                  await ctx.hypervisor.domainOperation(domid, 'pause');
                  paused = true;
                  s.log(`paused ${name} (domid ${domid}) for the moment of the snapshots`);
                });
              } else if (p.alreadyPaused) {
                ctx.logger.info({ name }, 'snapshot of a paused domain: left paused');
              }
              for (const [i, snap] of p.snaps.entries()) {
                const step = `snapshot ${snap.volume.vg}/${snap.volume.lv} as ${snap.name}`;
                await t.step(step, async (s) => {
                  const lv = await ctx.storage.snapshotVolume(
                    snap.volume.vg,
                    snap.volume.lv,
                    snap.name,
                    snap.sizeBytes,
                    { tags: snap.tags },
                  );
                  s.log(`created ${lv.path}: ${lv.sizeBytes} bytes of room for changes`);
                  s.undo(async () => {
                    await ctx.storage.removeVolume(lv.vg, lv.name);
                  });
                  made.push(lv.name);
                });
                t.progress((i + 1) / (p.snaps.length + 1));
              }
            } finally {
              // Always resumed, success or failure: a snapshot never leaves the guest paused.
              if (paused && p.domid !== undefined) {
                const domid = p.domid;
                await t.step(`xl unpause ${name}`, async (s) => {
                  await ctx.hypervisor.domainOperation(domid, 'unpause');
                  s.log(`unpaused ${name} (domid ${domid})`);
                });
              }
            }
            return { domain: name, label, snapshots: made };
          },
        );
      },
    },
    {
      method: 'post',
      path: `${base}/snapshots/:label/revert`,
      access: 'admin',
      summary:
        'Revert a shut-down guest to a snapshot set (lvconvert --merge, then the set is taken again), ?confirm=<label>; 202 {task} (domain.revert)',
      audit: { action: 'domain.revert', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const label = parseLabel(req.params.label);
        await startTask(
          res,
          'domain.revert',
          `domain:${name}`,
          async () => {
            requireLabelConfirm(req, label, `Reverting ${name} to "${label}"`);
            await assertShutDown(name, 'reverting it');
            const { g, set } = await findSet(name, label);
            for (const v of set.volumes) {
              const origin = g.lvsByVg.get(v.vg)?.find((l) => l.name === v.origin);
              if (origin?.open) {
                throw new ApiError(
                  'VOLUME_IN_USE',
                  `${origin.path} is open though ${name} is not running: another domain or process holds it; nothing was reverted`,
                  { vg: v.vg, lv: v.origin },
                );
              }
              if (v.attr[4] === 'I') {
                throw new ApiError(
                  'INVALID_STATE',
                  `${v.vg}/${v.name} is invalid (its room for changes filled up): this set cannot be restored; nothing was reverted`,
                  { vg: v.vg, lv: v.name },
                );
              }
            }
            const steps = set.volumes.flatMap((v) => [
              `merge ${v.vg}/${v.name} into ${v.origin}`,
              `snapshot ${v.vg}/${v.origin} as ${v.name} again`,
            ]);
            const lvs = set.volumes.map((v) => {
              const lv = g.lvsByVg.get(v.vg)?.find((l) => l.name === v.name);
              return { ...v, tags: lv?.tags ?? [] };
            });
            return { prepared: lvs, steps, commands: set.commands.revert };
          },
          async (t, lvs) => {
            for (const [i, v] of lvs.entries()) {
              // Again inside the task: a domain may have been started since the request.
              await assertShutDown(name, 'reverting it');
              await t.step(`merge ${v.vg}/${v.name} into ${v.origin}`, async (s) => {
                s.log(`lvconvert --merge ${v.vg}/${v.name}`);
                const origin = await ctx.storage.mergeSnapshot(v.vg, v.name);
                s.log(`${origin.path} holds the content of ${label} again; ${v.name} merged away`);
              });
              await t.step(`snapshot ${v.vg}/${v.origin} as ${v.name} again`, async (s) => {
                const lv = await ctx.storage.snapshotVolume(v.vg, v.origin, v.name, v.sizeBytes, {
                  tags: v.tags,
                });
                s.log(`took ${lv.path} again so the set "${label}" stays (same time tag)`);
              });
              t.progress((i + 1) / lvs.length);
            }
            return { domain: name, label, volumes: lvs.map((v) => `${v.vg}/${v.origin}`) };
          },
        );
      },
    },
    {
      method: 'delete',
      path: `${base}/snapshots/:label`,
      access: 'admin',
      summary:
        'Remove a snapshot set (lvremove each), ?confirm=<label>; 202 {task} (domain.snapshot.remove)',
      audit: { action: 'domain.snapshot.remove', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const label = parseLabel(req.params.label);
        await startTask(
          res,
          'domain.snapshot.remove',
          `domain:${name}`,
          async () => {
            requireLabelConfirm(req, label, `Deleting snapshot set "${label}" of ${name}`);
            const { set } = await findSet(name, label);
            const steps = set.volumes.map((v) => `lvremove ${v.vg}/${v.name}`);
            return { prepared: set, steps, commands: set.commands.remove };
          },
          async (t, set) => {
            for (const [i, v] of set.volumes.entries()) {
              await t.step(`lvremove ${v.vg}/${v.name}`, async (s) => {
                await ctx.storage.removeVolume(v.vg, v.name);
                s.log(`removed /dev/${v.vg}/${v.name}`);
              });
              t.progress((i + 1) / set.volumes.length);
            }
            return { domain: name, label };
          },
        );
      },
    },
    {
      method: 'post',
      path: `${base}/clone/preview`,
      access: 'admin',
      summary:
        'What a clone {newName, mode} would make: volumes, config text, commands (nothing runs)',
      audit: false,
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { newName, mode } = parseBody(cloneRequestSchema, req.body);
        const { plan } = await planClone(name, newName, mode);
        res.json(plan);
      },
    },
    {
      method: 'post',
      path: `${base}/clone`,
      access: 'admin',
      summary:
        'Clone a shut-down guest {newName, mode: copy|snapshot}: new volumes, config (new name, MACs, UUID); 202 {task} (domain.clone)',
      audit: { action: 'domain.clone', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { newName, mode } = parseBody(cloneRequestSchema, req.body);
        await startTask(
          res,
          'domain.clone',
          `domain:${newName}`,
          async () => {
            await assertShutDown(name, 'cloning it');
            const { plan } = await planClone(name, newName, mode);
            const volumeStep = (v: ClonePlan['volumes'][number]) =>
              mode === 'copy'
                ? `copy ${v.vg}/${v.from} to ${v.to}`
                : `snapshot ${v.vg}/${v.from} as ${v.to}`;
            const steps = [...plan.volumes.map(volumeStep), `write ${plan.configPath}`];
            return { prepared: { plan, volumeStep }, steps, commands: plan.commands };
          },
          async (t, { plan, volumeStep }) => {
            const user = currentUser(res).username;
            const total = plan.volumes.reduce((n, v) => n + v.sizeBytes, 0) || 1;
            let done = 0;
            for (const v of plan.volumes) {
              await assertShutDown(name, 'cloning it');
              await t.step(volumeStep(v), async (s) => {
                const tags = [CLONE_TAG_PREFIX + name];
                const started = Date.now();
                const lv =
                  mode === 'copy'
                    ? await ctx.storage.copyVolume(v.vg, v.from, v.to, {
                        tags,
                        onProgress: (copied) => t.progress((done + copied) / total),
                      })
                    : await ctx.storage.snapshotVolume(v.vg, v.from, v.to, v.sizeBytes, { tags });
                s.undo(async () => {
                  await ctx.storage.removeVolume(lv.vg, lv.name);
                });
                const ms = Date.now() - started;
                s.log(
                  mode === 'copy'
                    ? `copied ${v.sizeBytes} bytes to ${lv.path} in ${ms} ms (${ms > 0 ? (((v.sizeBytes / 1048576) * 1000) / ms).toFixed(1) : '∞'} MiB/s)`
                    : `${lv.path}: a snapshot of ${v.from} with ${lv.sizeBytes} bytes of room`,
                );
              });
              done += v.sizeBytes;
              t.progress(done / total);
            }
            await t.step(`write ${plan.configPath}`, async (s) => {
              const created = await writeNewConfigText({
                configDir: ctx.config.configDir,
                name: newName,
                text: plan.configText,
                user,
                history,
                logger: ctx.logger,
              });
              s.log(`wrote ${created.path} (history version ${created.versionId})`);
              s.undo(async () => {
                await removeCreatedConfigFile(ctx.config.configDir, created);
              });
            });
            return plan;
          },
        );
      },
    },
  ];
}
