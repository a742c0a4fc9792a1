/** Where the lab keeps things. Everything large lives in the cache, outside the repository. */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALLER_ISO_NAME } from './installer-texts.js';

/** `lab/` in the repository. */
export const LAB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (shared into dom0 at the same absolute path). */
export const REPO_ROOT = resolve(LAB_DIR, '..');
/** Recipe files whose contents key the cached image. */
export const RECIPE_DIR = join(LAB_DIR, 'recipe');

/** `${XDG_CACHE_HOME:-$HOME/.cache}/xendeck/lab` */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(env.HOME ?? homedir(), '.cache');
  return join(base, 'xendeck', 'lab');
}

export interface LabPaths {
  cache: string;
  /** Built images, one directory per recipe key. */
  images: string;
  /** Debian package cache shared by builds (debootstrap --cache-dir, apt archives). */
  debs: string;
  /** The admin password of the lab's Xendeck (mode 0600). */
  adminPassword: string;
  /** The running lab: overlay, vg.img, serial log, pid file, share/. */
  run: string;
  /** Shared into dom0 (9p tag xendeck-run) at /var/lib/xendeck-lab/run: node binary, env file. */
  share: string;
  serialLog: string;
  qemuLog: string;
  pidFile: string;
  /** JSON describing the running lab (ports, image key). */
  stateFile: string;
}

export function labPaths(env: NodeJS.ProcessEnv = process.env): LabPaths {
  const cache = cacheDir(env);
  const run = join(cache, 'run');
  return {
    cache,
    images: join(cache, 'images'),
    debs: join(cache, 'debs'),
    adminPassword: join(cache, 'admin-password'),
    run,
    share: join(run, 'share'),
    serialLog: join(run, 'serial.log'),
    qemuLog: join(run, 'qemu.log'),
    pidFile: join(run, 'qemu.pid'),
    stateFile: join(run, 'lab.json'),
  };
}

/** Files of one built image (all in `images/<key>/`). */
export interface ImageFiles {
  dir: string;
  key: string;
  /** Xen, unpacked to an ELF with a multiboot header (QEMU `-kernel`). */
  xen: string;
  /** dom0 kernel and initramfs (Xen multiboot modules). */
  vmlinuz: string;
  initrd: string;
  /** dom0 root file system, raw ext4. Never written: each start uses a qcow2 overlay. */
  rootImage: string;
  /** ed25519 key authorized for root in dom0. */
  sshKey: string;
  manifest: string;
}

export function imageFiles(images: string, key: string): ImageFiles {
  const dir = join(images, key);
  return {
    dir,
    key,
    xen: join(dir, 'xen.elf'),
    vmlinuz: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    rootImage: join(dir, 'dom0.img'),
    sshKey: join(dir, 'id_ed25519'),
    manifest: join(dir, 'manifest.json'),
  };
}

/** The lab installer's files (`<cache>/installer/`, built by `src/installer.ts`). */
export interface InstallerFiles {
  dir: string;
  /** The installer ISO (`xendeck-lab-installer.iso`), replaced atomically by each rebuild. */
  iso: string;
  /** JSON: key, builtAt, sizes in bytes, kernel release, package versions (written last). */
  manifest: string;
}

/** Where the installer lives under the lab cache `cache` (`LabPaths.cache`). */
export function installerFiles(cache: string): InstallerFiles {
  const dir = join(cache, 'installer');
  return { dir, iso: join(dir, INSTALLER_ISO_NAME), manifest: join(dir, 'manifest.json') };
}

const SAFE_PATH = /^\/[A-Za-z0-9._/+-]*$/;

/**
 * Paths that reach QEMU's option syntax (commas separate options) and dom0's kernel command line
 * (spaces separate words) must be plain.
 * @throws Error naming the path and its role when it has other characters.
 */
export function assertPlainPath(path: string, role: string): void {
  if (!SAFE_PATH.test(path)) {
    throw new Error(
      `${role} '${path}' must be an absolute path made of [A-Za-z0-9._/+-] only ` +
        `(it is passed to QEMU options and dom0's kernel command line)`,
    );
  }
}
