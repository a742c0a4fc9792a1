/**
 * Builds the lab's dom0 image (or reuses the cached one): Debian 12 + Xen 4.17 from the host's apt
 * mirrors, the guest assets, an ssh key. The image lands in `images/<recipe key>/` only when
 * complete: it is built in `images/.build-<key>-<pid>/` and renamed into place at the end.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { dom0SourcesList, pickMirrors, readHostSources } from './apt-sources.js';
import { type ImageFiles, imageFiles, LAB_DIR, type LabPaths, RECIPE_DIR } from './paths.js';
import { alive, formatDuration, run } from './proc.js';
import { readRecipe, recipeKey } from './recipe.js';

/** Size of the (sparse) dom0 root disk. */
const ROOT_DISK_SIZE = '4G';

/** debootstrap --include list from recipe/packages.txt. */
function includePackages(): string[] {
  return readFileSync(join(RECIPE_DIR, 'packages.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
function mountsUnder(dir: string): string[] {
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = info
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below `dir`; falls back to a lazy unmount. @throws if any remain. */
async function unmountAll(dir: string): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) {
      try {
        await run(['umount', p], { output: 'capture', cleanup: true });
      } catch {
        await run(['umount', '-l', p], { output: 'capture', cleanup: true }).catch(() => undefined);
      }
    }
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`could not unmount ${left.join(', ')}`);
}

/**
 * Removes a build directory, but only after making sure nothing is mounted below it (a bound
 * /dev or /proc must never be deleted through), and without crossing file systems.
 */
async function removeBuildDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await unmountAll(dir);
  await run(['rm', '-rf', '--one-file-system', dir], { cleanup: true });
}

/** Removes build directories left by interrupted builds whose process is gone. */
async function cleanStaleBuilds(images: string): Promise<void> {
  for (const name of await readdir(images)) {
    const m = /^\.build-[0-9a-f]+-(\d+)$/.exec(name);
    if (m === null) continue;
    if (alive(Number(m[1]))) continue;
    process.stderr.write(`lab: removing stale build directory ${name}\n`);
    await removeBuildDir(join(images, name));
  }
}

