/**
 * What the wizard's steps read from the server, gathered once by the page: the host (free memory,
 * physical CPUs), the names in use (domains and config files), the volume groups and their
 * volumes, the image files, the ISO library, and the guest defaults (bridges). Each is `undefined`
 * while loading; `*Error` holds a failed query's message.
 */
import type { Host, ImageFileList, IsoList, LogicalVolume, VolumeGroup } from '@xendeck/api';
import type { GuestPreviewPaths } from '../lib/wizard-preview';

export interface WizardData {
  host: Host | undefined;
  /** Domain names (xl list) and config file names (without .cfg) in use. */
  takenNames: ReadonlySet<string>;
  volumeGroups: VolumeGroup[] | undefined;
  volumeGroupsError?: string | undefined;
  /** Volumes of each volume group, by VG name (loaded for the VGs the disks name). */
  volumes: Record<string, LogicalVolume[] | undefined>;
  images: ImageFileList | undefined;
  imagesError?: string | undefined;
  isos: IsoList | undefined;
  isosError?: string | undefined;
  /** dom0's bridges (from the guest defaults endpoint). */
  bridges: string[] | undefined;
  bridgesError?: string | undefined;
  /** The host's config, ISO and image directories, for the preview (guest defaults endpoint). */
  paths: GuestPreviewPaths | undefined;
}
