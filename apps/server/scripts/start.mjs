#!/usr/bin/env node
/**
 * `pnpm start` at the repository root: builds what is missing (`pnpm build`), checks that this
 * machine can run the chosen backend, then runs the server (dist/main.js) as a child process
 * (its own process, so that its CommonJS entry can still size libuv's thread pool, see
 * scripts/bundle.mjs), passing SIGINT/SIGTERM on and exiting with its status.
 *
 * Exit status 1 with an explanation, not a stack trace, when this is not a Xen dom0 and
 * XENDECK_BACKEND is not `simulated`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(serverDir, '..', '..');
const serverBundle = join(serverDir, 'dist', 'main.js');
const webDist = join(repoRoot, 'apps', 'web', 'dist');
const hypervisorDist = join(repoRoot, 'packages', 'hypervisor', 'dist', 'index.js');

const missing = [serverBundle, webDist, hypervisorDist].filter((p) => !existsSync(p));
if (missing.length > 0) {
  console.log(`xendeck: not built yet (missing ${missing.join(', ')}); running pnpm build`);
  const r = spawnSync('pnpm', ['build'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    console.error(
      `xendeck: pnpm build failed (${r.error ? r.error.message : `exit ${r.status}`}); fix the build and run pnpm start again`,
    );
    process.exit(1);
  }
}

const backend = process.env.XENDECK_BACKEND || 'auto';
if (backend !== 'simulated') {
  const { xenPresent } = await import(pathToFileURL(hypervisorDist).href);
  if (!xenPresent()) {
    console.error(
      [
        `xendeck: this machine is not a Xen dom0 (no /dev/xen/privcmd or /proc/xen/privcmd), so the`,
        `${backend === 'libxl' ? 'libxl' : 'default (auto → libxl)'} backend has no Xen host to manage here.`,
        '',
        '  - run `pnpm lab start` to boot a real Xen 4.17 host in QEMU, with Xendeck in its dom0, or',
        '  - run `XENDECK_BACKEND=simulated pnpm start` to try the UI on a simulated host.',
      ].join('\n'),
    );
    process.exit(1);
  }
}

const server = spawn(process.execPath, [serverBundle], { stdio: 'inherit' });
// Ctrl-C reaches the whole foreground process group, the server included: only wait for it. A
// SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => server.kill('SIGTERM'));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
