/**
 * The lab installer ISO (`pnpm lab installer`): an isolinux CD whose busybox initramfs asks on
 * the guest's screen whether to install, writes a prebuilt system (`system.img.gz` on the CD) to
 * the first disk and powers off; the system it writes (MBR + one FAT partition with syslinux, dom0's Debian kernel and a
 * greeting initramfs) boots from that disk and greets on its screen, serial port and PV console.
 * Everything comes from Debian packages: the kernel and disk modules from the dom0 image
 * (`linux-image-amd64`, read out of `dom0.img` with debugfs, no mount), busybox-static, isolinux,
 * syslinux(-common), mtools, dosfstools, fdisk and xorriso on the host (`lab/host-packages.txt`).
 * No loop device, no mount, no root-only step besides what the dom0 image needed.
 *
 * Cache: `<lab cache>/installer/` ({@link installerFiles}): the ISO and its manifest, replaced
 * atomically when the key changes. The key ({@link installerKey}) hashes `recipe/installer/**`,
 * {@link INSTALLER_FORMAT}, the texts, the kernel and every host file copied into the ISO.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { busyboxRoot, ensureImage, makeCpioGz } from './build.js';
import { INSTALLER_TEXTS, textsShellFile } from './installer-texts.js';
import {
  type InstallerFiles,
  installerFiles,
  LAB_DIR,
  type LabPaths,
  RECIPE_DIR,
} from './paths.js';
import { alive, formatDuration, run } from './proc.js';
import { type RecipeFile, readRecipe, recipeKey } from './recipe.js';

/** Bump when this file changes what goes into the ISO (the code itself is not hashed). */
export const INSTALLER_FORMAT = 1;

/** Size of the installed system's disk image (the installer writes these bytes to the disk). */
export const SYSTEM_DISK_MIB = 32;
/** The FAT partition starts at 1 MiB (sector 2048 of 512 bytes), as fdisk aligns it. */
export const PARTITION_START_SECTOR = 2048;

/** Host files copied into the ISO or the system image (Debian packages in parentheses). */
export const HOST_INPUTS = {
  /** busybox-static */
  busybox: '/bin/busybox',
  /** isolinux */
  isolinuxBin: '/usr/lib/ISOLINUX/isolinux.bin',
  /** syslinux-common: isolinux's core module */
  ldlinuxC32: '/usr/lib/syslinux/modules/bios/ldlinux.c32',
  /** syslinux-common: the MBR boot code (440 bytes) */
  mbrBin: '/usr/lib/syslinux/mbr/mbr.bin',
  /** syslinux: the mtools installer, which embeds ldlinux.sys */
  syslinux: '/usr/bin/syslinux',
} as const;

const INSTALLER_RECIPE = join(RECIPE_DIR, 'installer');

/**
 * The installer's cache key: 16 hex digits of SHA-256 over `recipe/installer/**` (paths and
 * bytes), the texts file, {@link INSTALLER_FORMAT}, and `inputs` (the kernel and host files, by
 * their bytes under a `host:` path). Any change to any of them gives another key.
 */
export function installerKey(
  recipe: readonly RecipeFile[],
  inputs: readonly RecipeFile[],
  format = INSTALLER_FORMAT,
): string {
  const texts = { path: 'generated/etc/xendeck-texts', content: Buffer.from(textsShellFile()) };
  return recipeKey([...recipe, texts, ...inputs], format);
}

/**
 * Kernel modules in load order: every module named in `wanted` (names as in `modules.dep`,
 * `-` and `_` alike) after its dependencies, each once. `depText` is the kernel's
 * `modules.dep` (`kernel/…/a.ko: kernel/…/b.ko …`). Returns paths relative to the modules
 * directory. @throws Error naming a wanted module that modules.dep lacks.
 */
export function moduleLoadOrder(depText: string, wanted: readonly string[]): string[] {
  const norm = (s: string) => s.replace(/-/g, '_');
  const nameOf = (p: string) => norm(basename(p).replace(/\.ko(\.[a-z]+)?$/, ''));
  const deps = new Map<string, { path: string; deps: string[] }>();
  for (const line of depText.split('\n')) {
    const m = /^([^:\s]+):\s*(.*)$/.exec(line.trim());
    if (m === null) continue;
    const path = m[1] as string;
    deps.set(nameOf(path), { path, deps: (m[2] as string).split(/\s+/).filter((d) => d !== '') });
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    if (seen.has(name)) return;
    const entry = deps.get(name);
    if (entry === undefined) throw new Error(`module ${name} (for ${from}) is not in modules.dep`);
    seen.add(name);
    // modules.dep lists a module's whole closure, the ones loaded first last.
    for (const d of [...entry.deps].reverse()) visit(nameOf(d), name);
    order.push(entry.path);
  };
  for (const w of wanted) visit(norm(w), 'the installer');
  return order;
}

