#!/usr/bin/env node
// Builds the N-API addon (native/xendeck_xen.cc → build/Release/xendeck_xen.node) when the Xen
// development files are present (Debian: libxen-dev). Without them it prints one line and exits 0,
// so the workspace installs, builds and tests on any machine; the addon's loader then reports
// NATIVE_UNAVAILABLE and the simulated host still works.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = ['xenlight', 'xenstore', 'xentoollog', 'xenstat', 'xencontrol'];

try {
  execFileSync('pkg-config', ['--exists', ...modules], { stdio: 'ignore' });
} catch {
  console.log(
    `@xendeck/hypervisor: native addon skipped: pkg-config does not find ${modules.join(', ')} (install libxen-dev to build it)`,
  );
  process.exit(0);
}
if (!existsSync(join(root, 'binding.gyp'))) {
  console.log('@xendeck/hypervisor: native addon skipped: no binding.gyp yet');
  process.exit(0);
}

// Node's own headers: npm passes its `nodedir` config as npm_config_nodedir; otherwise use the
// headers installed beside this node binary (PREFIX/include/node) so no download is needed.
const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
const nodedir =
  process.env.npm_config_nodedir ||
  (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
if (nodedir) args.push(`--nodedir=${nodedir}`);

const require = createRequire(import.meta.url);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(process.execPath, [nodeGyp, ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
