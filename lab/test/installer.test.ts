/**
 * The lab installer's recipe pieces that need no QEMU: its cache key, the module load order read
 * from modules.dep, the texts file the initramfs images source, the GRUB configurations, and the
 * GRUB image layout (built here from stand-in kernel/initramfs files with the real host tools,
 * then read back: hybrid MBR for the disk, ISO 9660 + El Torito for the CD, the files).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  grubImage,
  installerKey,
  moduleLoadOrder,
  readMbr,
  wantedModules,
} from '../src/installer.js';
import {
  INSTALLER_QUESTION_RE,
  INSTALLER_TEXTS,
  installerQuestion,
  textsShellFile,
} from '../src/installer-texts.js';
import { LAB_DIR } from '../src/paths.js';
import { readRecipe } from '../src/recipe.js';

const f = (path: string, text: string) => ({ path, content: Buffer.from(text) });

describe('installerKey', () => {
  const other = f('recipe/installer/x', 'x');
  const recipe = [f('recipe/installer/installer-init', '#!/bin/sh\n'), other];
  const kernel = f('host:kernel', 'kernel v1');
  const busybox = f('host:busybox', 'busybox 1.35');
  const inputs = [kernel, busybox];

  it('is 16 hex digits, independent of file order', () => {
    const k = installerKey(recipe, inputs);
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(installerKey([...recipe].reverse(), [...inputs].reverse())).toBe(k);
  });

  it('changes with the recipe, the kernel, a host file and the format', () => {
    const k = installerKey(recipe, inputs);
    expect(
      installerKey([f('recipe/installer/installer-init', '#!/bin/sh -e\n'), other], inputs),
    ).not.toBe(k);
    expect(installerKey(recipe, [f('host:kernel', 'kernel v2'), busybox])).not.toBe(k);
    expect(installerKey(recipe, [kernel, f('host:busybox', 'busybox 1.36')])).not.toBe(k);
    expect(installerKey(recipe, inputs, 999)).not.toBe(k);
  });
});

describe('readRecipe and the two keys', () => {
  it("keeps recipe/installer out of the dom0 image's files and reads it for the installer", () => {
    const dom0 = readRecipe(LAB_DIR).map((x) => x.path);
    expect(dom0).toContain('recipe/chroot-setup.sh');
    expect(dom0.some((p) => p.startsWith('recipe/installer/'))).toBe(false);
    const inst = readRecipe(LAB_DIR, 'recipe/installer').map((x) => x.path);
    expect(inst).toEqual(
      expect.arrayContaining([
        'recipe/installer/installer-init',
        'recipe/installer/system-init',
        'recipe/installer/grub-installer.cfg',
        'recipe/installer/grub-system.cfg',
        'recipe/installer/modules.txt',
      ]),
    );
  });
});

// Lines as in Debian 12's modules.dep for 6.1.0-57-amd64 (trimmed).
const MODULES_DEP = `kernel/drivers/block/xen-blkfront.ko:
kernel/drivers/scsi/scsi_mod.ko: kernel/drivers/scsi/scsi_common.ko
kernel/drivers/scsi/scsi_common.ko:
kernel/drivers/scsi/sd_mod.ko: kernel/block/t10-pi.ko kernel/lib/crc64-rocksoft.ko kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko kernel/lib/crc-t10dif.ko kernel/lib/crc64.ko kernel/crypto/crct10dif_common.ko
kernel/block/t10-pi.ko: kernel/lib/crc64-rocksoft.ko kernel/lib/crc-t10dif.ko kernel/lib/crc64.ko kernel/crypto/crct10dif_common.ko
kernel/lib/crc64-rocksoft.ko: kernel/lib/crc64.ko
kernel/lib/crc-t10dif.ko: kernel/crypto/crct10dif_common.ko
kernel/lib/crc64.ko:
kernel/crypto/crct10dif_common.ko:
kernel/drivers/ata/libata.ko: kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko
kernel/drivers/ata/ata_piix.ko: kernel/drivers/ata/libata.ko kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko
kernel/drivers/cdrom/cdrom.ko:
kernel/fs/isofs/isofs.ko: kernel/drivers/cdrom/cdrom.ko
`;

describe('moduleLoadOrder', () => {
  it('puts every dependency before its user, each module once', () => {
    const order = moduleLoadOrder(MODULES_DEP, ['xen-blkfront', 'ata_piix', 'sd_mod', 'isofs']);
    expect(new Set(order).size).toBe(order.length);
    const at = (m: string) => order.findIndex((p) => p.endsWith(`/${m}.ko`));
    expect(at('xen-blkfront')).toBe(0);
    expect(at('scsi_common')).toBeLessThan(at('scsi_mod'));
    expect(at('scsi_mod')).toBeLessThan(at('libata'));
    expect(at('libata')).toBeLessThan(at('ata_piix'));
    expect(at('crc64')).toBeLessThan(at('crc64-rocksoft'));
    expect(at('crct10dif_common')).toBeLessThan(at('crc-t10dif'));
    expect(at('t10-pi')).toBeLessThan(at('sd_mod'));
    expect(at('cdrom')).toBeLessThan(at('isofs'));
    expect(order).toHaveLength(13);
  });

  it("matches names with '-' and '_' alike and refuses an unknown module", () => {
    expect(moduleLoadOrder(MODULES_DEP, ['xen_blkfront'])).toEqual([
      'kernel/drivers/block/xen-blkfront.ko',
    ]);
    expect(() => moduleLoadOrder(MODULES_DEP, ['nvme'])).toThrow(/nvme.*not in modules.dep/);
  });

  it("resolves the recipe's module list against the fixture", () => {
    const wanted = wantedModules(
      readFileSync(join(LAB_DIR, 'recipe/installer/modules.txt'), 'utf8'),
    );
    expect(wanted).toContain('xen-blkfront');
    expect(wanted.every((w) => !w.includes('#') && w.trim() === w && w !== '')).toBe(true);
  });
});

describe('installer texts', () => {
  it('writes shell assignments the inits source, one per text', () => {
    const file = textsShellFile();
    expect(file).toContain(`XD_QUESTION_FORMAT='${INSTALLER_TEXTS.questionFormat}'\n`);
    expect(file).toContain(`XD_GREETING='${INSTALLER_TEXTS.greeting}'\n`);
    expect(file).toContain(`XD_NOT_YES='${INSTALLER_TEXTS.notYes}'\n`);
    expect(file.trim().split('\n')).toHaveLength(Object.keys(INSTALLER_TEXTS).length);
    const out = execFileSync('sh', ['-c', `${file}\nprintf "$XD_QUESTION_FORMAT" xvda 256`]);
    expect(out.toString()).toBe(installerQuestion('xvda', 256));
  });

  it('every variable the init scripts use is defined', () => {
    const defined = new Set([...textsShellFile().matchAll(/^(XD_[A-Z_]+)=/gm)].map((m) => m[1]));
    for (const script of ['installer-init', 'system-init']) {
      const text = readFileSync(join(LAB_DIR, 'recipe/installer', script), 'utf8');
      for (const m of text.matchAll(/\$\{?(XD_[A-Z_]+)/g)) expect(defined).toContain(m[1]);
    }
  });

  it('refuses quotes and non-ASCII (the VGA font and the shell quoting)', () => {
    expect(() => textsShellFile({ a: "it's" })).toThrow(/single quotes/);
    expect(() => textsShellFile({ a: 'install \u2014 now' })).toThrow(/ASCII/);
  });

  it('the question pattern finds disk and size in a console log', () => {
    const m = INSTALLER_QUESTION_RE.exec(`junk\r\n${installerQuestion('sda', 10240)}\r\n`);
    expect(m?.[1]).toBe('sda');
    expect(m?.[2]).toBe('10240');
  });
});

const haveTools = ['grub-mkrescue', 'xorriso'].every((t) => {
  try {
    execFileSync('sh', ['-c', `command -v ${t}`]);
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!haveTools)('grubImage (host tools: grub-pc-bin, grub-common, xorriso)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xendeck-installer-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('boots from a CD (El Torito) and a disk (hybrid MBR), with the files and grub.cfg', {
    timeout: 60_000,
  }, async () => {
    const kernel = join(dir, 'kernel');
    const initrd = join(dir, 'initrd');
    const extra = join(dir, 'extra');
    writeFileSync(kernel, Buffer.alloc(300_000, 0x4b));
    writeFileSync(initrd, 'initramfs stand-in');
    writeFileSync(extra, 'system image stand-in');
    const out = join(dir, 'out.img');
    const grubCfg = join(LAB_DIR, 'recipe/installer/grub-system.cfg');
    await grubImage({ kernel, initrd, grubCfg }, join(dir, 'tree'), out, 'XD_TEST', [
      { src: extra, name: 'system.img.gz' },
    ]);

    const img = readFileSync(out);
    // Disk boot: GRUB's boot_hybrid.img in the MBR with one bootable partition over the image.
    const mbr = readMbr(img.subarray(0, 512));
    expect(mbr.signature).toBe(true);
    expect(mbr.partitions).toHaveLength(1);
    expect(mbr.partitions[0]?.bootable).toBe(true);
    expect(img.subarray(0, 512).includes(Buffer.from('GRUB'))).toBe(true);
    // CD boot: ISO 9660 primary volume descriptor at sector 16, El Torito boot record at 17.
    expect(img.subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
    expect(img.subarray(0x8028, 0x8028 + 7).toString('latin1')).toBe('XD_TEST');
    expect(img.subarray(0x8801 + 6, 0x8801 + 6 + 23).toString('latin1')).toBe(
      'EL TORITO SPECIFICATION',
    );

    const extract = (path: string) => {
      const to = join(dir, `x-${basename(path)}`);
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', out, '-extract', path, to], {
        stdio: 'ignore',
      });
      return readFileSync(to);
    };
    expect(extract('/vmlinuz').equals(readFileSync(kernel))).toBe(true);
    expect(extract('/initrd.gz').toString()).toBe('initramfs stand-in');
    expect(extract('/system.img.gz').toString()).toBe('system image stand-in');
    expect(extract('/boot/grub/grub.cfg').equals(readFileSync(grubCfg))).toBe(true);
  });
});

describe('the GRUB configurations', () => {
  for (const name of ['grub-installer.cfg', 'grub-system.cfg']) {
    it(`${name} boots /vmlinuz with /initrd.gz at once, on tty0, ttyS0 and hvc0`, () => {
      const cfg = readFileSync(join(LAB_DIR, 'recipe/installer', name), 'utf8');
      expect(cfg).toMatch(/^set timeout=0$/m);
      expect(cfg).toMatch(/^\s*linux \/vmlinuz .*console=tty0/m);
      expect(cfg).toMatch(/^\s*linux .*console=ttyS0,115200/m);
      expect(cfg).toMatch(/^\s*linux .*console=hvc0/m);
      expect(cfg).toMatch(/^\s*initrd \/initrd\.gz$/m);
    });
  }
});