/** Module names from `recipe/installer/modules.txt` (one a line, `#` comments). */
export function wantedModules(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
}

/** One partition entry of an MBR. */
export interface MbrPartition {
  bootable: boolean;
  /** Partition type byte (0x0c = FAT32 LBA, 0x0e = FAT16 LBA, 0x06 = FAT16). */
  type: number;
  startSector: number;
  sectors: number;
}

/**
 * Reads an MBR (the first 512 bytes of a disk image): the four primary partition entries at
 * 446 (empty ones left out) and whether the 0x55AA signature is there.
 */
export function readMbr(sector0: Buffer): { signature: boolean; partitions: MbrPartition[] } {
  const partitions: MbrPartition[] = [];
  for (let i = 0; i < 4; i++) {
    const o = 446 + i * 16;
    const type = sector0[o + 4] ?? 0;
    if (type === 0) continue;
    partitions.push({
      bootable: sector0[o] === 0x80,
      type,
      startSector: sector0.readUInt32LE(o + 8),
      sectors: sector0.readUInt32LE(o + 12),
    });
  }
  return { signature: sector0[510] === 0x55 && sector0[511] === 0xaa, partitions };
}

/** Files of the installed system, copied onto its FAT partition. */
export interface SystemFiles {
  kernel: string;
  initrd: string;
  /** syslinux.cfg */
  config: string;
}

/**
 * Writes the installed system's disk image to `out` (`sizeMiB` MiB, sparse): a DOS partition
 * table with one bootable FAT16 (type 0x0e, LBA) partition from sector {@link PARTITION_START_SECTOR} to the end
 * (sfdisk), the file system (mkfs.fat, hidden sectors = the partition's start), syslinux in its
 * boot sector and `ldlinux.sys` (`syslinux --offset`, through mtools), `vmlinuz`, `initrd.gz`,
 * `syslinux.cfg` (mcopy), and syslinux's `mbr.bin` in the first 440 bytes. Works on the file:
 * no loop device, no mount. @throws CommandError when a tool fails.
 */
export async function buildSystemDisk(
  files: SystemFiles,
  out: string,
  sizeMiB = SYSTEM_DISK_MIB,
): Promise<void> {
  const offsetBytes = PARTITION_START_SECTOR * 512;
  await writeFile(out, '');
  await run(['truncate', '-s', `${sizeMiB}M`, out]);
  await run(['sfdisk', '--quiet', '--no-reread', '--no-tell-kernel', out], {
    input: `label: dos\nstart=${PARTITION_START_SECTOR}, type=e, bootable\n`,
    output: 'capture',
  });
  const fsKiB = sizeMiB * 1024 - offsetBytes / 1024;
  await run(
    [
      'mkfs.fat',
      '-F',
      '16',
      '-n',
      'XDLAB',
      '-h',
      String(PARTITION_START_SECTOR),
      `--offset=${PARTITION_START_SECTOR}`,
      out,
      String(fsKiB),
    ],
    { output: 'capture' },
  );
  await run(['syslinux', '--offset', String(offsetBytes), '--install', out], { output: 'capture' });
  const image = `${out}@@${offsetBytes}`;
  for (const [src, name] of [
    [files.kernel, 'vmlinuz'],
    [files.initrd, 'initrd.gz'],
    [files.config, 'syslinux.cfg'],
  ] as const) {
    await run(['mcopy', '-o', '-i', image, src, `::${name}`], { output: 'capture' });
  }
  await run(['dd', `if=${HOST_INPUTS.mbrBin}`, `of=${out}`, 'bs=440', 'count=1', 'conv=notrunc'], {
    output: 'capture',
  });
}

/**
 * Writes an isolinux ISO of the directory `root` (which has `isolinux/isolinux.bin`) to `out`,
 * with xorriso's mkisofs emulation (El Torito no-emulation boot, boot info table). Volume id
 * `XENDECK_LAB_INSTALL`. @throws CommandError when xorriso fails.
 */
