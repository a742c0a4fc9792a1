/**
 * Save and restore (issue 10 §1), admin only:
 *
 * - `POST /domains/:name/save` `{checkpoint}` → 202 {task} (`domain.save`): `hypervisor.saveDomain`
 *   to `<saveDir>/<name>`, progress = bytes written / the domain's memory.
 * - `GET /saved-images` → the images in the save directory (`images.ts`).
 * - `POST /saved-images/:name/restore` → 202 {task} (`domain.restore`): `hypervisor.restoreDomain`,
 *   then the image is renamed `.<name>.restored-<stamp>` (kept, out of xendomains' reach).
 * - `DELETE /saved-images/:name?confirm=<name>` → 204.
 *
 * Refused before any task starts, with their own status: a bad name (422), no such domain or
 * image (404), dom0 or a domain in a state xl cannot save (409 INVALID_STATE), an image of that
 * name already there (409 SAVED_IMAGE_EXISTS: a save never overwrites), a restore while a domain
 * of the saved name runs (409 DOMAIN_EXISTS), an image restored already (409
 * SAVED_IMAGE_RESTORED), a file xl would not restore (422 NOT_A_SAVED_IMAGE), anything while a
 * save/restore/delete of the same image runs (409 SAVED_IMAGE_BUSY), a delete without the
 * image's name as `?confirm=` (400 CONFIRMATION_REQUIRED). Every request that changes something
 * is audited (refused, and when its task ends) with its command twin (`xl save …`, `xl restore …`,
 * `rm …`).
 */
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkDomainState,
  type RestoreImageResult,
  type SaveDomainResult,
  saveDomainRequestSchema,
  type TaskAccepted,
  type TaskKind,
} from '@xendeck/api';
import { commandLine, xlCommand } from '@xendeck/xl-config';
import type { Response } from 'express';
import { auditNote } from '../audit.js';
import { currentUser } from '../auth/access.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import type { TaskContext } from '../tasks/registry.js';
import { parseBody, parseDomainName } from '../validate.js';
import {
  domidsByName,
  ensureSaveDir,
  imageExists,
  listImages,
  parseImageName,
  readImage,
  restoredName,
} from './images.js';

/** Options for tests. */
export interface SavedImageRouteOptions {
  /** Clock for the restored image's stamp (default `() => new Date()`). */
  now?: () => Date;
}

