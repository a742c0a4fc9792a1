/**
 * The one door to the native addon: the only module that loads `xendeck_xen.node`. Everything
 * else goes through {@link loadNative} and the {@link NativeAddon} interface.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HypervisorError } from './errors.js';
import type { NativeAddon } from './native-types.js';

export type * from './native-types.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');

/**
 * Where the addon is looked for: `XENDECK_NATIVE_ADDON` alone when it is set (an explicit path
 * that cannot be loaded is an error, never a silent fall back to another build: a copy on a
 * `noexec` mount once did exactly that), else the node-gyp outputs `build/Release` and
 * `build/Debug` of this package, in that order.
 */
export function nativeCandidates(): string[] {
  const env = process.env.XENDECK_NATIVE_ADDON;
  if (env) return [env];
  const list: string[] = [];
  list.push(join(packageRoot, 'build', 'Release', 'xendeck_xen.node'));
  list.push(join(packageRoot, 'build', 'Debug', 'xendeck_xen.node'));
  return list;
}

let cached: NativeAddon | undefined;

/**
 * Loads the addon once. Throws NATIVE_UNAVAILABLE listing every path tried and why
 * (`details.tried: { path, reason }[]`).
 */
export function loadNative(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const tried: { path: string; reason: string }[] = [];
  for (const path of nativeCandidates()) {
    if (!existsSync(path)) {
      tried.push({
        path,
        reason:
          'not found (the addon is built only where libxen-dev is installed: pnpm --filter @xendeck/hypervisor build)',
      });
      continue;
    }
    try {
      cached = require(path) as NativeAddon;
      return cached;
    } catch (err) {
      tried.push({ path, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new HypervisorError(
    'NATIVE_UNAVAILABLE',
    `the Xen native addon could not be loaded; tried:\n${tried.map((t) => `  ${t.path}: ${t.reason}`).join('\n')}`,
    { tried },
  );
}