export async function makeIso(
  root: string,
  out: string,
  log: NodeJS.WritableStream,
): Promise<void> {
  await run(
    [
      'xorriso',
      '-as',
      'mkisofs',
      '-quiet',
      '-o',
      out,
      '-V',
      'XENDECK_LAB_INSTALL',
      '-r',
      '-J',
      '-b',
      'isolinux/isolinux.bin',
      '-c',
      'isolinux/boot.cat',
      '-no-emul-boot',
      '-boot-load-size',
      '4',
      '-boot-info-table',
      root,
    ],
    { output: log },
  );
}

/** The kernel release directory under `/usr/lib/modules` in the ext4 image `img` (debugfs). */
async function kernelRelease(img: string): Promise<string> {
  const text = await run(['debugfs', '-R', 'ls -p /usr/lib/modules', img], { output: 'capture' });
  // `ls -p` lines: /<inode>/<mode>/<uid>/<gid>/<name>/<size>/
  const names = text
    .split('\n')
    .map((l) => l.split('/')[5])
    .filter((n): n is string => n !== undefined && /^\d+\.\d+/.test(n))
    .sort();
  const last = names[names.length - 1];
  if (last === undefined) throw new Error(`no kernel modules in ${img}:/usr/lib/modules`);
  return last;
}

/** Copies `files` (paths in the ext4 image) to `destDir`/<basename> with debugfs, in one run. */
async function debugfsDump(img: string, files: readonly string[], destDir: string): Promise<void> {
  const script = files.map((f) => `dump -p ${f} ${join(destDir, basename(f))}`).join('\n');
  const cmdFile = join(destDir, '.debugfs-cmds');
  await writeFile(cmdFile, `${script}\n`);
  await run(['debugfs', '-f', cmdFile, img], { output: 'capture' });
  await run(['rm', '-f', cmdFile]);
  for (const f of files) {
    if (!existsSync(join(destDir, basename(f)))) throw new Error(`debugfs did not copy ${f}`);
  }
}

async function gzipFile(src: string, out: string): Promise<void> {
  await pipeline(createReadStream(src), createGzip({ level: 9 }), createWriteStream(out));
}

