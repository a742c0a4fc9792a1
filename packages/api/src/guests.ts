/**
 * New guests (issue 9 §4): `POST /api/v1/guests` creates one — new logical volumes or image files,
 * `<configDir>/<name>.cfg` written by @xendeck/xl-config's `guestDomainConfig`, `xl create` when
 * asked — as a `guest.create` task (202 `{task}`); `GET /api/v1/guests/host` gives the wizard the
 * host's bridges and directories. Admin only.
 *
 * The shapes are @xendeck/xl-config's `GuestSettings` (guest.ts), which owns what they mean in xl
 * terms; this module validates them at the edge. The type rules (kernel for PVH, CD-ROM for HVM
 * only…) are xl-config's `guestProblems`, which the server runs after this schema (422
 * INVALID_INPUT with the same `details.issues` shape) and the web runs in its form. There is no
 * preview endpoint: the web computes the preview with xl-config's `guestPreview`, the same code
 * the server writes with.
 */
import type { GuestDiskSource, GuestSettings } from '@xendeck/xl-config';
import { z } from 'zod';
// A cycle (index.ts re-exports this module): only read inside z.lazy, after index.ts has run.
import { configString, domainNameSchema, shutdownActionSchema } from './index.js';
import { isoNameSchema } from './isos.js';
import { imageFileNameSchema, lvNameSchema, sizeBytesSchema, vgNameSchema } from './storage.js';
import { type TaskAccepted, taskAcceptedSchema } from './tasks.js';

/** Most disks in one request (= xl-config's `GUEST_MAX_DISKS`; the server's test holds them equal). */
export const GUEST_REQUEST_MAX_DISKS = 16;

/**
 * A dom0 bridge name as Linux allows an interface name (IFNAMSIZ 16 with the NUL;
 * `dev_valid_name`: no `/`, `:` or blank) and a vif spec can carry it (no `,` or `=`):
 * 1–15 of `A-Z a-z 0-9 _ . -`, not `.` or `..`.
 */
export const bridgeNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,15}$/, 'a bridge name is 1–15 letters, digits, "_", "." or "-"')
  .refine((n) => n !== '.' && n !== '..', '"." and ".." are not bridge names');

/** A dom0 path the config names (kernel, ramdisk): absolute, one line without control characters, ≤ 4096. */
const dom0PathSchema = (what: string) =>
  z.lazy(() =>
    configString(what).refine(
      (p) => p.startsWith('/'),
      `${what} is an absolute dom0 path (starting with /)`,
    ),
  );

/**
 * One disk, by where it comes from (exactly one of these shapes; the first is xvda):
 * - `{volumeGroup, sizeBytes}`: a new logical volume `<name>-disk<i>` (i = its index in `disks`),
 *   at least `sizeBytes` bytes (LVM rounds up to whole extents);
 * - `{volumeGroup, volume}`: an existing logical volume, which no config and no running domain
 *   may name (409 VOLUME_IN_USE otherwise);
 * - `{imageFile}`: an existing raw image file in the image directory (XENDECK_IMAGE_DIR), unused;
 * - `{imageFile, sizeBytes}`: a new sparse raw image file there (409 IMAGE_EXISTS if it exists).
 */
export const guestDiskSchema = z
  .object({
    volumeGroup: vgNameSchema.optional(),
    volume: lvNameSchema.optional(),
    imageFile: imageFileNameSchema.optional(),
    sizeBytes: sizeBytesSchema.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const lvm = d.volumeGroup !== undefined;
    const file = d.imageFile !== undefined;
    if (lvm === file) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a disk is {volumeGroup, sizeBytes} (new volume), {volumeGroup, volume} (existing volume), {imageFile} or {imageFile, sizeBytes}',
      });
    } else if (lvm && (d.volume === undefined) === (d.sizeBytes === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sizeBytes'],
        message: 'a volume disk has either sizeBytes (a new volume) or volume (an existing one)',
      });
    } else if (file && d.volume !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['volume'],
        message: 'an image file disk has no volume',
      });
    }
  }) as unknown as z.ZodType<GuestDiskSource, GuestDiskSource>; // exactly its shapes, which zod cannot infer

/**
 * `POST /api/v1/guests` body: xl-config's `GuestSettings` and `start`. Units in the names.
 * Example: `{"name":"web1","type":"hvm","profile":"linux","memoryMiB":1024,"vcpus":2,
 * "disks":[{"volumeGroup":"vg0","sizeBytes":10737418240}],"cdrom":"debian-12.iso",
 * "network":{"bridge":"xenbr0"},"start":true}`.
 */
