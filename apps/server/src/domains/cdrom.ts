/**
 * `/api/v1/domains/:name/cdrom`: the emulated CD-ROM drives of a running HVM domain — what is in
 * them now, insert an ISO of the library, eject — as `xl cd-insert` / `xl cd-eject` do (the
 * hypervisor's `cdInsert` / `cdEject`; the config file does not change). Admin only, audited
 * (`domain.cd-insert`, `domain.cd-eject`). The image always comes from the ISO library
 * (`config.isoDir`): the client names a library file, never a path.
 */
import { basename, dirname, join, resolve } from 'node:path';
import {
  type CdromDrive,
  type CdromStatus,
  cdromInsertRequestSchema,
  isoNameProblem,
} from '@xendeck/api';
import { xlCommand } from '@xendeck/xl-config';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { readIsoFile } from '../isos/library.js';
import { auditedDomainAction, domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';

/**
 * The library file name of the image at dom0 path `target` when it is a file directly in `isoDir`
 * with a valid ISO name, else null (an image from elsewhere, or an empty drive).
 */
export function libraryIsoName(isoDir: string, target: string | null): string | null {
  if (!target) return null;
  const path = resolve(target);
  const name = basename(path);
  return dirname(path) === resolve(isoDir) && isoNameProblem(name) === undefined ? name : null;
}

/**
 * The CD-ROM drives of domain `domid` now: `hypervisor.domainDisks` (libxl_device_disk_list)
 * filtered to `devtype: 'cdrom'`, in libxl's order, with the library name of what is inserted.
 * Throws the hypervisor's DOMAIN_NOT_FOUND / LIBXL_ERROR.
 */
export async function cdromDrives(ctx: AppContext, domid: number): Promise<CdromDrive[]> {
  const disks = await ctx.hypervisor.domainDisks(domid);
  return disks
    .filter((d) => d.devtype === 'cdrom')
    .map((d) => ({
      vdev: d.vdev,
      target: d.target || null,
      iso: libraryIsoName(ctx.config.isoDir, d.target),
    }));
}

/** The answer of GET and of insert/eject: the domain's drives now. */
async function status(ctx: AppContext, name: string, domid: number): Promise<CdromStatus> {
  const info = await ctx.hypervisor.domainInfo(domid);
  return { name, domid, hvm: info.type === 'hvm', drives: await cdromDrives(ctx, domid) };
}

export function cdromRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/domains/:name/cdrom',
      access: { domain: 'reinstall' },
      summary:
        "A running domain's CD-ROM drives now: vdev, dom0 path inserted (null = empty), its ISO library name",
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const domid = await domidOf(ctx.hypervisor, name);
        res.json(await status(ctx, name, domid));
      },
    },
    {
      method: 'post',
      path: '/domains/:name/cdrom/:vdev/insert',
      access: { domain: 'reinstall' },
      summary:
        'xl cd-insert <name> <vdev> <isoDir>/<iso> with {iso: library file name}; 200 drives (409 not HVM, 404 ISO_NOT_FOUND)',
      audit: { action: 'domain.cd-insert', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { iso } = parseBody(cdromInsertRequestSchema, req.body);
        const domid = await auditedDomainAction(
          ctx,
          res,
          async () => {
            const domid = await domidOf(ctx.hypervisor, name);
            const file = await readIsoFile(ctx.config.isoDir, iso);
            if (!file) {
              throw new ApiError(
                'ISO_NOT_FOUND',
                `No ISO "${iso}" in the library (${ctx.config.isoDir}); upload it on the ISO page first`,
                { iso, directory: ctx.config.isoDir },
              );
            }
            // The hypervisor checks the vdev's spelling, that it is a CD-ROM drive of the domain
            // and that the domain is HVM, with the same codes on both backends.
            await ctx.hypervisor.cdInsert(
              domid,
              req.params.vdev as string,
              join(ctx.config.isoDir, iso),
            );
            return domid;
          },
          {
            details: { vdev: req.params.vdev, iso },
            command: xlCommand({
              action: 'cd-insert',
              name,
              vdev: String(req.params.vdev),
              target: join(ctx.config.isoDir, iso),
            }),
          },
        );
        res.json(await status(ctx, name, domid));
      },
    },
    {
      method: 'post',
      path: '/domains/:name/cdrom/:vdev/eject',
      access: { domain: 'reinstall' },
      summary: 'xl cd-eject <name> <vdev>; 200 drives (409 INVALID_STATE when not HVM)',
      audit: { action: 'domain.cd-eject', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const domid = await auditedDomainAction(
          ctx,
          res,
          async () => {
            const domid = await domidOf(ctx.hypervisor, name);
            await ctx.hypervisor.cdEject(domid, req.params.vdev as string);
            return domid;
          },
          {
            details: { vdev: req.params.vdev },
            command: xlCommand({ action: 'cd-eject', name, vdev: String(req.params.vdev) }),
          },
        );
        res.json(await status(ctx, name, domid));
      },
    },
  ];
}
