import { describe, expect, it } from 'vitest';
import { isStorageError, lvmErrorCode } from '../src/errors.js';
import {
  roundUpToExtent,
  validateLvName,
  validateSizeBytes,
  validateTag,
  validateVgName,
} from '../src/names.js';

const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return isStorageError(e) ? e.code : String(e);
  }
};

describe('names (lvm(8) VALID NAMES)', () => {
  it('accepts LVM-legal names', () => {
    for (const n of [
      'vg0',
      'web1-disk',
      'a.b_c+d',
      'x-',
      'Snapshot',
      'my-snapshot',
      'v'.repeat(127),
    ]) {
      expect(
        code(() => validateLvName(n)),
        n,
      ).toBe('ok');
      expect(
        code(() => validateVgName(n)),
        n,
      ).toBe('ok');
    }
  });

  it('refuses what LVM refuses or what could escape a path or read as an option', () => {
    for (const n of [
      '',
      '-a',
      '.',
      '..',
      'a/b',
      '../x',
      'a b',
      'a:b',
      'ä',
      'v'.repeat(128),
      'x\n',
    ]) {
      expect(
        code(() => validateLvName(n)),
        JSON.stringify(n),
      ).toBe('INVALID_NAME');
      expect(
        code(() => validateVgName(n)),
        JSON.stringify(n),
      ).toBe('INVALID_NAME');
    }
    expect(code(() => validateLvName(42))).toBe('INVALID_NAME');
  });

  it('refuses the reserved LV prefixes and sub-LV suffixes, but VG names may use them', () => {
    for (const n of [
      'snapshot',
      'snapshot1',
      'pvmove',
      'pvmove0',
      'a_rimage_0',
      'x_tmeta',
      'y_mlog',
    ]) {
      expect(
        code(() => validateLvName(n)),
        n,
      ).toBe('INVALID_NAME');
    }
    expect(code(() => validateVgName('snapshot1'))).toBe('ok');
  });

  it('checks tags', () => {
    expect(code(() => validateTag('owner=web1'))).toBe('ok');
    expect(code(() => validateTag('a/b:c#d&e!'))).toBe('ok');
    for (const t of ['', '-x', 'a b', 'a,b', 'x'.repeat(1025)]) {
      expect(
        code(() => validateTag(t)),
        t,
      ).toBe('INVALID_NAME');
    }
  });
});

describe('sizes', () => {
  it('accepts positive whole bytes only', () => {
    expect(validateSizeBytes(1)).toBe(1);
    for (const s of [0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1024']) {
      expect(
        code(() => validateSizeBytes(s)),
        String(s),
      ).toBe('INVALID_SIZE');
    }
  });

  it('rounds up to whole extents', () => {
    const e = 4 * 1024 * 1024;
    expect(roundUpToExtent(1, e)).toBe(e);
    expect(roundUpToExtent(e, e)).toBe(e);
    expect(roundUpToExtent(e + 1, e)).toBe(2 * e);
    expect(roundUpToExtent(10 * 1024 ** 3, e)).toBe(10 * 1024 ** 3);
  });
});

describe('lvmErrorCode (lvm2 2.03 stderr)', () => {
  it.each([
    ['  Volume group "nope" not found\n  Cannot process volume group nope\n', 'VG_NOT_FOUND'],
    ['  Failed to find logical volume "vg0/nope"\n', 'LV_NOT_FOUND'],
    ['  Logical Volume "web1" already exists in volume group "vg0"\n', 'LV_EXISTS'],
    ['  Volume group "vg0" has insufficient free space (10 extents): 300 required.\n', 'NO_SPACE'],
    [
      '  Insufficient suitable allocatable extents for logical volume web1: 300 more required\n',
      'NO_SPACE',
    ],
    ['  Logical volume vg0/web1 in use.\n', 'VOLUME_IN_USE'],
    ['  Can\'t remove open logical volume "web1"\n', 'VOLUME_IN_USE'],
    ['  Snapshots of snapshots are not supported.\n', 'LVM_ERROR'],
    ['', 'LVM_ERROR'],
  ])('%j → %s', (stderr, expected) => {
    expect(lvmErrorCode(stderr)).toBe(expected);
  });
});