export function savedImageRoutes(ctx: AppContext, opts: SavedImageRouteOptions = {}): RouteDef[] {
  const hv = ctx.hypervisor;
  const dir = () => ctx.config.saveDir;
  const now = opts.now ?? (() => new Date());
  /** Image names a save, restore or delete works on now. */
  const busy = new Set<string>();

  function refuseBusy(name: string): void {
    if (busy.has(name)) {
      throw new ApiError(
        'SAVED_IMAGE_BUSY',
        `A save, restore or delete of saved image "${name}" is running: wait for its task`,
        { name },
      );
    }
  }

  /**
   * Runs `check` (a refusal answers its error), marks `image` busy, then starts `body` as a task
   * of `kind` on `target()` (read after the check), which frees `image` when it ends. Answers
   * 202 {task}; the route's audit row gets `target()` and `command()`.
   */
  async function startTask(
    res: Response,
    a: {
      kind: TaskKind;
      target: () => string;
      image: string;
      command: () => string;
      steps: string[];
    },
    check: () => Promise<void>,
    body: (t: TaskContext) => Promise<unknown>,
  ): Promise<void> {
    const user = currentUser(res).username;
    try {
      refuseBusy(a.image);
      await check();
      refuseBusy(a.image);
    } finally {
      auditNote(res, { target: a.target(), command: a.command() });
    }
    busy.add(a.image);
    const task = ctx.tasks.run(a.kind, { user, target: a.target(), steps: a.steps }, async (t) => {
      try {
        return await body(t);
      } finally {
        busy.delete(a.image);
        ctx.refreshSoon();
      }
    });
    const accepted: TaskAccepted = { task };
    res.status(202).json(accepted);
  }

  return [
    {
      method: 'post',
      path: '/domains/:name/save',
      access: 'admin',
      summary:
        'xl save [-c] <name> <saveDir>/<name> as a domain.save task; 202 {task} (409 SAVED_IMAGE_EXISTS, INVALID_STATE)',
      audit: { action: 'domain.save', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { checkpoint } = parseBody(saveDomainRequestSchema, req.body);
        const path = join(dir(), name);
        let domid = -1;
        let memoryBytes = 0;
        await startTask(
          res,
          {
            kind: 'domain.save',
            target: () => `domain:${name}`,
            image: name,
            command: () => xlCommand({ action: 'save', name, file: path, checkpoint }),
            steps: ['xl save'],
          },
          async () => {
            domid = await domidOf(hv, name);
            const info = await hv.domainInfo(domid);
            // The shared rule (dom0, or not running/blocked/paused: INVALID_STATE), checked before
            // the task so the refusal is a 409, not a failed task.
            const savable = checkDomainState('save', domid, info.state);
            if (!savable.ok)
              throw new ApiError(savable.code, savable.message, { name, ...savable.details });
            memoryBytes = info.memoryKiB * 1024;
            if (await imageExists(dir(), name)) {
              throw new ApiError(
                'SAVED_IMAGE_EXISTS',
                `${path} exists already: restore or delete that image first (a save never overwrites one)`,
                { name, path },
              );
            }
          },
          async (t) => {
            await ensureSaveDir(dir());
            return t.step('xl save', async (s): Promise<SaveDomainResult> => {
              s.log(xlCommand({ action: 'save', name, file: path, checkpoint }));
              s.progress(0);
              const r = await hv.saveDomain(domid, path, {
                checkpoint,
                onProgress: (bytes) => s.progress(Math.min(0.99, bytes / Math.max(1, memoryBytes))),
              });
              if (r.output.trim()) s.log(r.output.trimEnd());
              s.log(`${r.sizeBytes} bytes written to ${r.file}`);
              s.progress(1);
              return {
                image: name,
                path: r.file,
                sizeBytes: r.sizeBytes,
                checkpoint,
                output: r.output,
              };
            });
          },
        );
      },
    },
    {
      method: 'get',
      path: '/saved-images',
      access: 'admin',
      summary: 'saved domain images in the save directory (name, domain, time, size, saved config)',
      handler: async (_req, res) => {
        res.json(await listImages(dir(), hv, busy));
      },
    },
    {
      method: 'post',
      path: '/saved-images/:name/restore',
      access: 'admin',
      summary:
        'xl restore <saveDir>/<name> as a domain.restore task; 202 {task} (409 DOMAIN_EXISTS, SAVED_IMAGE_RESTORED)',
      audit: { action: 'domain.restore' },
      handler: async (req, res) => {
        const image = parseImageName(req.params.name);
        const path = join(dir(), image);
        let domainName = '';
        await startTask(
          res,
          {
            kind: 'domain.restore',
            // The domain's name once the image's header is read; the image's before.
            target: () => (domainName ? `domain:${domainName}` : `saved-image:${image}`),
            image,
            command: () => xlCommand({ action: 'restore', file: path }),
            steps: ['xl restore', 'keep the image'],
          },
          async () => {
            const img = await readImage(dir(), image, await domidsByName(hv), busy);
            if (img.error !== null || img.domainName === null) {
              throw new ApiError(
                'NOT_A_SAVED_IMAGE',
                `${path} is not an image xl can restore: ${img.error}`,
                { name: image, reason: img.error },
              );
            }
            if (img.state === 'restored') {
              throw new ApiError(
                'SAVED_IMAGE_RESTORED',
                `Saved image "${image}" was restored at ${img.restoredAt}: the guest's disks have changed since, and restoring it again would corrupt them`,
                { name: image, restoredAt: img.restoredAt },
              );
            }
            domainName = img.domainName;
            auditNote(res, { domain: domainName });
            if (img.domid !== undefined) {
              throw new ApiError(
                'DOMAIN_EXISTS',
                `Domain "${domainName}" is running (domid ${img.domid}): a saved image of it cannot be restored beside it`,
                { name: domainName, domid: img.domid },
              );
            }
          },
          async (t) => {
            const r = await t.step('xl restore', async (s) => {
              s.log(xlCommand({ action: 'restore', file: path }));
              s.progress(null);
              const out = await hv.restoreDomain(path);
              if (out.output.trim()) s.log(out.output.trimEnd());
              s.log(`domain ${out.name} is back as domid ${out.domid}`);
              return out;
            });
            const keptAs = await t.step('keep the image', async (s) => {
              // Renamed rather than left: xendomains restores every plain file of the directory
              // at boot and would bring this state back over newer disks.
              const kept = restoredName(image, now());
              await rename(path, join(dir(), kept));
              s.log(`kept as ${join(dir(), kept)} (hidden from xendomains' restore at boot)`);
              return kept;
            });
            t.progress(1);
            const result: RestoreImageResult = {
              name: r.name,
              domid: r.domid,
              output: r.output,
              keptAs,
            };
            return result;
          },
        );
      },
    },
    {
      method: 'delete',
      path: '/saved-images/:name',
      access: 'admin',
      summary:
        'deletes a saved image; needs ?confirm=<name>; 204 (409 SAVED_IMAGE_BUSY while a task uses it)',
      audit: {
        action: 'saved-image.delete',
        target: (req) => `saved-image:${String(req.params.name)}`,
      },
      handler: async (req, res) => {
        const image = parseImageName(req.params.name);
        const path = join(dir(), image);
        auditNote(res, { command: commandLine(['rm', path]) });
        const got = req.query.confirm;
        if (got !== image) {
          throw new ApiError(
            'CONFIRMATION_REQUIRED',
            got === undefined
              ? `Deleting saved image "${image}" needs ?confirm=${image} in the URL`
              : `?confirm=${JSON.stringify(got)} does not match: send ?confirm=${image} to delete it`,
            { expected: image },
          );
        }
        refuseBusy(image);
        await readImage(dir(), image, new Map(), busy);
        busy.add(image);
        try {
          await unlink(path);
        } finally {
          busy.delete(image);
        }
        res.status(204).end();
      },
    },
  ];
}
