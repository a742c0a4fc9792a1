#!/usr/bin/env node
/**
 * Bundles the server (src/main.ts) into one ESM file, dist/main.js, so it starts fast under QEMU
 * TCG from a 9p share (one file to read instead of hundreds of modules). Native addons
 * (better-sqlite3, argon2) and @xendeck/hypervisor (which loads its own addon) stay external and
 * are resolved from node_modules at run time; a createRequire banner lets bundled CommonJS
 * dependencies call require() for Node built-ins. The command line (src/cli.ts, `pnpm xendeck`)
 * is bundled the same way into dist/cli.js.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const result = await build({
  entryPoints: { main: join(root, 'src/main.ts'), cli: join(root, 'src/cli.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  external: [
    'better-sqlite3',
    'argon2',
    '@xendeck/hypervisor',
    // Optional native speed-ups of ws, required inside try/catch.
    'bufferutil',
    'utf-8-validate',
  ],
  banner: {
    js: "import { createRequire as __xendeckCreateRequire } from 'node:module';\nconst require = __xendeckCreateRequire(import.meta.url);",
  },
});

for (const name of ['main.js', 'cli.js']) {
  const out = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith(name));
  if (out) console.log(`bundle: dist/${name} ${(out[1].bytes / 1024).toFixed(0)} KiB`);
}
