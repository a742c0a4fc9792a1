/**
 * The create-guest wizard's form values (strings and numbers as typed), their defaults, and what
 * the wizard alone knows about them: which name is taken, how much the host and the volume groups
 * have. Everything else — the request's rules and the mapping to a config — belongs to
 * `@xendeck/api` (`createGuestRequestSchema`) and `@xendeck/xl-config` (the GuestSpec mapping);
 * this module only converts form values into that request.
 */
import type { ShutdownAction } from '@xendeck/xl-config';

/** Where a disk comes from. */
export type WizardDiskSource = 'new-lv' | 'existing-lv' | 'image';

/** One disk row of the Disks step (every field kept, only those of `source` are used). */
export interface WizardDisk {
  source: WizardDiskSource;
  /** new-lv and existing-lv: the volume group. */
  volumeGroup: string;
  /** new-lv: size in GiB (may be fractional, e.g. 0.5). */
  sizeGiB: number;
  /** existing-lv: the logical volume's name. */
  volume: string;
  /** image: the image file's name in the host's image directory. */
  image: string;
}

export type GuestType = 'pv' | 'pvh' | 'hvm';
export type GuestProfile = 'windows' | 'linux' | 'other';

export interface WizardValues {
  name: string;
  type: GuestType;
  /** HVM only. */
  profile: GuestProfile;
  /** PV only: the kernel pygrub finds in the guest's disk, or one from dom0. */
  pvBoot: 'pygrub' | 'kernel';
  /** PV (kernel boot) and PVH: dom0 path of the kernel. */
  kernel: string;
  ramdisk: string;
  extra: string;
  /** HVM: ISO file name in the library, '' = no CD-ROM. */
  cdrom: string;
  memoryMiB: number;
  maxmemMiB: number;
  vcpus: number;
  disks: WizardDisk[];
  /** One vif on a bridge, or none. */
  network: boolean;
  bridge: string;
  /** `00:16:3e:xx:xx:xx`. */
  mac: string;
  /** HVM: VNC password, '' = none. */
  vncPassword: string;
  onPoweroff: ShutdownAction;
  onReboot: ShutdownAction;
  onCrash: ShutdownAction;
  /** `xl create` once the config is written. */
  start: boolean;
}

/** 1 GiB in bytes. */
export const GIB_BYTES = 1024 ** 3;

/** A new disk row: a new logical volume of 10 GiB in `volumeGroup`. */
export function newDiskRow(volumeGroup = ''): WizardDisk {
  return { source: 'new-lv', volumeGroup, sizeGiB: 10, volume: '', image: '' };
}
