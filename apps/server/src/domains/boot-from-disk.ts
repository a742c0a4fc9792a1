/**
 * "Eject and boot from disk", the last step of installing from an ISO:
 * `POST /api/v1/domains/:name/boot-from-disk`. It owns the one rule of what changes in the
 * domain's config file ({@link bootFromDiskEdit}) and the route that previews it (`dryRun`) or
 * applies it: the file is written through the config editor's save path (`If-Match`, lock,
 * history, atomic write: `configReplaceText` in routes/configs.ts), then, when the domain runs as
 * HVM, every CD-ROM drive with media is ejected (`hypervisor.cdEject`, as `xl cd-eject`).
 *
 * The edit takes effect at the next `xl create` (a start after a power-off): `xl reboot` and
 * `on_reboot = "restart"` rebuild the domain from the configuration libxl keeps in memory, not
 * from the file.
 */
import {
  type BootFromDiskChange,
  type BootFromDiskResult,
  bootFromDiskRequestSchema,
} from '@xendeck/api';
import { formatDiskSpec, parseDiskSpec, parseXlConfig } from '@xendeck/xl-config';
import { auditNote } from '../audit.js';
import { readConfigFile } from '../configs/files.js';
import type { AppContext } from '../context.js';
import { ApiError, toApiError } from '../errors.js';
import { configReplaceText } from '../routes/configs.js';
import { auditedDomainAction } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseBody, parseDomainName } from '../validate.js';
import { cdromDrives } from './cdrom.js';

/**
 * The boot order with the CD (`d`) removed and the disk (`c`) first, the other devices (`a`
 * floppy, `n` network) kept in their order: `"dc"` → `"c"`, `"d"` → `"c"`, `"cd"` → `"c"`,
 * `"dn"` → `"cn"`, `"nc"` → `"cn"` (xl.cfg(5) `boot`).
 */
export function diskFirstBootOrder(boot: string): string {
  return `c${[...boot].filter((ch) => ch !== 'c' && ch !== 'd').join('')}`;
}

/** What {@link bootFromDiskEdit} makes of a config file's text. */
export interface BootFromDiskEdit {
  /** The new text: the input with only the changed values replaced (comments, layout kept). */
  text: string;
  /** Each change, in file order of the keys (`boot` first when both change). */
  changes: BootFromDiskChange[];
}

/**
 * THE rule of "boot from disk", applied to an xl config file's text with `@xendeck/xl-config`'s
 * lossless document (only the changed values are rewritten):
 * - `boot`, when set, becomes {@link diskFirstBootOrder} of it. No `boot` key stays absent: xl's
 *   default for HVM is `"cd"`, the disk first already.
 * - each `disk` entry that is a CD-ROM drive with an image (`devtype=cdrom`, `:cdrom`, or `cdrom`
 *   positional, with a non-empty target) keeps its drive and loses its image: it is rewritten by
 *   `formatDiskSpec` with no target and format `empty` (e.g. `'file:/x.iso,hdc:cdrom,r'` →
 *   `'format=empty, vdev=hdc, access=ro, devtype=cdrom'`, which `xl create -n` reads as an empty
 *   drive, xl-disk-configuration(5)); the other disk settings (backend, script…) are kept.
 * Items of `disk` that are not strings, or that xl could not parse, are left as they are.
 * Throws 422 CONFIG_INVALID when the text has syntax errors (xl would not read it; nothing can be
 * edited safely).
 */
export function bootFromDiskEdit(text: string): BootFromDiskEdit {
  const doc = parseXlConfig(text);
  if (doc.errors.length) {
    const first = doc.errors[0];
    throw new ApiError(
      'CONFIG_INVALID',
      `xl would refuse this config file (line ${first?.line}, column ${first?.column}: ${first?.message}); fix it in the editor first`,
      { errors: doc.errors },
    );
  }
  const changes: BootFromDiskChange[] = [];
  const boot = doc.get('boot');
  if (typeof boot === 'string') {
    const after = diskFirstBootOrder(boot);
    if (after !== boot) {
      doc.set('boot', after);
      changes.push({ kind: 'boot', before: boot, after });
    }
  }
  const disks = doc.get('disk');
  if (Array.isArray(disks)) {
    disks.forEach((item, index) => {
      if (typeof item !== 'string') return;
      const spec = parseDiskSpec(item).disk;
      if (spec?.devtype !== 'cdrom' || !spec.target) return;
      const { target: _image, ...drive } = spec;
      const after = formatDiskSpec({ ...drive, format: 'empty' });
      doc.setListItem('disk', index, after);
      changes.push({ kind: 'cdrom', vdev: spec.vdev, before: item, after });
    });
  }
  return { text: doc.toString(), changes };
}

export function bootFromDiskRoutes(ctx: AppContext): RouteDef[] {
  const hv = ctx.hypervisor;
  return [
    {
      method: 'post',
      path: '/domains/:name/boot-from-disk',
      access: { domain: 'reinstall' },
      summary:
        'Eject and boot from disk: {dryRun: true} previews <name>.cfg before/after; without, applies (If-Match), then ejects the CDs',
      audit: { action: 'domain.boot-from-disk', domainParam: 'name' },
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        const { dryRun } = parseBody(bootFromDiskRequestSchema, req.body);

        /**
         * The file, the edit, the running domain's drives with media, and the answer's common
         * part (a dry run's whole answer).
         */
        const plan = async () => {
          const file = await readConfigFile(ctx.config.configDir, name);
          const edit = bootFromDiskEdit(file.text);
          const domid = await hv.domidByName(name);
          let eject: string[] = [];
          if (domid !== undefined && (await hv.domainInfo(domid)).type === 'hvm') {
            eject = (await cdromDrives(ctx, domid)).filter((d) => d.target).map((d) => d.vdev);
          }
          const preview: BootFromDiskResult = {
            name,
            path: file.path,
            dryRun,
            running: domid !== undefined,
            before: file.text,
            after: edit.text,
            etag: file.etag,
            changes: edit.changes,
            eject,
            written: false,
          };
          return { file, edit, domid, eject, preview };
        };

        if (dryRun) {
          auditNote(res, { skip: true }); // a preview changes nothing
          const { file, preview } = await plan();
          res.setHeader('ETag', file.etag).json(preview);
          return;
        }

        const body = await auditedDomainAction(ctx, res, async (): Promise<BootFromDiskResult> => {
          const { file, edit, domid, eject, preview } = await plan();
          // Checks If-Match against the file under its lock, keeps history, writes atomically.
          const saved = await configReplaceText(ctx)(req, res, name, edit.text, 'edit', {
            via: 'boot-from-disk',
          });
          for (const vdev of eject) {
            try {
              await hv.cdEject(domid as number, vdev);
            } catch (err) {
              const e = toApiError(err);
              throw new ApiError(
                e.code,
                `${file.path} was written (ETag ${saved.etag}), but ejecting the CD in ${vdev} failed: ${e.message}`,
                { ...e.details, written: saved.written, newEtag: saved.etag, vdev },
                e.status,
              );
            }
          }
          return {
            ...preview,
            written: saved.written,
            newEtag: saved.etag,
            versionId: saved.versionId,
          };
        });
        if (body.newEtag) res.setHeader('ETag', body.newEtag);
        res.json(body);
      },
    },
  ];
}
