/**
 * Image files (`src/image-files.ts`) on a real temporary directory: the name rule, sparse
 * creation that never overwrites, listing only regular files, removal leaving symlinks alone.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createImageFile,
  imageFile,
  listImageFiles,
  removeImageFile,
  StorageError,
  validateImageFileName,
} from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xendeck-images-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StorageError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('validateImageFileName', () => {
  it.each(['disk.img', 'web-01_data+2.raw', 'a', 'x'.repeat(255)])('accepts %s', (n) => {
    expect(validateImageFileName(n)).toBe(n);
  });
  it.each([
    '',
    '.hidden',
    '..',
    '-rf',
    'a/b',
    '../etc/passwd',
    'with space.img',
    'é.img',
    'x'.repeat(256),
    'a,b',
    'a=b',
  ])('refuses %j', (n) => {
    expect(() => validateImageFileName(n)).toThrow(StorageError);
  });
});

describe('createImageFile', () => {
  it('creates a sparse file of the apparent size, mode 0600, and lists it', async () => {
    const size = 1024 ** 3;
    const info = await createImageFile(dir, 'data.img', size);
    expect(info.path).toBe(join(dir, 'data.img'));
    expect(info.sizeBytes).toBe(size);
    expect(info.allocatedBytes).toBeLessThan(1024 * 1024);
    const st = statSync(info.path);
    expect(st.size).toBe(size);
    expect(st.mode & 0o777).toBe(0o600);
    const list = await listImageFiles(dir);
    expect(list.map((f) => [f.name, f.sizeBytes])).toEqual([['data.img', size]]);
    expect(list[0]?.modified).toBeInstanceOf(Date);
  });

  it('never overwrites a file, and never writes through a symlink', async () => {
    writeFileSync(join(dir, 'keep.img'), 'precious');
    expect(await codeOf(createImageFile(dir, 'keep.img', 4096))).toBe('IMAGE_EXISTS');
    expect(readFileSync(join(dir, 'keep.img'), 'utf8')).toBe('precious');
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'link.img'));
    expect(await codeOf(createImageFile(dir, 'link.img', 4096))).toBe('IMAGE_EXISTS');
    expect(() => statSync(join(dir, 'elsewhere'))).toThrow();
  });

  it('refuses bad names and sizes before touching the disk', async () => {
    expect(await codeOf(createImageFile(dir, '../x.img', 4096))).toBe('INVALID_NAME');
    expect(await codeOf(createImageFile(dir, 'x.img', 0))).toBe('INVALID_SIZE');
    expect(await codeOf(createImageFile(dir, 'x.img', 1.5))).toBe('INVALID_SIZE');
    expect(await listImageFiles(dir)).toEqual([]);
  });

  it('creates the directory when it is missing', async () => {
    const sub = join(dir, 'images');
    await createImageFile(sub, 'a.img', 4096);
    expect(statSync(join(sub, 'a.img')).size).toBe(4096);
  });

  it('removes the half-made file when sizing fails', async () => {
    // Larger than any Linux filesystem allows: ftruncate fails with EFBIG or EINVAL.
    expect(await codeOf(createImageFile(dir, 'huge.img', Number.MAX_SAFE_INTEGER))).toBe(
      'NO_SPACE',
    );
    expect(await listImageFiles(dir)).toEqual([]);
  });
});

describe('listImageFiles / removeImageFile', () => {
  it('lists only regular files with valid names; a missing dir lists nothing', async () => {
    writeFileSync(join(dir, 'b.img'), 'x');
    writeFileSync(join(dir, 'a.img'), 'xy');
    writeFileSync(join(dir, '.hidden.img'), 'x');
    mkdirSync(join(dir, 'sub.img'));
    symlinkSync(join(dir, 'a.img'), join(dir, 'alias.img'));
    expect((await listImageFiles(dir)).map((f) => f.name)).toEqual(['a.img', 'b.img']);
    expect(await listImageFiles(join(dir, 'missing'))).toEqual([]);
  });

  it('removes a regular file; refuses a symlink, a directory or a missing name', async () => {
    writeFileSync(join(dir, 'a.img'), 'x');
    symlinkSync(join(dir, 'a.img'), join(dir, 'alias.img'));
    mkdirSync(join(dir, 'sub.img'));
    expect(await codeOf(removeImageFile(dir, 'alias.img'))).toBe('IMAGE_NOT_FOUND');
    expect(await codeOf(removeImageFile(dir, 'sub.img'))).toBe('IMAGE_NOT_FOUND');
    expect(await codeOf(removeImageFile(dir, 'none.img'))).toBe('IMAGE_NOT_FOUND');
    expect(await codeOf(removeImageFile(dir, '../a.img'))).toBe('INVALID_NAME');
    expect((await imageFile(dir, 'a.img')).sizeBytes).toBe(1);
    await removeImageFile(dir, 'a.img');
    expect(() => statSync(join(dir, 'a.img'))).toThrow();
    expect(statSync(join(dir, 'sub.img')).isDirectory()).toBe(true);
  });
});
