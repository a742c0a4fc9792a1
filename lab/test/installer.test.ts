/**
 * The lab installer's recipe pieces that need no QEMU: its cache key, the module load order read
 * from modules.dep, the texts file the initramfs images source, and the installed system's disk
 * image (built here from stand-in kernel/initramfs files with the real host tools, then read back).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSystemDisk,
  HOST_INPUTS,
  installerKey,
  moduleLoadOrder,
  PARTITION_START_SECTOR,
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
  const recipe = [
    f('recipe/installer/installer-init', '#!/bin/sh\n'),
    f('recipe/installer/x', 'x'),
  ];
  const inputs = [f('host:kernel', 'kernel v1'), f('host:busybox', 'busybox 1.35')];

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
        'recipe/installer/isolinux.cfg',
        'recipe/installer/syslinux.cfg',
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

const tools = ['sfdisk', 'mkfs.fat', 'syslinux', 'mcopy'];
const haveTools =
  tools.every((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`]);
      return true;
    } catch {
      return false;
    }
  }) && existsSync(HOST_INPUTS.mbrBin);

describe.skipIf(!haveTools)(
  'buildSystemDisk (host tools: sfdisk, dosfstools, syslinux, mtools)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'xendeck-installer-test-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes MBR code, one bootable FAT16 partition at 1 MiB, syslinux and the files', async () => {
      const kernel = join(dir, 'kernel');
      const initrd = join(dir, 'initrd');
      const config = join(dir, 'syslinux.cfg');
      writeFileSync(kernel, Buffer.alloc(300_000, 0x4b));
      writeFileSync(initrd, 'initramfs stand-in');
      writeFileSync(config, 'default system\n');
      const disk = join(dir, 'disk.img');
      await buildSystemDisk({ kernel, initrd, config }, disk, 16);

      const img = readFileSync(disk);
      expect(img.length).toBe(16 * 1024 * 1024);
      const mbr = readMbr(img.subarray(0, 512));
      expect(mbr.signature).toBe(true);
      expect(mbr.partitions).toEqual([
        {
          bootable: true,
          type: 0x0e,
          startSector: PARTITION_START_SECTOR,
          sectors: (16 * 1024 * 1024) / 512 - PARTITION_START_SECTOR,
        },
      ]);
      expect(img.subarray(0, 440).equals(readFileSync(HOST_INPUTS.mbrBin).subarray(0, 440))).toBe(
        true,
      );

      const vbr = img.subarray(PARTITION_START_SECTOR * 512, PARTITION_START_SECTOR * 512 + 512);
      expect(vbr.subarray(3, 11).toString('latin1')).toBe('SYSLINUX');
      expect(vbr.subarray(0x36, 0x3e).toString('latin1')).toBe('FAT16   ');
      expect(vbr.readUInt32LE(0x1c)).toBe(PARTITION_START_SECTOR); // hidden sectors
      expect(vbr[510]).toBe(0x55);
      expect(vbr[511]).toBe(0xaa);

      const image = `${disk}@@${PARTITION_START_SECTOR * 512}`;
      const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
      const listing = execFileSync('mdir', ['-a', '-b', '-i', image, '::'], { env }).toString();
      for (const name of ['LDLINUX.SYS', 'LDLINUX.C32', 'VMLINUZ', 'INITRD.GZ', 'SYSLINUX.CFG']) {
        expect(listing.toUpperCase()).toContain(`::/${name}`);
      }
      const back = execFileSync('mtype', ['-i', image, '::vmlinuz'], { env });
      expect(back.equals(readFileSync(kernel))).toBe(true);
    });
  },
);
