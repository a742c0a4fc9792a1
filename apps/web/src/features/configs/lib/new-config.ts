/**
 * The new-config form's values, their validation (each disk spec read by xl-config's
 * `parseDiskSpec`, the bridge by `parseVifSpec`, exactly as xl will read them), and the form
 * values → `POST /api/v1/configs` model. The model → config mapping is xl-config's
 * (`configFormDomainConfig`, the one the server writes with), not a copy here.
 */
import { domainNameSchema, type NewConfigModel } from '@xendeck/api';
import {
  cdromDisk,
  configFormDomainConfig,
  formatDiskSpec,
  formatXlConfig,
  parseDiskSpec,
  parseVifSpec,
  rawDisk,
  volumePath,
} from '@xendeck/xl-config';
import { z } from 'zod';

/** A Linux interface name (bridge): 1–15 characters, no `/`, `,`, `=`, blank or quote. */
const BRIDGE_NAME = /^[A-Za-z0-9_.:-]{1,15}$/;

const text = z.string().trim();

/** Form values (strings as typed; numbers through `valueAsNumber`). */
export const newConfigFormSchema = z
  .object({
    name: domainNameSchema,
    type: z.enum(['pv', 'pvh', 'hvm']),
    memoryMiB: z
      .number({ error: 'memory is a whole number of MiB' })
      .int('memory is a whole number of MiB')
      .min(16, 'at least 16 MiB')
      .max(16 * 1024 * 1024, 'at most 16 TiB'),
    vcpus: z
      .number({ error: 'vCPUs is a whole number' })
      .int('vCPUs is a whole number')
      .min(1, 'at least 1 vCPU')
      .max(512, 'at most 512 vCPUs'),
    /** PV only: boot a kernel from dom0, or the one pygrub finds in the guest's disk. */
    pvBoot: z.enum(['kernel', 'pygrub']),
    kernel: text,
    ramdisk: text,
    extra: text,
    /** HVM only: dom0 path of an installer ISO, attached as a CD-ROM (`hdc:cdrom`) and booted first. */
    isoPath: text,
    vnc: z.boolean(),
    vnclisten: text,
    serialPty: z.boolean(),
    disks: z.array(z.object({ spec: text })),
    /** dom0 bridge of the one vif; empty for no network. */
    bridge: text,
  })
  .superRefine((v, ctx) => {
    const needsKernel = v.type === 'pvh' || (v.type === 'pv' && v.pvBoot === 'kernel');
    if (needsKernel && v.kernel === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['kernel'],
        message: `a ${v.type.toUpperCase()} guest needs a kernel (dom0 path)`,
      });
    }
    for (const k of ['kernel', 'ramdisk', 'isoPath'] as const) {
      if (v[k] !== '' && !v[k].startsWith('/')) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: 'an absolute dom0 path, starting with /',
        });
      }
    }
    v.disks.forEach((d, i) => {
      if (d.spec === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['disks', i, 'spec'],
          message: 'empty disk spec; remove it or fill it in',
        });
        return;
      }
      const parsed = parseDiskSpec(d.spec);
      const first = parsed.errors[0];
      if (first) {
        ctx.addIssue({ code: 'custom', path: ['disks', i, 'spec'], message: first.message });
      }
    });
    if (v.bridge !== '') {
      if (!BRIDGE_NAME.test(v.bridge)) {
        ctx.addIssue({
          code: 'custom',
          path: ['bridge'],
          message: 'a bridge name is 1–15 letters, digits, "_", ".", ":" or "-"',
        });
      } else {
        const w = parseVifSpec(`bridge=${v.bridge}`).warnings[0];
        if (w) ctx.addIssue({ code: 'custom', path: ['bridge'], message: w.message });
      }
    }
    if (v.type === 'hvm' && v.vnc && v.vnclisten === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['vnclisten'],
        message: 'the address QEMU’s VNC server listens on, e.g. 127.0.0.1',
      });
    }
  });

export type NewConfigValues = z.infer<typeof newConfigFormSchema>;

export const newConfigDefaults: NewConfigValues = {
  name: '',
  type: 'pvh',
  memoryMiB: 1024,
  vcpus: 1,
  pvBoot: 'kernel',
  kernel: '',
  ramdisk: '',
  extra: '',
  isoPath: '',
  vnc: true,
  vnclisten: '127.0.0.1',
  serialPty: true,
  disks: [],
  bridge: 'xenbr0',
};

/** The disk spec of an installer ISO: xl-config's CD-ROM drive (`hdc`, read-only) holding it. */
export function isoDiskSpec(isoPath: string): string {
  return formatDiskSpec(cdromDisk(isoPath));
}

/** The disk spec of an LVM logical volume used whole as a raw disk (xl-config's `rawDisk`): `format=raw, vdev=…, access=rw, target=/dev/<vg>/<lv>`. */
export function lvmDiskSpec(vg: string, lv: string, vdev: string): string {
  return formatDiskSpec(rawDisk(volumePath(vg, lv), vdev));
}

/** The first `xvd<letter>` not used by any of `specs` (unparseable specs are skipped). */
export function nextXvd(specs: readonly string[]): string {
  const used = new Set(specs.map((s) => parseDiskSpec(s).disk?.vdev).filter(Boolean));
  for (let c = 0; c < 26; c++) {
    const vdev = `xvd${String.fromCharCode(0x61 + c)}`;
    if (!used.has(vdev)) return vdev;
  }
  return 'xvdz';
}

/** The `POST /api/v1/configs` model for valid form values. */
export function toNewConfigModel(v: NewConfigValues): NewConfigModel {
  const disk = v.disks.map((d) => d.spec);
  const model: NewConfigModel = {
    type: v.type,
    memoryMiB: v.memoryMiB,
    vcpus: v.vcpus,
    disk,
    vif: v.bridge === '' ? [] : [`bridge=${v.bridge}`],
  };
  if (v.type === 'pv' && v.pvBoot === 'pygrub') {
    model.bootloader = 'pygrub';
  } else if (v.type !== 'hvm') {
    model.kernel = v.kernel;
    if (v.ramdisk !== '') model.ramdisk = v.ramdisk;
    if (v.extra !== '') model.extra = v.extra;
  }
  if (v.type === 'hvm') {
    if (v.isoPath !== '') {
      disk.push(isoDiskSpec(v.isoPath));
      model.boot = 'd';
    }
    model.vnc = v.vnc;
    if (v.vnc) model.vnclisten = v.vnclisten;
    if (v.serialPty) model.serial = 'pty';
  }
  return model;
}

/**
 * The file the server will write for `name` and `model`, without its first comment line:
 * `formatXlConfig` of xl-config's `configFormDomainConfig` (the server's mapping too). Specs that
 * do not parse are left out (the form shows their errors).
 * @throws TypeError from formatXlConfig for a value it cannot write.
 */
export function previewNewConfig(name: string, model: NewConfigModel): string {
  return formatXlConfig(configFormDomainConfig(name, model).config);
}
