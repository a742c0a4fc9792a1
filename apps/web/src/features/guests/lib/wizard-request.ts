/**
 * From the wizard's form values to the `POST /api/v1/guests` body (xl-config's `GuestSettings`
 * plus `start`), and the form's validation: the request's own rules (domain name, LVM and image
 * names, sizes, paths...) are the api's and xl-config's; what only the wizard can know is checked
 * here against what the server listed — the name is free, vCPUs fit the host, a new volume fits
 * its volume group and its name is free there, an existing volume is unused.
 */
import { createGuestRequestSchema, shutdownActionSchema } from '@xendeck/api';
import { type GuestSettings, guestProblems, guestVolumeName } from '@xendeck/xl-config';
import type { FieldPath } from 'react-hook-form';
import { z } from 'zod';
import { formatMiB } from '@/lib/format';
import type { WizardData } from '../components/wizard-data';
import { GIB_BYTES, type WizardDisk, type WizardValues } from './wizard-values';

const MIB_BYTES = 1024 * 1024;

/** The `POST /api/v1/guests` body. */
export type GuestRequest = GuestSettings & { start: boolean };

/** Bytes of `sizeGiB` GiB, rounded up to a whole byte. */
export function gibToBytes(sizeGiB: number): number {
  return Math.ceil(sizeGiB * GIB_BYTES);
}

/** The name the new volume of disk `index` gets (xl-config's `guestVolumeName`), `<name>-disk<i>`. */
export function newVolumeNameFor(name: string, _disks: readonly WizardDisk[], index: number) {
  return guestVolumeName(name === '' ? '<name>' : name, index);
}

/** The request for form values (valid or not: the preview shows what it can). */
export function toGuestRequest(v: WizardValues): GuestRequest {
  const hvm = v.type === 'hvm';
  const r: GuestRequest = {
    name: v.name,
    type: v.type,
    memoryMiB: v.memoryMiB,
    vcpus: v.vcpus,
    disks: v.disks.map((d) =>
      d.source === 'new-lv'
        ? { volumeGroup: d.volumeGroup, sizeBytes: gibToBytes(d.sizeGiB) }
        : d.source === 'existing-lv'
          ? { volumeGroup: d.volumeGroup, volume: d.volume }
          : { imageFile: d.image },
    ),
    onPoweroff: v.onPoweroff,
    onReboot: v.onReboot,
    onCrash: v.onCrash,
    start: v.start,
  };
  if (Number.isFinite(v.maxmemMiB) && v.maxmemMiB !== v.memoryMiB) r.maxmemMiB = v.maxmemMiB;
  if (hvm) {
    r.profile = v.profile;
    if (v.cdrom !== '') r.cdrom = v.cdrom;
    r.vnc = v.vncPassword === '' ? { enabled: true } : { enabled: true, password: v.vncPassword };
  } else if (v.type === 'pv' && v.pvBoot === 'pygrub') {
    r.bootloader = 'pygrub';
  } else {
    if (v.kernel.trim() !== '') r.kernel = v.kernel.trim();
    if (v.ramdisk.trim() !== '') r.ramdisk = v.ramdisk.trim();
    if (v.extra.trim() !== '') r.extra = v.extra.trim();
  }
  if (v.network) r.network = { bridge: v.bridge, mac: v.mac };
  return r;
}

/**
 * Where an issue of the request (a path of `createGuestRequestSchema` or of xl-config's
 * `guestProblems`, e.g. `disks.0.sizeBytes`, `network.mac`) shows in the form.
 */
export function formFieldOfIssue(path: string): FieldPath<WizardValues> | undefined {
  const disk = /^disks\.(\d+)(?:\.(\w+))?/.exec(path);
  if (disk) {
    const field =
      { sizeBytes: 'sizeGiB', volume: 'volume', imageFile: 'image' }[disk[2] ?? ''] ??
      'volumeGroup';
    return `disks.${Number(disk[1])}.${field as 'volumeGroup'}`;
  }
  const direct: Record<string, FieldPath<WizardValues>> = {
    name: 'name',
    type: 'type',
    profile: 'profile',
    memoryMiB: 'memoryMiB',
    maxmemMiB: 'maxmemMiB',
    vcpus: 'vcpus',
    kernel: 'kernel',
    ramdisk: 'ramdisk',
    extra: 'extra',
    bootloader: 'pvBoot',
    cdrom: 'cdrom',
    disks: 'disks',
    'network.bridge': 'bridge',
    'network.mac': 'mac',
    'vnc.password': 'vncPassword',
    onPoweroff: 'onPoweroff',
    onReboot: 'onReboot',
    onCrash: 'onCrash',
  };
  return direct[path];
}

/** A number input's value: a number, or NaN while empty (react-hook-form `valueAsNumber`). */
const typedNumber = (what: string) => z.number({ error: `${what}: type a number` });

const diskSchema = z.object({
  source: z.enum(['new-lv', 'existing-lv', 'image']),
  volumeGroup: z.string(),
  sizeGiB: z.number(),
  volume: z.string(),
  image: z.string(),
});

/**
 * The form's schema for the data the page has loaded. The request's rules are the api's
 * (`createGuestRequestSchema`) and xl-config's (`guestProblems`), run on the request these values
 * make, each issue moved onto its field ({@link formFieldOfIssue}); then what only the wizard can
 * check against the host's lists. Errors land on the field they concern (`disks.<i>.sizeGiB`...).
 */