export const createGuestRequestSchema = z
  .object({
    /** Domain name and config file name; no config file nor domain may have it (409). */
    name: z.lazy(() => domainNameSchema),
    /** `pv` (pygrub, or kernel + ramdisk), `pvh` (kernel), `hvm` (firmware: disk or CD-ROM). */
    type: z.enum(['pv', 'pvh', 'hvm']),
    /** HVM only: `windows`, `linux` or `other` (default): which emulated hardware (xl-config GUEST_PROFILES). */
    profile: z.enum(['windows', 'linux', 'other']).optional(),
    /** `memory`: MiB at boot, 16 MiB – 16 TiB. */
    memoryMiB: z
      .number()
      .int('memory is a whole number of MiB')
      .min(16, 'at least 16 MiB')
      .max(16 * 1024 * 1024, 'at most 16 TiB'),
    /** `maxmem`: MiB the balloon may grow to (≥ memoryMiB). */
    maxmemMiB: z
      .number()
      .int('maxmem is a whole number of MiB')
      .min(16, 'at least 16 MiB')
      .max(16 * 1024 * 1024, 'at most 16 TiB')
      .optional(),
    /** `vcpus`: vCPUs online at boot, 1–512. */
    vcpus: z.number().int('a whole number of vCPUs').min(1).max(512),
    /** `maxvcpus`: hot-pluggable maximum (≥ vcpus). */
    maxvcpus: z.number().int('a whole number of vCPUs').min(1).max(512).optional(),
    /** PV only: boot with pygrub (the kernel inside the guest's first disk). */
    bootloader: z.literal('pygrub').optional(),
    /** PV/PVH: dom0 path of the kernel (PVH needs one; PV needs it or pygrub). */
    kernel: dom0PathSchema('kernel').optional(),
    /** PV/PVH: dom0 path of the initrd. */
    ramdisk: dom0PathSchema('ramdisk').optional(),
    /** PV/PVH: appended to the kernel command line, e.g. `console=hvc0`. */
    extra: z.lazy(() => configString('extra', 1024)).optional(),
    /** Disks in order (0–16); see {@link guestDiskSchema}. */
    disks: z
      .array(guestDiskSchema)
      .max(GUEST_REQUEST_MAX_DISKS, `at most ${GUEST_REQUEST_MAX_DISKS} disks`),
    /** HVM only: file name of an ISO in the library (XENDECK_ISO_DIR), in the CD-ROM drive `hdc`. */
    cdrom: isoNameSchema.optional(),
    /**
     * One vif on `bridge` (one of the host's, `GET /guests/host`); `mac` (six hex octets, checked
     * as xl reads `mac=`) is generated by the server in Xen's OUI `00:16:3e` when absent. Absent:
     * no network interface.
     */
    network: z
      .object({
        bridge: bridgeNameSchema,
        mac: z.string().max(17, 'a MAC is 17 characters').optional(),
      })
      .strict()
      .optional(),
    /**
     * HVM only: the device model's VNC server, always on 127.0.0.1 (Xendeck's console proxy is the
     * way in); default enabled. `password`: `vncpasswd`, 1–8 printable ASCII characters (VNC's
     * DES authentication uses 8); absent = none.
     */
    vnc: z
      .object({
        enabled: z.boolean(),
        password: z
          .string()
          .regex(/^[\x20-\x7e]{1,8}$/, 'a VNC password is 1–8 printable ASCII characters')
          .optional(),
      })
      .strict()
      .optional(),
    /** `on_poweroff` (libxl default `destroy`). */
    onPoweroff: z.lazy(() => shutdownActionSchema).optional(),
    /** `on_reboot` (libxl default `restart`). */
    onReboot: z.lazy(() => shutdownActionSchema).optional(),
    /** `on_crash` (libxl default `destroy`). */
    onCrash: z.lazy(() => shutdownActionSchema).optional(),
    /** Start the guest (`xl create`) once its disks and config exist; default false. */
    start: z.boolean().default(false),
  })
  .strict();
/** The body as sent (`start` optional). */
export type CreateGuestRequest = z.input<typeof createGuestRequestSchema>;
/** The body after validation. */
export type CreateGuestRequestParsed = z.output<typeof createGuestRequestSchema>;

// The parsed body must be xl-config's GuestSettings (plus start), so the two cannot drift apart.
type Assert<T extends true> = T;
export type _CreateGuestMatchesSettings = Assert<
  Omit<CreateGuestRequestParsed, 'start'> extends GuestSettings ? true : false
>;

/**
 * `POST /api/v1/guests` answer (202): the `guest.create` task. Its steps, by name (those that
 * apply, in order): `create volume <lv> (<size>) in <vg>` per new volume, `create image file
 * <file> (<size>)` per new image file, `write <configPath>`, `xl create <configPath>` when `start`.
 * When a step fails the task fails with its error and the steps before it are undone (only what
 * this task created is removed; the config file is moved aside, see API.md). The task's `result`
 * once succeeded is {@link createGuestResultSchema}.
 */
export const createGuestAcceptedSchema = taskAcceptedSchema;
export type CreateGuestAccepted = TaskAccepted;

/**
 * `result` of a succeeded `guest.create` task: the domain's name, its domid when started (null
 * otherwise), the config file written, the vif's MAC (null without network), what was created
 * (new volumes with their real size after extent rounding, new image files).
 */
export const createGuestResultSchema = z.object({
  name: z.string(),
  domid: z.number().int().nullable(),
  configPath: z.string(),
  mac: z.string().nullable(),
  volumes: z.array(
    z.object({
      volumeGroup: z.string(),
      name: z.string(),
      path: z.string(),
      sizeBytes: z.number(),
    }),
  ),
  images: z.array(z.object({ path: z.string(), sizeBytes: z.number() })),
});
export type CreateGuestResult = z.infer<typeof createGuestResultSchema>;

/**
 * `GET /api/v1/guests/host`: what the wizard needs from the host besides the storage and ISO
 * lists. `bridges`: dom0's bridges by name (the directories `/sys/class/net/<if>/bridge` on a real
 * host; `xenbr0` on the simulated one). `configDir`, `isoDir`, `imageDir`: the absolute dom0
 * directories of the config files, the ISO library and the image files (XENDECK_CONFIG_DIR,
 * XENDECK_ISO_DIR, XENDECK_IMAGE_DIR) — with xl-config's `guestPreview` they give the exact file
 * and paths the server will write. Profile minimums are xl-config's `GUEST_PROFILES`.
 */
export const guestHostSchema = z.object({
  bridges: z.array(z.string()),
  configDir: z.string(),
  isoDir: z.string(),
  imageDir: z.string(),
});
export type GuestHost = z.infer<typeof guestHostSchema>;
