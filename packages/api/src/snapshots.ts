/**
 * Guest snapshots and clones on LVM (issue 10 §4): the request and answer shapes of
 * `/api/v1/domains/:name/snapshots…` and `/api/v1/domains/:name/clone…`, shared by the server
 * (`apps/server/src/snapshots/`) and the web (`apps/web/src/features/snapshots/`).
 * Paths are under `/api/v1`. Sizes are bytes; times ISO 8601 UTC.
 *
 * A guest's volumes are the logical volumes its config file's `disk = [...]` names (CD-ROMs and
 * read-only disks aside). A snapshot SET is one LVM snapshot per volume, taken at one moment:
 * each named `<lv>-snap-<label>`, tagged `xendeck-snapshot=<domain>:<label>` and
 * `xendeck-snapshot-at=<time>` (the time it was taken, ISO 8601 to the second, UTC).
 */
import { z } from 'zod';
import { domainNameSchema } from './index.js';

/** The LVM tag naming a snapshot set: `xendeck-snapshot=<domain>:<label>`. */
export const SNAPSHOT_TAG_PREFIX = 'xendeck-snapshot=';
/** The LVM tag carrying a set's time: `xendeck-snapshot-at=<ISO 8601 UTC, seconds>`. */
export const SNAPSHOT_TIME_TAG_PREFIX = 'xendeck-snapshot-at=';
/** The LVM tag of a snapshot-based clone's volumes: `xendeck-clone-of=<source domain>`. */
export const CLONE_TAG_PREFIX = 'xendeck-clone-of=';
/** Infix of a snapshot LV's name: `<lv>-snap-<label>`. */
export const SNAPSHOT_LV_INFIX = '-snap-';

/**
 * A snapshot set's label: 1–32 letters, digits, `_`, `.`, `+`, `-`, starting with a letter or
 * digit (it becomes part of LV names and LVM tags, so only characters both allow).
 */
export const snapshotLabelSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,31}$/,
    'a label is 1–32 letters, digits, "_", ".", "+" or "-", starting with a letter or digit',
  );

/** One volume of a guest: a logical volume its config's disks name. */
export const guestVolumeSchema = z.object({
  vg: z.string(),
  lv: z.string(),
  /** `/dev/<vg>/<lv>`. */
  path: z.string(),
  /** lv_size, bytes; null when the volume does not exist (the config names a missing LV). */
  sizeBytes: z.number().int().nullable(),
  /** The device is open (lv_attr[5] 'o'): a running domain holds it. */
  open: z.boolean(),
  /** The disk's `vdev` in the config (`xvda`). */
  vdev: z.string(),
});
export type GuestVolume = z.infer<typeof guestVolumeSchema>;

/** One LVM snapshot of a set. */
export const volumeSnapshotSchema = z.object({
  vg: z.string(),
  /** The guest volume it snapshots (LVM's `origin`). */
  origin: z.string(),
  /** The snapshot LV's name, `<origin>-snap-<label>`. */
  name: z.string(),
  /** Room for changed blocks (the snapshot LV's lv_size), bytes. */
  sizeBytes: z.number().int(),
  /** lv_attr; [4] 'I' = invalid (the room filled up: the snapshot is lost). */
  attr: z.string(),
});
export type VolumeSnapshot = z.infer<typeof volumeSnapshotSchema>;

/** A snapshot set of a guest. */
export const snapshotSetSchema = z.object({
  label: z.string(),
  /** When it was taken (the `xendeck-snapshot-at` tag); null when the tag is missing. */
  createdAt: z.string().nullable(),
  volumes: z.array(volumeSnapshotSchema),
  /** Every current volume of the guest has a snapshot in the set (a revert restores the whole guest). */
  complete: z.boolean(),
  /** The lvm commands of a revert (merge, then the snapshot taken again) and of a delete. */
  commands: z.object({ revert: z.array(z.string()), remove: z.array(z.string()) }),
});
export type SnapshotSet = z.infer<typeof snapshotSetSchema>;

