/**
 * LVM's naming rules (their data — characters, length, reserved parts — from `@xendeck/api`, where
 * the web's schemas use the same) and extent arithmetic, for both backends.
 *
 * Names (lvm(8) "VALID NAMES", lvm2 `lib/misc/lvm-string.c`): characters `a-z A-Z 0-9 + _ . -`;
 * not starting with `-`; not `.` or `..`; at most 127 characters (lvm2's NAME_LEN is 128 with the
 * NUL). LV names also may not start with `snapshot` or `pvmove` (lvm2 reserves the prefixes) nor
 * contain the internal sub-LV suffixes (`_cdata`, `_rimage`, …). A validated name can never be
 * read as a command-line option (no leading `-`) nor escape `/dev/<vg>/` (no `/`, not `.`/`..`).
 */
import {
  LVM_NAME_CHARS,
  LVM_NAME_MAX_LENGTH,
  LVM_RESERVED_LV_PREFIXES,
  LVM_RESERVED_LV_SUBSTRINGS,
} from '@xendeck/api';
import { StorageError } from './errors.js';

/** lvm2 NAME_LEN (128) minus the terminating NUL (the api's LVM_NAME_MAX_LENGTH). */
export const MAX_NAME_LENGTH = LVM_NAME_MAX_LENGTH;

function checkCommon(kind: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StorageError('INVALID_NAME', `${kind} name is empty`, { name });
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new StorageError(
      'INVALID_NAME',
      `${kind} name is ${name.length} characters long; LVM allows at most ${MAX_NAME_LENGTH}`,
      { name },
    );
  }
  if (!LVM_NAME_CHARS.test(name)) {
    throw new StorageError(
      'INVALID_NAME',
      `${kind} name "${name}" has a character LVM does not allow (only a-z A-Z 0-9 + _ . -)`,
      { name },
    );
  }
  if (name.startsWith('-')) {
    throw new StorageError('INVALID_NAME', `${kind} name "${name}" starts with "-"`, { name });
  }
  if (name === '.' || name === '..') {
    throw new StorageError('INVALID_NAME', `${kind} name "${name}" is reserved`, { name });
  }
  return name;
}

/** Checks a volume group name; returns it. Throws INVALID_NAME. */
export function validateVgName(name: unknown): string {
  return checkCommon('Volume group', name);
}

/** Checks a logical volume name (new or existing); returns it. Throws INVALID_NAME. */
export function validateLvName(name: unknown): string {
  const n = checkCommon('Logical volume', name);
  for (const prefix of LVM_RESERVED_LV_PREFIXES) {
    if (n.startsWith(prefix)) {
      throw new StorageError(
        'INVALID_NAME',
        `Logical volume name "${n}": names starting "${prefix}" are reserved by LVM`,
        { name: n },
      );
    }
  }
  for (const s of LVM_RESERVED_LV_SUBSTRINGS) {
    if (n.includes(s)) {
      throw new StorageError(
        'INVALID_NAME',
        `Logical volume name "${n}": names including "${s}" are reserved by LVM`,
        { name: n },
      );
    }
  }
  return n;
}

/**
 * Tag rules (lvm(8) TAGS): `A-Z a-z 0-9 _ + . - / = ! : # &`, not starting with `-`, at most
 * 1024 characters. Returns the tag; throws INVALID_NAME.
 */
export function validateTag(tag: unknown): string {
  if (
    typeof tag !== 'string' ||
    tag.length === 0 ||
    tag.length > 1024 ||
    tag.startsWith('-') ||
    !/^[A-Za-z0-9_+.\-/=!:#&]+$/.test(tag)
  ) {
    throw new StorageError('INVALID_NAME', `Invalid LVM tag ${JSON.stringify(tag)}`, { tag });
  }
  return tag;
}

/** Checks a size in bytes: a positive safe integer. Returns it; throws INVALID_SIZE. */
export function validateSizeBytes(sizeBytes: unknown, what = 'size'): number {
  if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new StorageError(
      'INVALID_SIZE',
      `${what} must be a positive whole number of bytes, got ${String(sizeBytes)}`,
      { sizeBytes },
    );
  }
  return sizeBytes;
}

/**
 * `sizeBytes` rounded UP to a whole number of extents (LVM allocates whole extents: `lvcreate -L`
 * rounds up the same way and says "Rounding up size to full physical extent").
 */
export function roundUpToExtent(sizeBytes: number, extentSizeBytes: number): number {
  return Math.ceil(sizeBytes / extentSizeBytes) * extentSizeBytes;
}
