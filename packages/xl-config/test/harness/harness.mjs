// Builds and drives the libxlutil oracle (xlu-harness.c). Shared by the vitest
// suite and bench/parse-bench.mjs. Plain ESM so the benchmark can run it without a TS loader.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'xlu-harness.c');
const binary = join(here, '.build', 'xlu-harness');

/**
 * Compiles the harness with `cc ... $(pkg-config --cflags --libs xlutil xenlight)` when needed.
 * @returns {{ path: string } | { skip: string }} the binary, or why it cannot be built
 */
export function buildHarness() {
  let flags;
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'xlutil', 'xenlight'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return {
      skip: 'pkg-config cannot find xlutil/xenlight (install libxen-dev to run the libxlutil differential tests)',
    };
  }
  if (!existsSync('/usr/include/libxlutil.h'))
    return { skip: 'libxlutil.h is absent (install libxen-dev)' };
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs)
    return { path: binary };
  mkdirSync(dirname(binary), { recursive: true });
  const r = spawnSync('cc', ['-O2', '-Wall', '-o', binary, source, ...flags], { encoding: 'utf8' });
  if (r.status !== 0)
    return { skip: `cc failed to build the libxlutil harness: ${r.stderr || r.error}` };
  return { path: binary };
}

/**
 * Runs one batch of cases through the harness in one process.
 * @param {string} path harness binary
 * @param {'cfg'|'disk'|'rate'} mode
 * @param {string[]} cases inputs (encoded as UTF-8)
 * @returns {any[]} one parsed JSON result per case
 */
export function runHarness(path, mode, cases) {
  const parts = [];
  for (const c of cases) {
    const b = Buffer.from(c, 'utf8');
    parts.push(Buffer.from(`${b.length}\n`), b);
  }
  const r = spawnSync(path, [mode], { input: Buffer.concat(parts), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`xlu-harness ${mode} exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.toString('utf8').trim().split('\n');
  if (lines.length !== cases.length)
    throw new Error(`xlu-harness returned ${lines.length} results for ${cases.length} cases`);
  return lines.map((l) => JSON.parse(l));
}

/**
 * Times libxlutil parsing `cases` `iterations` times inside the harness.
 * @returns {{ns:number,bytes:number,files:number,iterations:number,rejected:number}}
 */
export function benchHarness(path, cases, iterations) {
  const parts = [];
  for (const c of cases) {
    const b = Buffer.from(c, 'utf8');
    parts.push(Buffer.from(`${b.length}\n`), b);
  }
  const r = spawnSync(path, ['bench', String(iterations)], { input: Buffer.concat(parts) });
  if (r.status !== 0) throw new Error(`xlu-harness bench exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.toString('utf8'));
}

/** Decodes the harness's hex strings (recursively for lists) into JS strings (UTF-8). */
export function decodeValue(v) {
  if (v === null) return null;
  if (typeof v === 'string') return Buffer.from(v, 'hex').toString('utf8');
  return v.map(decodeValue);
}