/** `GET /domains/:name/snapshots`. */
export const snapshotListSchema = z.object({
  domain: z.string(),
  /** `<configDir>/<name>.cfg`. */
  configPath: z.string(),
  /** A domain of that name exists now (running, paused, …): a revert is refused. */
  running: z.boolean(),
  volumes: z.array(guestVolumeSchema),
  /**
   * Writable disks that are not logical volumes (image files, other devices): not covered by
   * snapshots; taking one is refused while there are any (half a guest is not a snapshot).
   */
  notCovered: z.array(z.string()),
  /** Newest first. */
  snapshots: z.array(snapshotSetSchema),
});
export type SnapshotList = z.infer<typeof snapshotListSchema>;

/** Default room of each snapshot, percent of its volume's size. */
export const SNAPSHOT_DEFAULT_PERCENT = 20;

/** `POST /domains/:name/snapshots` (and `…/snapshots/preview`). */
export const takeSnapshotRequestSchema = z
  .object({
    label: snapshotLabelSchema,
    /**
     * Room for changed blocks of each snapshot, percent of its volume (1–100, default 20): when
     * the guest changes more than that, LVM marks the snapshot invalid and it is lost.
     */
    sizePercent: z.number().int().min(1).max(100).default(SNAPSHOT_DEFAULT_PERCENT),
  })
  .strict();
export type TakeSnapshotRequest = z.input<typeof takeSnapshotRequestSchema>;

/** Answer of `POST /domains/:name/snapshots/preview`: the commands a take runs, in order. */
export const snapshotPreviewSchema = z.object({
  commands: z.array(z.string()),
  /** The guest is running: it is paused for the moment of the snapshots, then unpaused. */
  pauses: z.boolean(),
});
export type SnapshotPreview = z.infer<typeof snapshotPreviewSchema>;

/** How a clone gets its volumes. */
export const cloneModeSchema = z.enum(['copy', 'snapshot']);
export type CloneMode = z.infer<typeof cloneModeSchema>;

/** `POST /domains/:name/clone` (and `…/clone/preview`). */
export const cloneRequestSchema = z
  .object({
    /** The new guest's name: its domain name and config file `<newName>.cfg`. */
    // lazy: index.ts defines domainNameSchema after re-exporting this module (import cycle).
    newName: z.lazy(() => domainNameSchema),
    /**
     * `copy`: new volumes with the source's bytes (`dd`; takes time, independent of the source).
     * `snapshot`: LVM snapshots of the source's volumes as the clone's disks (instant, but tied
     * to the source, which can no longer be removed, and slower writes on both).
     */
    mode: cloneModeSchema,
  })
  .strict();
export type CloneRequest = z.infer<typeof cloneRequestSchema>;

/** One volume a clone makes. */
export const cloneVolumeSchema = z.object({
  vg: z.string(),
  /** The source volume. */
  from: z.string(),
  /** The new volume (`<newName><rest>` when the source's name starts with the source guest's name, else `<newName>-<lv>`). */
  to: z.string(),
  sizeBytes: z.number().int(),
});
export type CloneVolume = z.infer<typeof cloneVolumeSchema>;

/** Answer of `POST /domains/:name/clone/preview`, and the clone task's result. */
export const clonePlanSchema = z.object({
  source: z.string(),
  newName: z.string(),
  mode: cloneModeSchema,
  /** `<configDir>/<newName>.cfg`. */
  configPath: z.string(),
  /** The new config file's text: the source's, with name, MACs, UUID and disk targets changed. */
  configText: z.string(),
  volumes: z.array(cloneVolumeSchema),
  /** `old → new` MAC per vif entry, in order. */
  macs: z.array(z.object({ from: z.string().nullable(), to: z.string() })),
  /** The commands, in order (the config write has none: its text is `configText`). */
  commands: z.array(z.string()),
  /** Things to know before booting the clone (an `ip=` it shares with the source, a dropped `vifname=`). */
  warnings: z.array(z.string()),
});
export type ClonePlan = z.infer<typeof clonePlanSchema>;