/** Writes a gzip'd newc cpio of `root` (run as root: files owned by 0:0) to `out`. */
export async function makeCpioGz(root: string, out: string): Promise<void> {
  const names = (await run(['find', '.', '-mindepth', '1'], { cwd: root, output: 'capture' }))
    .split('\n')
    .filter((n) => n !== '')
    .sort();
  await new Promise<void>((resolve, reject) => {
    const cpio = spawn('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const file = createWriteStream(out);
    cpio.stdout.pipe(createGzip({ level: 9 })).pipe(file);
    cpio.on('error', reject);
    let code: number | null = null;
    cpio.on('close', (c) => {
      code = c;
    });
    file.on('finish', () =>
      code === 0 || code === null ? resolve() : reject(new Error(`cpio exited ${code}`)),
    );
    cpio.stdin.end(`${names.join('\n')}\n`);
  });
}

/**
 * The image key a running lab booted (`run/lab.json`, while its QEMU pid is alive), or undefined.
 * That image must outlive a rebuild: its `dom0.img` backs the running overlay and its ssh key is
 * what `pnpm lab exec` and `pnpm lab stop` log in with.
 */
function imageKeyOfRunningLab(paths: LabPaths): string | undefined {
  try {
    const state = JSON.parse(readFileSync(paths.stateFile, 'utf8')) as {
      pid?: unknown;
      imageKey?: unknown;
    };
    if (typeof state.pid !== 'number' || typeof state.imageKey !== 'string') return undefined;
    return alive(state.pid) ? state.imageKey : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lays out a busybox initramfs tree at `root`: the host's statically linked `/bin/busybox`
 * (Debian's busybox-static), the usual directories, and `init` (mode 0755) copied from `init`.
 * @throws Error when the host's busybox is not statically linked.
 */
export async function busyboxRoot(root: string, init: string): Promise<void> {
  const busybox = '/bin/busybox';
  const file = (await run(['file', '-b', busybox], { output: 'capture' }).catch(() => '')) || '';
  if (file !== '' && !file.includes('statically linked')) {
    throw new Error(`${busybox} is not statically linked: install the host package busybox-static`);
  }
  await mkdir(join(root, 'bin'), { recursive: true });
  for (const d of ['dev', 'proc', 'sys', 'tmp', 'sbin', 'usr/bin', 'usr/sbin', 'root', 'etc']) {
    await mkdir(join(root, d), { recursive: true });
  }
  await cp(busybox, join(root, 'bin', 'busybox'));
  await chmod(join(root, 'bin', 'busybox'), 0o755);
  await cp(init, join(root, 'init'));
  await chmod(join(root, 'init'), 0o755);
}

/** Builds the xdtest-pv guest's busybox initramfs from the host's busybox-static. */
async function buildGuestInitramfs(work: string, out: string): Promise<void> {
  const root = join(work, 'guest-initramfs');
  await busyboxRoot(root, join(RECIPE_DIR, 'guest', 'init'));
  await writeFile(join(root, 'etc', 'profile'), 'export PS1="xdtest-pv:\\w# "\n');
  await makeCpioGz(root, out);
  await run(['rm', '-rf', '--one-file-system', root]);
}

export interface BuildResult {
  image: ImageFiles;
  /** True when the cached image was reused. */
  reused: boolean;
  elapsedMs: number;
}

/** The image for the current recipe, built if missing. */
export async function ensureImage(paths: LabPaths, log: (s: string) => void): Promise<BuildResult> {
  const t0 = Date.now();
  const key = recipeKey(readRecipe(LAB_DIR));
  const image = imageFiles(paths.images, key);
  if (existsSync(image.manifest)) return { image, reused: true, elapsedMs: Date.now() - t0 };

  await mkdir(paths.images, { recursive: true });
  await mkdir(paths.debs, { recursive: true });
  await cleanStaleBuilds(paths.images);
  const mirrors = pickMirrors(readHostSources());
  const work = join(paths.images, `.build-${key}-${process.pid}`);
  const rootfs = join(work, 'rootfs');
  await mkdir(work, { recursive: true });
  const logFile = join(work, 'build.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  log(`building dom0 image ${key} (log: ${logFile})`);
  log(`  mirrors: ${mirrors.main} (${mirrors.release}), ${mirrors.security} (security)`);
  const phase = async (name: string, fn: () => Promise<void>) => {
    const t = Date.now();
    log(`  ${name}...`);
    out.write(`\n=== ${name}\n`);
    await fn();
    log(`  ${name}: ${formatDuration(Date.now() - t)}`);
  };

  try {
    await phase('debootstrap', async () => {
      await run(
        [
          'debootstrap',
          '--variant=minbase',
          `--include=${includePackages().join(',')}`,
          `--cache-dir=${paths.debs}`,
          mirrors.release,
          rootfs,
          mirrors.main,
        ],
        { output: out },
      );
    });

    await phase('configure and install kernel, hypervisor (chroot)', async () => {
      await writeFile(join(rootfs, 'etc', 'apt', 'sources.list'), dom0SourcesList(mirrors));
      await cp(join(RECIPE_DIR, 'rootfs'), rootfs, { recursive: true, force: true });
      await cp(join(RECIPE_DIR, 'chroot-setup.sh'), join(rootfs, 'tmp', 'chroot-setup.sh'));
      const archives = join(rootfs, 'var', 'cache', 'apt', 'archives');
      await mkdir(archives, { recursive: true });
      try {
        await run(['mount', '-t', 'proc', 'proc', join(rootfs, 'proc')]);
        await run(['mount', '-t', 'sysfs', 'sysfs', join(rootfs, 'sys')]);
        await run(['mount', '--bind', '/dev', join(rootfs, 'dev')]);
        await run(['mount', '--bind', '/dev/pts', join(rootfs, 'dev', 'pts')]);
        await run(['mount', '--bind', paths.debs, archives]);
        await run(['chroot', rootfs, '/bin/sh', '/tmp/chroot-setup.sh'], {
          output: out,
          env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', TERM: 'dumb' },
        });
      } finally {
        await unmountAll(rootfs);
      }
    });

    await phase('guest assets and ssh key', async () => {
      const guests = join(rootfs, 'var', 'lib', 'xendeck-lab', 'guests');
      await buildGuestInitramfs(work, join(guests, 'busybox-initrd.gz'));
      const key = join(work, 'id_ed25519');
      await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'xendeck-lab', '-f', key], {
        output: out,
      });
      const sshDir = join(rootfs, 'root', '.ssh');
      await mkdir(sshDir, { recursive: true, mode: 0o700 });
      await chmod(sshDir, 0o700);
      await cp(`${key}.pub`, join(sshDir, 'authorized_keys'));
      await chmod(join(sshDir, 'authorized_keys'), 0o600);
    });

    await phase('extract Xen and dom0 kernel', async () => {
      const boot = join(rootfs, 'boot');
      const files = await readdir(boot);
      const pick = (re: RegExp, what: string): string => {
        const f = files.filter((n) => re.test(n)).sort();
        const last = f[f.length - 1];
        if (last === undefined)
          throw new Error(`no ${what} in ${boot} (found: ${files.join(' ')})`);
        return join(boot, last);
      };
      const xenGz = pick(/^xen-4\.17.*\.gz$/, 'xen-4.17*.gz');
      await new Promise<void>((resolve, reject) => {
        const gz = spawn('gzip', ['-dc', xenGz], { stdio: ['ignore', 'pipe', 'inherit'] });
        const f = createWriteStream(join(work, 'xen.elf'));
        gz.stdout.pipe(f);
        gz.on('error', reject);
        f.on('finish', resolve);
        f.on('error', reject);
      });
      await cp(pick(/^vmlinuz-/, 'vmlinuz-*'), join(work, 'vmlinuz'));
      await cp(pick(/^initrd\.img-/, 'initrd.img-*'), join(work, 'initrd.img'));
    });

    await phase('make ext4 root disk', async () => {
      await run(['rm', '-f', join(rootfs, 'tmp', 'chroot-setup.sh')]);
      const disk = join(work, 'dom0.img');
      await writeFile(disk, '');
      await run(['truncate', '-s', ROOT_DISK_SIZE, disk]);
      await run(['mke2fs', '-q', '-F', '-t', 'ext4', '-L', 'xendeck-dom0', '-d', rootfs, disk], {
        output: out,
      });
    });

    const versions = readFileSync(join(rootfs, 'var', 'lib', 'xendeck-lab', 'versions.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    await removeBuildDir(rootfs);
    const manifest = {
      key,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - t0) / 1000),
      mirrors,
      packages: versions,
    };
    await writeFile(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    out.end();
    await rename(work, image.dir);
  } catch (e) {
    out.end();
    log(`image build failed; build log kept in ${logFile} (tail below)`);
    try {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      process.stderr.write(`${tail}\n`);
    } catch {}
    // Keep the log, drop the half-built tree (unmounting first).
    await removeBuildDir(rootfs).catch((err: Error) => log(`cleanup: ${err.message}`));
    throw e;
  }

  // Older images (other recipe keys) are of no further use, except the one a running lab booted.
  const inUse = imageKeyOfRunningLab(paths);
  for (const name of await readdir(paths.images)) {
    if (name === key || name === inUse || name.startsWith('.')) continue;
    const dir = join(paths.images, name);
    if ((await stat(dir)).isDirectory()) await removeBuildDir(dir);
  }
  const elapsedMs = Date.now() - t0;
  log(`image ${key} built in ${formatDuration(elapsedMs)}`);
  return { image, reused: false, elapsedMs };
}
