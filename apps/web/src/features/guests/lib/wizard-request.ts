/**
 * From the wizard's form values to the `POST /api/v1/guests` body (xl-config's `GuestSettings`
 * plus `start`), and the form's validation: the request's own rules (domain name, LVM and image
 * names, sizes, paths...) are the api's and xl-config's; what only the wizard can know is checked
 * here against what the server listed — the name is free, vCPUs fit the host, a new volume fits
 * its volume group and its name is free there, an existing volume is unused.
 */
import {
  domainNameSchema,
  imageFileNameSchema,
  lvNameSchema,
  shutdownActionSchema,
} from '@xendeck/api';
import {
  GUEST_MAX_DISKS,
  type GuestSettings,
  guestVolumeName,
  MAC_PATTERN,
} from '@xendeck/xl-config';
import { z } from 'zod';
import type { WizardData } from '../components/wizard-data';
import { GIB_BYTES, type WizardDisk, type WizardValues } from './wizard-values';

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
    r.kernel = v.kernel.trim();
    if (v.ramdisk.trim() !== '') r.ramdisk = v.ramdisk.trim();
    if (v.extra.trim() !== '') r.extra = v.extra.trim();
  }
  if (v.network) r.network = { bridge: v.bridge, mac: v.mac };
  return r;
}

const DOM0_PATH_PROBLEM = 'an absolute dom0 path, starting with /';
const wholeNumber = (what: string) =>
  z.number({ error: `${what} is a whole number` }).int(`${what} is a whole number`);

const diskSchema = z.object({
  source: z.enum(['new-lv', 'existing-lv', 'image']),
  volumeGroup: z.string(),
  sizeGiB: z.number(),
  volume: z.string(),
  image: z.string(),
});

/**
 * The form's schema for the data the page has loaded. Field errors land on the field they concern
 * (`disks.<i>.sizeGiB`, `mac`, ...), so react-hook-form shows them there.
 */
export function wizardSchema(data: WizardData) {
  return z
    .object({
      name: domainNameSchema,
      type: z.enum(['pv', 'pvh', 'hvm']),
      profile: z.enum(['windows', 'linux', 'other']),
      pvBoot: z.enum(['pygrub', 'kernel']),
      kernel: z.string(),
      ramdisk: z.string(),
      extra: z.string(),
      cdrom: z.string(),
      memoryMiB: wholeNumber('memory').min(16, 'at least 16 MiB'),
      maxmemMiB: wholeNumber('maximum memory').min(16, 'at least 16 MiB'),
      vcpus: wholeNumber('vCPUs').min(1, 'at least 1 vCPU').max(512, 'at most 512 vCPUs'),
      disks: z.array(diskSchema).max(GUEST_MAX_DISKS, `at most ${GUEST_MAX_DISKS} disks`),
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
      const issue = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: 'custom', path, message });

      if (data.takenNames.has(v.name)) {
        issue(['name'], `“${v.name}” is taken: a domain or a config file has that name`);
      }

      const needsKernel = v.type === 'pvh' || (v.type === 'pv' && v.pvBoot === 'kernel');
      if (needsKernel) {
        if (v.kernel.trim() === '') {
          issue(['kernel'], `a ${v.type.toUpperCase()} guest needs a kernel (dom0 path)`);
        } else if (!v.kernel.trim().startsWith('/')) issue(['kernel'], DOM0_PATH_PROBLEM);
        if (v.ramdisk.trim() !== '' && !v.ramdisk.trim().startsWith('/')) {
          issue(['ramdisk'], DOM0_PATH_PROBLEM);
        }
      }
      if (v.type === 'hvm' && v.cdrom !== '' && data.isos) {
        if (!data.isos.isos.some((i) => i.name === v.cdrom)) {
          issue(['cdrom'], `${v.cdrom} is no longer in the ISO library`);
        }
      }

      if (Number.isFinite(v.maxmemMiB) && Number.isFinite(v.memoryMiB)) {
        if (v.maxmemMiB < v.memoryMiB) {
          issue(['maxmemMiB'], `at least the memory at boot (${v.memoryMiB} MiB)`);
        }
      }
      if (data.host && Number.isFinite(v.memoryMiB) && v.memoryMiB > data.host.freeMemoryMiB) {
        if (v.start) {
          issue(
            ['memoryMiB'],
            `the host has ${data.host.freeMemoryMiB} MiB free: start would fail (lower it, or untick “Start after creation”)`,
          );
        }
      }
      if (data.host && Number.isFinite(v.vcpus) && v.vcpus > data.host.nrCpus) {
        issue(['vcpus'], `at most the host’s ${data.host.nrCpus} physical CPUs`);
      }

      // Disks: what each source needs, and what the volume groups can hold.
      const wantedBytes = new Map<string, number>();
      const pickedVolumes = new Map<string, number>();
      v.disks.forEach((d, i) => {
        if (d.source === 'image') {
          const r = imageFileNameSchema.safeParse(d.image);
          if (d.image === '') issue(['disks', i, 'image'], 'choose an image file');
          else if (!r.success) issue(['disks', i, 'image'], r.error.issues[0]?.message ?? '');
          return;
        }
        if (d.volumeGroup === '') {
          issue(['disks', i, 'volumeGroup'], 'choose a volume group');
          return;
        }
        const volumes = data.volumes[d.volumeGroup];
        if (d.source === 'new-lv') {
          if (!Number.isFinite(d.sizeGiB) || d.sizeGiB <= 0) {
            issue(['disks', i, 'sizeGiB'], 'a size in GiB, more than 0');
            return;
          }
          const lv = guestVolumeName(v.name, i);
          const lvOk = lvNameSchema.safeParse(lv);
          if (!lvOk.success) {
            issue(['disks', i, 'sizeGiB'], lvOk.error.issues[0]?.message ?? 'bad volume name');
          } else if (volumes?.some((x) => x.name === lv)) {
            issue(
              ['disks', i, 'sizeGiB'],
              `/dev/${d.volumeGroup}/${lv} exists already: rename the guest, or pick it as an existing volume`,
            );
          }
          wantedBytes.set(
            d.volumeGroup,
            (wantedBytes.get(d.volumeGroup) ?? 0) + gibToBytes(d.sizeGiB),
          );
          const vg = data.volumeGroups?.find((g) => g.name === d.volumeGroup);
          const wanted = wantedBytes.get(d.volumeGroup) ?? 0;
          if (vg && wanted > vg.freeBytes) {
            issue(
              ['disks', i, 'sizeGiB'],
              `${d.volumeGroup} has ${(vg.freeBytes / GIB_BYTES).toFixed(2)} GiB free${
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
        } else if (pickedVolumes.has(key)) {
          issue(
            ['disks', i, 'volume'],
            `${d.volume} is disk ${(pickedVolumes.get(key) ?? 0) + 1} already`,
          );
        } else pickedVolumes.set(key, i);
      });

      if (v.network) {
        if (v.bridge === '') issue(['bridge'], 'choose a bridge');
        if (!MAC_PATTERN.test(v.mac)) issue(['mac'], 'six hex octets, e.g. 00:16:3e:12:34:56');
      }
      if (v.type === 'hvm' && v.vncPassword !== '') {
        if ([...v.vncPassword].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
          issue(['vncPassword'], 'no control characters');
        }
      }
    });
}
