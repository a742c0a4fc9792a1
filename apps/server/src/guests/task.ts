/**
 * The `guest.create` task: carries out a {@link GuestPlan} step by step, and undoes what it made
 * when a later step fails.
 *
 * Steps (those that apply, in this order; the names are what the task log shows):
 * 1. `create volume <lv> in <vg> (<n> bytes)` per new logical volume (`ctx.storage.createVolume`:
 *    `lvcreate --yes --wipesignatures y -L <n>b -n <lv> <vg>`); undo: `lvremove` of exactly that
 *    volume (refused by LVM's guard if it is open by then: the undo then fails and says so).
 * 2. `create image file <file> (<n> bytes)` per new image file (sparse, O_EXCL); undo: unlink it.
 * 3. `write <configPath>` (configs/create.ts: exclusive atomic create + history `create`); undo:
 *    the file is removed if it still holds the bytes written — its text stays in the config
 *    history, so nothing is lost, and no config is left naming a volume the undo removed; a file
 *    someone changed meanwhile is left in place (the undo fails with CONFIG_CHANGED).
 * 4. `xl create <configPath>` when asked to start (`ctx.hypervisor.createDomain`). If it fails
 *    (other than DOMAIN_EXISTS) and a domain of the guest's name exists afterwards — built half-way,
 *    e.g. xl was stopped by its timeout with the domain still paused — the step destroys it, as
 *    libxl does after a failed create, so the undos can remove the disks.
 * Undos never act while a domain of the guest's name exists (its volumes and config are then
 * left in place and the undo fails saying so); a volume still open just after a destroy is
 * retried for up to {@link UNDO_OPEN_RETRY_MS} ms.
 * A step that fails fails the task with its error (code and message, e.g. LVM's stderr or
 * `xl create`'s output); the registry then runs the undos of the steps before it, newest first,
 * and records each outcome on its step. Existing volumes and files named by the request are never
 * touched. The task's result is `createGuestResultSchema` of @xendeck/api.
 */
import type { CreateGuestResult, Task } from '@xendeck/api';
import { isHypervisorError } from '@xendeck/hypervisor';
import { createImageFile, isStorageError, removeImageFile } from '@xendeck/storage';
import type { CommitOps } from '../configs/atomic.js';
import {
  type CreatedConfigFile,
  createConfigFile,
  removeCreatedConfigFile,
} from '../configs/create.js';
import { ConfigHistory } from '../configs/history.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { StepContext } from '../tasks/registry.js';
import type { GuestPlan } from './plan.js';

/** How long the undo of a new volume retries while the volume is still open (a device model going away), ms. */
export const UNDO_OPEN_RETRY_MS = 10_000;

/** Who asked, for the task and the history (the route's audit row records the request). */
export interface GuestTaskOrigin {
  user: string;
}

export interface GuestTaskOptions {
  /** Clock for the config header and history, ms since the epoch. */
  now: () => number;
  /** Replaces the link that commits the config file (tests simulate a failed write). */
  commitOps?: CommitOps;
}

/** Step names of a plan, in order (shown `pending` until reached). */
export function guestTaskSteps(plan: GuestPlan): string[] {
  return [
    ...plan.newVolumes.map(
      (v) => `create volume ${v.name} in ${v.volumeGroup} (${v.sizeBytes} bytes)`,
    ),
    ...plan.newImages.map((f) => `create image file ${f.name} (${f.sizeBytes} bytes)`),
    `write ${plan.configPath}`,
    ...(plan.start ? [`xl create ${plan.configPath}`] : []),
  ];
}

