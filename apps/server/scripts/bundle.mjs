#!/usr/bin/env node
/**
 * Bundles the server (src/main.ts) into one ESM file, dist/server.mjs, so it starts fast under QEMU
 * TCG from a 9p share (one file to read instead of hundreds of modules). Native addons
 * (better-sqlite3, argon2) and @xendeck/hypervisor (which loads its own addon) stay external and
 * are resolved from node_modules at run time; a createRequire banner lets bundled CommonJS
 * dependencies call require() for Node built-ins. The command line (src/cli.ts, `pnpm xendeck`)
 * is bundled the same way into dist/cli.mjs.
 *
 * What launchers run, `node dist/main.js` (and `dist/cli.js`), are small CommonJS entries written
 * here (`dist/package.json` says `"type": "commonjs"`). main.js sets UV_THREADPOOL_SIZE (default
 * {@link DEFAULT_UV_THREADPOOL_SIZE}; an explicit value wins), then imports dist/server.mjs.
 * libuv reads that variable once, when its thread pool first starts, and Node's ESM loader
 * already uses the pool to read an ESM entry file, so only a CommonJS entry can still raise it.
 * libxl calls, the metrics sampler, file I/O and argon2 share that pool (security review F3; the
 * login's own bound on concurrent hashes is in src/auth/throttle.ts).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const result = await build({
  entryPoints: { server: join(root, 'src/main.ts'), cli: join(root, 'src/cli.ts') },
  outExtension: { '.js': '.mjs' },
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

/** libuv thread pool size dist/main.js sets unless UV_THREADPOOL_SIZE is already set. */
const DEFAULT_UV_THREADPOOL_SIZE = 16;

/** A CommonJS entry that runs `prelude` (JS lines), then imports the ESM bundle `target`. */
const entry = (target, prelude = []) =>
  [
    '// Written by apps/server/scripts/bundle.mjs: CommonJS on purpose (see there).',
    "'use strict';",
    ...prelude,
    `import('./${target}').catch((err) => {`,
    "  process.stderr.write('xendeck: fatal: ' + ((err && err.stack) || err) + '\\n');",
    '  process.exit(1);',
    '});',
    '',
  ].join('\n');

writeFileSync(join(root, 'dist/package.json'), '{ "type": "commonjs" }\n');
writeFileSync(
  join(root, 'dist/main.js'),
  entry('server.mjs', [
    `if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '${DEFAULT_UV_THREADPOOL_SIZE}';`,
  ]),
);
writeFileSync(join(root, 'dist/cli.js'), entry('cli.mjs'));

for (const name of ['server.mjs', 'cli.mjs']) {
  const out = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith(name));
  if (out) console.log(`bundle: dist/${name} ${(out[1].bytes / 1024).toFixed(0)} KiB`);
}
console.log('bundle: entries dist/main.js (UV_THREADPOOL_SIZE) and dist/cli.js');
