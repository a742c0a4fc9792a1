/**
 * The lab installer's recipe pieces that need no Xen: its cache key, the texts include the asm
 * sources use, and (with the host tools nasm and xorriso) the assembled programs and the ISO read
 * back: the installed system is a 512-byte MBR with the greeting, the boot image carries the
 * installer's texts and the system at a 512-byte boundary, and the ISO boots it (El Torito,
 * no emulation, loaded whole).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assembleInstaller,
  BOOT_IMAGE,
  installerKey,
  writeInstallerIso,
} from '../src/installer.js';
import {
  INSTALLER_QUESTION_RE,
  INSTALLER_TEXTS,
  installerQuestion,
  textsNasmInclude,
} from '../src/installer-texts.js';
import { LAB_DIR } from '../src/paths.js';
import { readRecipe } from '../src/recipe.js';

const f = (path: string, text: string) => ({ path, content: Buffer.from(text) });

describe('installerKey', () => {
  const other = f('recipe/installer/io.inc', 'putc:');
  const recipe = [f('recipe/installer/installer.asm', 'bits 16\n'), other];
  const inputs = [f('host:packages', 'nasm=2.16.01-1\nxorriso=1.5.4\n')];

  it('is 16 hex digits, independent of file order', () => {
    const k = installerKey(recipe, inputs);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(installerKey([...recipe].reverse(), inputs)).toBe(k);
  });

  it('changes with the recipe, the host packages and the format', () => {
    const k = installerKey(recipe, inputs);
    expect(
      installerKey([f('recipe/installer/installer.asm', 'bits 32\n'), other], inputs),
    ).not.toBe(k);
    expect(installerKey(recipe, [f('host:packages', 'nasm=2.16.02-1\nxorriso=1.5.4\n')])).not.toBe(
      k,
    );
    expect(installerKey(recipe, inputs, 999)).not.toBe(k);
  });
});

describe('readRecipe and the two keys', () => {
  it("keeps recipe/installer out of the dom0 image's files and reads it for the installer", () => {
    const dom0 = readRecipe(LAB_DIR).map((x) => x.path);
    expect(dom0).toContain('recipe/chroot-setup.sh');
    expect(dom0.some((p) => p.startsWith('recipe/installer/'))).toBe(false);
    const inst = readRecipe(LAB_DIR, 'recipe/installer').map((x) => x.path);
    expect(inst.sort()).toEqual([
      'recipe/installer/installer.asm',
      'recipe/installer/io.inc',
      'recipe/installer/system.asm',
    ]);
  });
});

describe('installer texts', () => {
  it('writes one NUL-terminated db string per text, the question split at %s', () => {
    const inc = textsNasmInclude();
    expect(inc).toContain(`xd_greeting: db '${INSTALLER_TEXTS.greeting}', 0\n`);
    expect(inc).toContain(`xd_not_yes: db '${INSTALLER_TEXTS.notYes}', 0\n`);
    const [a, b] = INSTALLER_TEXTS.questionFormat.split('%s');
    expect(inc).toContain(`xd_question_format_0: db '${a}', 0\n`);
    expect(inc).toContain(`xd_question_format_1: db '${b}', 0\n`);
    expect(installerQuestion(64)).toBe(`${a}64${b}`);
  });

  it('every xd_ label the asm sources use is defined', () => {
    const defined = new Set(
      [...textsNasmInclude().matchAll(/^(xd_[a-z_0-9]+):/gm)].map((m) => m[1]),
    );
    for (const src of ['installer.asm', 'system.asm']) {
      const text = readFileSync(join(LAB_DIR, 'recipe/installer', src), 'utf8');
      const used = [...text.matchAll(/\b(xd_[a-z_0-9]+)/g)].map((m) => m[1]);
      expect(used.length).toBeGreaterThan(0);
      for (const u of used) expect(defined).toContain(u);
    }
  });

  it('refuses quotes and non-ASCII (the VGA font and nasm quoting)', () => {
    expect(() => textsNasmInclude({ a: "it's" })).toThrow(/single quotes/);
    expect(() => textsNasmInclude({ a: 'install \u2014 now' })).toThrow(/ASCII/);
  });

  it('the question pattern finds the size in a serial console log', () => {
    const m = INSTALLER_QUESTION_RE.exec(`junk\r\n${installerQuestion(10240)}\r\n`);
    expect(m?.[1]).toBe('10240');
  });
});

const haveTools = ['nasm', 'xorriso'].every((t) => {
  try {
    execFileSync('sh', ['-c', `command -v ${t}`]);
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!haveTools)(
  'the assembled installer and its ISO (host tools: nasm, xorriso)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'xendeck-installer-test-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('the system is a boot sector with the greeting, embedded in the boot image; the ISO boots it', {
      timeout: 60_000,
    }, async () => {
      const bootPath = await assembleInstaller(dir);
      const system = readFileSync(join(dir, 'system.bin'));
      expect(system.length).toBe(512);
      expect(system.readUInt16LE(510)).toBe(0xaa55);
      expect(system.includes(Buffer.from(`${INSTALLER_TEXTS.greeting}\0`))).toBe(true);

      const boot = readFileSync(bootPath);
      expect(boot.length % 512).toBe(0);
      for (const t of [INSTALLER_TEXTS.title, INSTALLER_TEXTS.notYes, INSTALLER_TEXTS.done]) {
        expect(boot.includes(Buffer.from(`${t}\0`))).toBe(true);
      }
      // The installed system sits whole at a sector boundary (the int 13h write's buffer).
      const at = boot.indexOf(system);
      expect(at).toBeGreaterThan(0);
      expect(at % 512).toBe(0);
      expect(at + system.length).toBe(boot.length);

      const iso = join(dir, 'x.iso');
      await writeInstallerIso(bootPath, join(dir, 'tree'), iso, 'XD_TEST');
      const img = readFileSync(iso);
      // ISO 9660 primary volume descriptor at sector 16, El Torito boot record at 17.
      expect(img.subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
      expect(img.subarray(0x8028, 0x8028 + 7).toString('latin1')).toBe('XD_TEST');
      expect(img.subarray(0x8801 + 6, 0x8801 + 6 + 23).toString('latin1')).toBe(
        'EL TORITO SPECIFICATION',
      );
      // The boot catalog's default entry: bootable, no emulation, load segment 0 (0x7C0),
      // sector count = the whole boot image, then its LBA holds the boot image.
      const catalog = img.readUInt32LE(0x8801 + 0x46) * 2048;
      const entry = img.subarray(catalog + 32, catalog + 64);
      expect(entry[0]).toBe(0x88);
      expect(entry[1]).toBe(0);
      expect(entry.readUInt16LE(6)).toBe(boot.length / 512);
      const lba = entry.readUInt32LE(8);
      expect(img.subarray(lba * 2048, lba * 2048 + boot.length).equals(boot)).toBe(true);
      const listing = execFileSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString();
      expect(listing).toContain(`/${BOOT_IMAGE}`);
    });
  },
);
