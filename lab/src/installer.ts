/**
 * The lab installer ISO (`pnpm lab installer`): real-mode BIOS programs, no Linux. The ISO's
 * El Torito no-emulation boot image (`boot.bin`, from `recipe/installer/installer.asm`) asks on
 * the guest's screen and COM1 whether to install, reads the answer from the keyboard, writes the
 * installed system (`system.bin`, a 512-byte MBR from `recipe/installer/system.asm`, embedded in
 * the boot image) to LBA 0 of the first BIOS disk and powers off; booted from that disk the
 * system prints the greeting on its screen and COM1 and halts. Assembled with nasm, the ISO made
 * with xorriso (Debian packages `nasm`, `xorriso`: `lab/host-packages.txt`). No loop device, no
 * mount, no dom0 image needed.
 *
 * Why not Linux: a Debian kernel (started by isolinux or GRUB) never finished booting in an HVM
 * guest of the lab (Xen HVM nested in QEMU TCG: triple faults and resets in early boot), while
 * BIOS-level code runs fine there (SeaBIOS, iPXE, int 10h output).
 *
 * Cache: `<lab cache>/installer/` ({@link installerFiles}): the ISO and its manifest, replaced
 * atomically when the key changes. The key ({@link installerKey}) hashes `recipe/installer/**`,
 * {@link INSTALLER_FORMAT}, the generated texts include and the host packages' versions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { INSTALLER_TEXTS, textsNasmInclude } from './installer-texts.js';
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
export const INSTALLER_FORMAT = 2;

/** Host packages that build the ISO (nasm assembles, xorriso writes it); versions are keyed. */
export const HOST_PACKAGES = ['nasm', 'xorriso'] as const;

/** Name of the El Torito boot image in the ISO's root. */
export const BOOT_IMAGE = 'boot.bin';

/** Name of the generated texts include beside the `.asm` files at build time. */
export const TEXTS_INCLUDE = 'texts.inc';

const INSTALLER_RECIPE = join(RECIPE_DIR, 'installer');

/**
 * The installer's cache key: 16 hex digits of SHA-256 over `recipe/installer/**` (paths and
 * bytes), the generated `texts.inc`, {@link INSTALLER_FORMAT}, and `inputs` (host facts under a
 * `host:` path, e.g. package versions). Any change to any of them gives another key.
 */
export function installerKey(
  recipe: readonly RecipeFile[],
  inputs: readonly RecipeFile[],
  format = INSTALLER_FORMAT,
): string {
  const texts = { path: `generated/${TEXTS_INCLUDE}`, content: Buffer.from(textsNasmInclude()) };
  return recipeKey([...recipe, texts, ...inputs], format);
}

/**
 * Assembles `recipe/installer/system.asm` then `installer.asm` (which embeds `system.bin`) into
 * `work` with nasm, after writing `texts.inc` there. `recipeDir` is where the `.asm`/`.inc`
 * sources are (default the lab's). Returns the boot image's path (`work/boot.bin`).
 * @throws CommandError when nasm fails (its messages in the error).
 */
export async function assembleInstaller(
  work: string,
  recipeDir: string = INSTALLER_RECIPE,
): Promise<string> {
  await writeFile(join(work, TEXTS_INCLUDE), textsNasmInclude());
  // nasm joins -I prefixes to include names as they are: they need the trailing '/'.
  const inc = [`-I${recipeDir}/`, `-I${work}/`];
  const system = join(work, 'system.bin');
  await run(['nasm', '-f', 'bin', ...inc, '-o', system, join(recipeDir, 'system.asm')], {
    output: 'capture',
  });
  const boot = join(work, BOOT_IMAGE);
  await run(['nasm', '-f', 'bin', ...inc, '-o', boot, join(recipeDir, 'installer.asm')], {
    output: 'capture',
  });
  return boot;
}

/**
 * Writes the ISO `out` with xorriso: ISO 9660 (volume id `volid`) holding only `boot`, which is
 * also its El Torito no-emulation boot image, loaded whole (`-boot-load-size` = its size in
 * 512-byte sectors, so the embedded system comes with it). `tree` is an empty directory.
 * @throws CommandError when xorriso fails.
 */
export async function writeInstallerIso(
  boot: string,
  tree: string,
  out: string,
  volid = 'XENDECK_LAB_INSTALL',
): Promise<void> {
  const bytes = (await stat(boot)).size;
  await mkdir(tree, { recursive: true });
  await run(['cp', boot, join(tree, BOOT_IMAGE)]);
  await run(
    [
      'xorriso',
      '-as',
      'mkisofs',
      '-quiet',
      '-V',
      volid,
      '-b',
      BOOT_IMAGE,
      '-no-emul-boot',
      '-boot-load-size',
      String(Math.ceil(bytes / 512)),
      '-o',
      out,
      tree,
    ],
    { output: 'capture' },
  );
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

export interface InstallerResult {
  files: InstallerFiles;
  key: string;
  /** True when the cached ISO was reused. */
  reused: boolean;
  elapsedMs: number;
}

/**
 * The installer ISO for the current recipe and texts, built if missing or stale. The ISO is
 * built in `installer/.build-<pid>/` and renamed into place, then the manifest: a reader sees
 * the old ISO or the new one, never half.
 * @throws Error when a host tool is missing or a build step fails (build directory kept).
 */
export async function ensureInstaller(
  paths: LabPaths,
  log: (s: string) => void,
): Promise<InstallerResult> {
  const t0 = Date.now();
  const files = installerFiles(paths.cache);
  const versions = await hostPackageVersions();
  const key = installerKey(readRecipe(LAB_DIR, 'recipe/installer'), [
    { path: 'host:packages', content: Buffer.from(versions) },
  ]);
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
  log(`building installer ${key} in ${work}`);
  try {
    const boot = await assembleInstaller(work);
    const iso = join(work, basename(files.iso));
    await writeInstallerIso(boot, join(work, 'iso-tree'), iso);
    await chmod(iso, 0o644);
    const manifest = {
      key,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - t0,
      isoBytes: (await stat(iso)).size,
      bootImageBytes: (await stat(boot)).size,
      systemBytes: (await stat(join(work, 'system.bin'))).size,
      hostPackages: versions.split('\n').filter((l) => l !== ''),
      texts: INSTALLER_TEXTS,
    };
    await rename(iso, files.iso);
    const manifestTmp = join(work, 'manifest.json');
    await writeFile(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(manifestTmp, files.manifest);
    await run(['rm', '-rf', '--one-file-system', work]);
    const elapsedMs = Date.now() - t0;
    log(
      `installer ${key} built in ${formatDuration(elapsedMs)}: ${files.iso} ` +
        `(${manifest.isoBytes} bytes, boot image ${manifest.bootImageBytes} bytes)`,
    );
    return { files, key, reused: false, elapsedMs };
  } catch (e) {
    log(`installer build failed; files kept in ${work}`);
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
