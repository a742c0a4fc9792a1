/**
 * The lab installer ISO (`pnpm lab installer`): a GRUB CD (grub-mkrescue) whose busybox
 * initramfs asks on the guest's screen whether to install, writes a prebuilt system
 * (`system.img.gz` on the CD) to the first disk and powers off. The system it writes is itself a
 * grub-mkrescue image (hybrid: its MBR boots GRUB from a hard disk) with dom0's Debian kernel and
 * a greeting initramfs; booted from that disk it greets on its screen, serial port and PV console.
 * Everything comes from Debian packages: the kernel and disk/CD modules from the dom0 image
 * (`linux-image-amd64`, read out of `dom0.img` with debugfs, no mount), busybox-static,
 * grub-pc-bin, grub-common and xorriso on the host (`lab/host-packages.txt`). No loop device, no
 * mount.
 *
 * Why GRUB and not isolinux/syslinux: under the lab's nested emulation (Xen HVM inside QEMU TCG)
 * the Debian kernel started by isolinux never got out of its real-mode setup code (Xen: "MMIO
 * emulation failed … Real", then a triple fault; or a hang). GRUB's `linux` command enters the
 * kernel through the 32-bit boot protocol and skips that code.
 *
 * Cache: `<lab cache>/installer/` ({@link installerFiles}): the ISO and its manifest, replaced
 * atomically when the key changes. The key ({@link installerKey}) hashes `recipe/installer/**`,
 * {@link INSTALLER_FORMAT}, the texts, the kernel, busybox and the host packages' versions.
 */
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

/** The host's statically linked busybox (busybox-static), copied into both initramfs images. */
export const HOST_BUSYBOX = '/bin/busybox';

/** Host packages whose files go into the ISO; their versions are part of the key. */
export const HOST_PACKAGES = ['busybox-static', 'grub-pc-bin', 'grub-common', 'xorriso'] as const;

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
  /** Partition type byte (grub-mkrescue's hybrid image: 0xcd, the ISO 9660 area). */
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

/** A BIOS GRUB image's contents: the kernel, its initramfs and GRUB's configuration. */
export interface GrubImageFiles {
  kernel: string;
  initrd: string;
  /** Becomes `/boot/grub/grub.cfg`. */
  grubCfg: string;
}

/**
 * Writes a BIOS-bootable GRUB image to `out` with grub-mkrescue (xorriso underneath): ISO 9660
 * with `/vmlinuz`, `/initrd.gz`, `/boot/grub/grub.cfg`, El Torito boot for a CD and a hybrid MBR
 * (GRUB's boot_hybrid.img) so the same bytes boot from a hard disk. `volid` is the ISO volume
 * id. `work` is an empty directory for the image's tree. @throws CommandError when it fails.
 */
export async function grubImage(
  files: GrubImageFiles,
  work: string,
  out: string,
  volid: string,
  extra: readonly { src: string; name: string }[] = [],
): Promise<void> {
  await mkdir(join(work, 'boot', 'grub'), { recursive: true });
  await cp(files.kernel, join(work, 'vmlinuz'));
  await cp(files.initrd, join(work, 'initrd.gz'));
  await cp(files.grubCfg, join(work, 'boot', 'grub', 'grub.cfg'));
  for (const e of extra) await cp(e.src, join(work, e.name));
  // Only the BIOS platform: no EFI image (which would need mtools and grub-efi).
  await run(
    ['grub-mkrescue', '--directory=/usr/lib/grub/i386-pc', '-o', out, work, '--', '-volid', volid],
    { output: 'capture' },
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

/**
 * The host packages' versions (`dpkg-query -W`), one `name=version` a line.
 * @throws Error naming lab/host-packages.txt when one is not installed.
 */
async function hostPackageVersions(): Promise<string> {
  try {
    return await run(
      ['dpkg-query', '-W', '-f', '$' + '{Package}=$' + '{Version}\\n', ...HOST_PACKAGES],
      { output: 'capture' },
    );
  } catch (e) {
    throw new Error(
      `host packages missing (install lab/host-packages.txt): ${(e as Error).message}`,
    );
  }
}

/** The inputs that key the installer besides its recipe: kernel, busybox, package versions. */
async function hostInputs(kernel: string): Promise<RecipeFile[]> {
  return [
    { path: 'host:kernel', content: readFileSync(kernel) },
    { path: 'host:busybox', content: readFileSync(HOST_BUSYBOX) },
    { path: 'host:packages', content: Buffer.from(await hostPackageVersions()) },
  ];
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
  const key = installerKey(
    readRecipe(LAB_DIR, 'recipe/installer'),
    await hostInputs(image.vmlinuz),
  );
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

    // The installed system: kernel + greeting initramfs, a hybrid GRUB image for the disk.
    const sysRoot = join(work, 'system-root');
    await busyboxRoot(sysRoot, join(INSTALLER_RECIPE, 'system-init'));
    await writeFile(join(sysRoot, 'etc', 'xendeck-texts'), texts);
    await writeFile(join(sysRoot, 'etc', 'profile'), 'export PS1="xendeck-lab-installed:\\w# "\n');
    const sysInitrd = join(work, 'system-initrd.gz');
    await makeCpioGz(sysRoot, sysInitrd);
    const disk = join(work, 'system.img');
    await grubImage(
      {
        kernel: image.vmlinuz,
        initrd: sysInitrd,
        grubCfg: join(INSTALLER_RECIPE, 'grub-system.cfg'),
      },
      join(work, 'system-tree'),
      disk,
      'XENDECK_LAB_SYSTEM',
    );
    const systemGz = join(work, 'system.img.gz');
    await gzipFile(disk, systemGz);

    // The installer's initramfs: busybox, /init, the disk and CD modules. The gzip'd system
    // image goes on the CD beside it: the BIOS reads the CD with port I/O, each round trip slow
    // under the lab's emulation, so it should load only the kernel and a small initramfs.
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
    const instInitrd = join(work, 'installer-initrd.gz');
    await makeCpioGz(instRoot, instInitrd);
    const iso = join(work, basename(files.iso));
    await grubImage(
      {
        kernel: image.vmlinuz,
        initrd: instInitrd,
        grubCfg: join(INSTALLER_RECIPE, 'grub-installer.cfg'),
      },
      join(work, 'iso-tree'),
      iso,
      'XENDECK_LAB_INSTALL',
      [{ src: systemGz, name: 'system.img.gz' }],
    );
    await chmod(iso, 0o644);

    const sizeOf = async (p: string) => (await stat(p)).size;
    const versions = await hostPackageVersions();
    const manifest = {
      key,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - t0) / 1000),
      dom0Image: image.key,
      kernelRelease: release,
      modules: order,
      isoBytes: await sizeOf(iso),
      installerInitrdBytes: await sizeOf(instInitrd),
      systemImageBytes: await sizeOf(disk),
      systemImageGzBytes: await sizeOf(systemGz),
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