export function wizardSchema(data: WizardData) {
  return z
    .object({
      name: z.string(),
      type: z.enum(['pv', 'pvh', 'hvm']),
      profile: z.enum(['windows', 'linux', 'other']),
      pvBoot: z.enum(['pygrub', 'kernel']),
      kernel: z.string(),
      ramdisk: z.string(),
      extra: z.string(),
      cdrom: z.string(),
      memoryMiB: typedNumber('memory'),
      maxmemMiB: typedNumber('maxmem'),
      vcpus: typedNumber('vCPUs'),
      disks: z.array(diskSchema),
      network: z.boolean(),
      bridge: z.string(),
      mac: z.string(),
      vncPassword: z.string(),
      onPoweroff: shutdownActionSchema,
      onReboot: shutdownActionSchema,
      onCrash: shutdownActionSchema,
      start: z.boolean(),
    })
    .superRefine((v, ctx) => {
      const seen = new Set<string>();
      const issue = (path: (string | number)[], message: string) => {
        const key = path.join('.');
        if (seen.has(key)) return; // the first message per field is enough
        seen.add(key);
        ctx.addIssue({ code: 'custom', path, message });
      };
      const request = toGuestRequest(v);

      // What only the wizard knows: the host's lists.
      if (v.network && v.bridge === '') {
        issue(['bridge'], data.bridges ? 'choose a bridge' : 'waiting for the host’s bridges…');
      }
      if (data.takenNames.has(v.name)) {
        issue(['name'], `“${v.name}” is taken: a domain or a config file has that name`);
      }
      if (v.type === 'hvm' && v.cdrom !== '' && data.isos) {
        if (!data.isos.isos.some((i) => i.name === v.cdrom)) {
          issue(['cdrom'], `${v.cdrom} is no longer in the ISO library`);
        }
      }
      if (data.host && v.start && v.memoryMiB > data.host.freeMemoryMiB) {
        issue(
          ['memoryMiB'],
          `the host has ${data.host.freeMemoryMiB} MiB free: starting would fail (lower it, or untick “Start after creation”)`,
        );
      }
      if (data.host && v.vcpus > data.host.nrCpus) {
        issue(['vcpus'], `at most the host’s ${data.host.nrCpus} physical CPUs`);
      }

      const wantedBytes = new Map<string, number>();
      const picked = new Map<string, number>();
      v.disks.forEach((d, i) => {
        if (d.source === 'image') {
          if (d.image === '') {
            issue(
              ['disks', i, 'image'],
              data.images ? 'choose an image file' : 'waiting for the image files…',
            );
          }
          const file = data.images?.images.find((f) => f.name === d.image);
          if (file && file.usedBy.length > 0) {
            issue(['disks', i, 'image'], `${d.image} is in use; pick an unused file`);
          }
          return;
        }
        if (d.volumeGroup === '') {
          issue(
            ['disks', i, 'volumeGroup'],
            data.volumeGroups ? 'choose a volume group' : 'waiting for the volume groups…',
          );
          return;
        }
        const volumes = data.volumes[d.volumeGroup];
        if (d.source === 'new-lv') {
          if (!(d.sizeGiB > 0)) {
            issue(['disks', i, 'sizeGiB'], 'a size in GiB, more than 0');
            return;
          }
          const lv = guestVolumeName(v.name, i);
          if (volumes?.some((x) => x.name === lv)) {
            issue(
              ['disks', i, 'sizeGiB'],
              `/dev/${d.volumeGroup}/${lv} exists already: rename the guest, or use it as an existing volume`,
            );
          }
          const wanted = (wantedBytes.get(d.volumeGroup) ?? 0) + gibToBytes(d.sizeGiB);
          wantedBytes.set(d.volumeGroup, wanted);
          const vg = data.volumeGroups?.find((g) => g.name === d.volumeGroup);
          if (vg && wanted > vg.freeBytes) {
            issue(
              ['disks', i, 'sizeGiB'],
              `${d.volumeGroup} has ${formatMiB(vg.freeBytes / MIB_BYTES)} free${
                wanted > gibToBytes(d.sizeGiB) ? ' for all the new volumes in it' : ''
              }`,
            );
          }
          return;
        }
        if (d.volume === '') {
          issue(['disks', i, 'volume'], 'choose a logical volume');
          return;
        }
        const key = `${d.volumeGroup}/${d.volume}`;
        const lv = volumes?.find((x) => x.name === d.volume);
        if (lv && lv.usedBy.length > 0) {
          issue(['disks', i, 'volume'], `${d.volume} is in use; pick an unused volume`);
        } else if (picked.has(key)) {
          issue(
            ['disks', i, 'volume'],
            `${d.volume} is disk ${(picked.get(key) ?? 0) + 1} already`,
          );
        } else picked.set(key, i);
      });

      // The request's own rules, written once in @xendeck/api and @xendeck/xl-config (after the
      // wizard's own messages above, which say more where both apply: the first per field wins).
      const parsed = createGuestRequestSchema.safeParse(request);
      const problems = [
        ...(parsed.success
          ? []
          : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))),
        ...guestProblems(request),
      ];
      for (const p of problems) {
        const field = formFieldOfIssue(p.path);
        if (field) issue(field.split('.'), p.message);
      }
    });
}
