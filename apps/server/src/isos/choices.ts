/**
 * `GET /api/v1/domains/:name/cdrom/isos`: the ISO library as someone holding `reinstall` on a
 * domain sees it — file names and sizes, what `POST /domains/:name/cdrom/:vdev/insert {iso}`
 * takes. The full library (`GET /isos`: dom0 directory, checksums, which domains use each ISO)
 * stays with operators and admins; uploads and removal with admins.
 */
import type { IsoChoices } from '@xendeck/api';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { domidOf } from '../routes/domains.js';
import type { RouteDef } from '../routes/types.js';
import { parseDomainName } from '../validate.js';
import { readIsoFiles } from './library.js';

export function isoChoiceRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/domains/:name/cdrom/isos',
      access: { domain: 'reinstall' },
      summary:
        'The ISOs that can be inserted in this domain: {isos: [{name, sizeBytes}]} (library names only); 404 DOMAIN_NOT_FOUND',
      handler: async (req, res) => {
        const name = parseDomainName(req.params.name);
        await domidOf(ctx.hypervisor, name);
        // No library directory: nothing to insert (the admin's GET /isos says why).
        const files = await readIsoFiles(ctx.config.isoDir).catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'ISO_LIBRARY_MISSING') return [];
          throw err;
        });
        const body: IsoChoices = {
          isos: files.map((f) => ({ name: f.name, sizeBytes: f.sizeBytes })),
        };
        res.json(body);
      },
    },
  ];
}