/** Starts the `guest.create` task for `plan` (target `domain:<name>`); returns it, queued. */
export function runGuestTask(
  ctx: AppContext,
  plan: GuestPlan,
  origin: GuestTaskOrigin,
  opts: GuestTaskOptions,
): Task {
  const target = `domain:${plan.name}`;
  const steps = guestTaskSteps(plan);
  const history = new ConfigHistory(ctx.db, opts.now);

  /** Throws INVALID_STATE when a domain of the guest's name exists: undos must not pull its disks. */
  const assertNoDomain = async (what: string) => {
    const domid = await ctx.hypervisor.domidByName(plan.name);
    if (domid !== undefined) {
      throw new ApiError(
        'INVALID_STATE',
        `domain ${plan.name} (domid ${domid}) exists, so ${what} was left in place`,
        { name: plan.name, domid },
      );
    }
  };

  /** Removes a volume this task created; retries while it is still open (a domain just destroyed). */
  const removeOwnVolume = async (vg: string, lv: string) => {
    const deadline = Date.now() + UNDO_OPEN_RETRY_MS;
    for (;;) {
      try {
        await ctx.storage.removeVolume(vg, lv);
        return;
      } catch (err) {
        if (!(isStorageError(err) && err.code === 'VOLUME_IN_USE') || Date.now() >= deadline)
          throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  /** After a failed `xl create`: destroys the domain of the guest's name if it was left behind. */
  const destroyHalfBuilt = async (s: StepContext) => {
    const left = await ctx.hypervisor.domidByName(plan.name).catch(() => undefined);
    if (left === undefined) return;
    s.log(`xl create failed but left domain ${plan.name} (domid ${left}) behind: destroying it`);
    try {
      await ctx.hypervisor.domainOperation(left, 'destroy');
      s.log(`destroyed domid ${left}`);
    } catch (err) {
      s.log(`could not destroy domid ${left}: ${(err as Error).message}`);
    }
  };

  return ctx.tasks.run('guest.create', { user: origin.user, target, steps }, async (t) => {
    let i = 0;
    /** The next step's name; progress = the share of steps done. */
    const nextStep = () => {
      t.progress(i / steps.length);
      return steps[i++] as string;
    };
    const volumes: CreateGuestResult['volumes'] = [];
    for (const v of plan.newVolumes) {
      const lv = await t.step(nextStep(), async (s) => {
        s.log(`lvcreate --yes --wipesignatures y -L ${v.sizeBytes}b -n ${v.name} ${v.volumeGroup}`);
        const created = await ctx.storage.createVolume(v.volumeGroup, v.name, v.sizeBytes);
        s.log(`created ${created.path}, ${created.sizeBytes} bytes`);
        s.undo(async () => {
          await assertNoDomain(created.path);
          await removeOwnVolume(v.volumeGroup, v.name);
          ctx.logger.info(
            { lv: created.path, task: t.id },
            'guest.create undo: removed the volume it created',
          );
        });
        return created;
      });
      volumes.push({ volumeGroup: lv.vg, name: lv.name, path: lv.path, sizeBytes: lv.sizeBytes });
    }
    const images: CreateGuestResult['images'] = [];
    for (const f of plan.newImages) {
      const info = await t.step(nextStep(), async (s) => {
        const created = await createImageFile(ctx.config.imageDir, f.name, f.sizeBytes);
        s.log(`created ${created.path}, ${created.sizeBytes} bytes (sparse)`);
        s.undo(async () => {
          await assertNoDomain(created.path);
          await removeImageFile(ctx.config.imageDir, f.name);
          ctx.logger.info(
            { path: created.path, task: t.id },
            'guest.create undo: removed the image file it created',
          );
        });
        return created;
      });
      images.push({ path: info.path, sizeBytes: info.sizeBytes });
    }
    const file: CreatedConfigFile = await t.step(nextStep(), async (s) => {
      const created = await createConfigFile({
        configDir: ctx.config.configDir,
        name: plan.name,
        model: plan.config,
        user: origin.user,
        now: opts.now,
        history,
        logger: ctx.logger,
        commitOps: opts.commitOps,
      }).catch((err: unknown) => {
        if (err instanceof ApiError) throw err;
        // A filesystem error: the task log should say which, not just "internal error".
        ctx.logger.error({ err, path: plan.configPath }, 'guest.create: writing the config failed');
        throw new ApiError(
          'INTERNAL',
          `Could not write ${plan.configPath}: ${(err as Error).message}`,
        );
      });
      s.log(`wrote ${created.path} (${created.etag}, history version ${created.versionId})`);
      s.undo(async () => {
        await assertNoDomain(created.path);
        await removeCreatedConfigFile(ctx.config.configDir, created);
        ctx.logger.info(
          { path: created.path, task: t.id },
          'guest.create undo: removed the config file it wrote',
        );
      });
      return created;
    });
    let domid: number | null = null;
    if (plan.start) {
      domid = await t.step(nextStep(), async (s) => {
        try {
          const r = await ctx.hypervisor.createDomain(file.path);
          if (r.output) s.log(r.output);
          s.log(`started ${r.name}, domid ${r.domid}`);
          return r.domid;
        } catch (err) {
          if (!(isHypervisorError(err) && err.code === 'DOMAIN_EXISTS')) await destroyHalfBuilt(s);
          throw err;
        } finally {
          ctx.refreshSoon();
        }
      });
    }
    const result: CreateGuestResult = {
      name: plan.name,
      domid,
      configPath: file.path,
      mac: plan.settings.network?.mac ?? null,
      volumes,
      images,
    };
    return result;
  });
}