/** The inputs that key the installer besides its recipe: the kernel and the host files. */
function hostInputs(kernel: string): RecipeFile[] {
  const files = { kernel, ...HOST_INPUTS };
  return Object.entries(files).map(([name, path]) => {
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: install the host packages in lab/host-packages.txt`);
    }
    return { path: `host:${name}`, content: readFileSync(path) };
  });
}

export interface InstallerResult {
  files: InstallerFiles;
  key: string;
  /** True when the cached ISO was reused. */
  reused: boolean;
  elapsedMs: number;
}

/**
 * The installer ISO for the current recipe and dom0 image, built if missing or stale (builds the
 * dom0 image first when that is missing). The ISO is built in `installer/.build-<pid>/` and
 * renamed into place, then the manifest: a reader sees the old ISO or the new one, never half.
 * @throws Error when a host tool is missing or a build step fails (build log kept).
 */
export async function ensureInstaller(
  paths: LabPaths,
  log: (s: string) => void,
): Promise<InstallerResult> {
  const t0 = Date.now();
  const { image } = await ensureImage(paths, log);
  const files = installerFiles(paths.cache);
  const key = installerKey(readRecipe(LAB_DIR, 'recipe/installer'), hostInputs(image.vmlinuz));
  try {
    const m = JSON.parse(readFileSync(files.manifest, 'utf8')) as { key?: unknown };
    if (m.key === key && existsSync(files.iso)) {
      return { files, key, reused: true, elapsedMs: Date.now() - t0 };
    }
  } catch {}

  await mkdir(files.dir, { recursive: true });
  await cleanInstallerBuilds(files);
  const work = join(files.dir, `.build-${process.pid}`);
  await run(['rm', '-rf', '--one-file-system', work]);
  await mkdir(work, { recursive: true });
  const logFile = join(work, 'build.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  log(`building installer ${key} (log: ${logFile})`);
  try {
    const texts = textsShellFile();
    const release = await kernelRelease(image.rootImage);
    const modDir = `/usr/lib/modules/${release}`;
    const tmp = join(work, 'tmp');
    await mkdir(tmp);
    await debugfsDump(image.rootImage, [`${modDir}/modules.dep`], tmp);
    const order = moduleLoadOrder(
      readFileSync(join(tmp, 'modules.dep'), 'utf8'),
      wantedModules(readFileSync(join(INSTALLER_RECIPE, 'modules.txt'), 'utf8')),
    );

    // The installed system: kernel + greeting initramfs on a FAT partition, syslinux.
    const sysRoot = join(work, 'system-root');
    await busyboxRoot(sysRoot, join(INSTALLER_RECIPE, 'system-init'));
    await writeFile(join(sysRoot, 'etc', 'xendeck-texts'), texts);
    await writeFile(join(sysRoot, 'etc', 'profile'), 'export PS1="xendeck-lab-installed:\\w# "\n');
    const sysInitrd = join(work, 'system-initrd.gz');
    await makeCpioGz(sysRoot, sysInitrd);
    const disk = join(work, 'system.img');
    await buildSystemDisk(
      { kernel: image.vmlinuz, initrd: sysInitrd, config: join(INSTALLER_RECIPE, 'syslinux.cfg') },
      disk,
    );

    // The installer's initramfs: busybox, /init, the disk and CD modules. The gzip'd system
    // image goes on the ISO beside it (see recipe/installer/modules.txt for why).
    const instRoot = join(work, 'installer-root');
    await busyboxRoot(instRoot, join(INSTALLER_RECIPE, 'installer-init'));
    await writeFile(join(instRoot, 'etc', 'xendeck-texts'), texts);
    const modOut = join(instRoot, 'lib', 'modules');
    await mkdir(modOut, { recursive: true });
    await debugfsDump(
      image.rootImage,
      order.map((p) => `${modDir}/${p}`),
      modOut,
    );
    await writeFile(
      join(instRoot, 'etc', 'modules.load'),
      `${order.map((p) => basename(p)).join('\n')}\n`,
    );
    const isoRoot = join(work, 'iso-root');
    await mkdir(join(isoRoot, 'isolinux'), { recursive: true });
    await gzipFile(disk, join(isoRoot, 'system.img.gz'));
    await makeCpioGz(instRoot, join(isoRoot, 'initrd.gz'));
    await cp(image.vmlinuz, join(isoRoot, 'vmlinuz'));
    await cp(HOST_INPUTS.isolinuxBin, join(isoRoot, 'isolinux', 'isolinux.bin'));
    await cp(HOST_INPUTS.ldlinuxC32, join(isoRoot, 'isolinux', 'ldlinux.c32'));
    await cp(join(INSTALLER_RECIPE, 'isolinux.cfg'), join(isoRoot, 'isolinux', 'isolinux.cfg'));
    const iso = join(work, basename(files.iso));
    await makeIso(isoRoot, iso, out);
    await chmod(iso, 0o644);

    const sizeOf = async (p: string) => (await stat(p)).size;
    const versions = await run(
      [
        'dpkg-query',
        '-W',
        '-f',
        '${Package}=${Version}\\n',
        'busybox-static',
        'isolinux',
        'syslinux',
        'syslinux-common',
        'xorriso',
        'mtools',
        'dosfstools',
      ],
      { output: 'capture' },
    ).catch(() => '');
    const manifest = {
      key,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - t0) / 1000),
      dom0Image: image.key,
      kernelRelease: release,
      modules: order,
      isoBytes: await sizeOf(iso),
      installerInitrdBytes: await sizeOf(join(isoRoot, 'initrd.gz')),
      systemDiskBytes: await sizeOf(disk),
      systemImageGzBytes: await sizeOf(join(isoRoot, 'system.img.gz')),
      systemInitrdBytes: await sizeOf(sysInitrd),
      kernelBytes: await sizeOf(image.vmlinuz),
      hostPackages: versions.split('\n').filter((l) => l !== ''),
      texts: INSTALLER_TEXTS,
    };
    out.end();
    await rename(iso, files.iso);
    const manifestTmp = join(work, 'manifest.json');
    await writeFile(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(manifestTmp, files.manifest);
    await run(['rm', '-rf', '--one-file-system', work]);
    const elapsedMs = Date.now() - t0;
    log(
      `installer ${key} built in ${formatDuration(elapsedMs)}: ${files.iso} ` +
        `(${(manifest.isoBytes / 1048576).toFixed(1)} MiB)`,
    );
    return { files, key, reused: false, elapsedMs };
  } catch (e) {
    out.end();
    log(`installer build failed; build log and files kept in ${work}`);
    throw e;
  }
}

/** Removes build directories of earlier installer builds whose process is gone. */
export async function cleanInstallerBuilds(files: InstallerFiles): Promise<void> {
  if (!existsSync(files.dir)) return;
  for (const name of await readdir(files.dir)) {
    const m = /^\.build-(\d+)$/.exec(name);
    if (m === null || alive(Number(m[1]))) continue;
    await run(['rm', '-rf', '--one-file-system', join(files.dir, name)]);
  }
}
