// The first page's weight: reads dist/index.html (run `vite build` first), gzips every asset it
// loads up front — its module scripts, modulepreloads and stylesheets — at zlib level 9 (what a
// server precompressing its assets would send; Vite's own report uses the default level 6, a few
// hundred bytes more per chunk), prints a table and the total against the budget, then the sizes of
// the chunks loaded later (CodeMirror, uPlot, noVNC, xterm.js, and the rest). 1 KB = 1000 bytes,
// as Vite prints them. Exits 1 when the first page is over budget (a size, not a timing: it is a
// check), 2 when dist/index.html is missing.
// Usage: node scripts/bundle-size.mjs [distDir]   (pnpm --filter @xendeck/web size)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The first page's budget: JS + CSS, gzipped, bytes. */
const BUDGET_BYTES = 250_000;
/** The lazy chunks reported by name (Vite's manualChunks names in vite.config.ts). */
const NAMED_LAZY = ['codemirror', 'uplot', 'novnc', 'xterm'];

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
const indexPath = join(dist, 'index.html');
if (!existsSync(indexPath)) {
  console.error(`bundle-size: ${indexPath} does not exist; run \`vite build\` first`);
  process.exit(2);
}
const html = readFileSync(indexPath, 'utf8');

/** Every asset index.html loads before the app runs: [kind, path under dist]. */
function firstPageAssets(text) {
  const found = [];
  const attr = (tag, name) => tag.match(new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i'))?.[1];
  for (const [tag] of text.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, 'src');
    if (src && attr(tag, 'type') === 'module') found.push(['script', src]);
  }
  for (const [tag] of text.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(tag, 'rel');
    const href = attr(tag, 'href');
    if (href && (rel === 'modulepreload' || rel === 'stylesheet')) found.push([rel, href]);
  }
  return found.filter(([, p]) => /\.(m?js|css)(\?|$)/.test(p));
}

const gzipBytes = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(2)} KB`;
const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);

const assets = firstPageAssets(html).map(([kind, href]) => {
  const rel = href.replace(/^\//, '').split('?')[0];
  const file = join(dist, rel);
  const raw = readFileSync(file).length;
  return { kind, rel, raw, gz: gzipBytes(file) };
});
const total = assets.reduce((sum, a) => sum + a.gz, 0);

console.log(`First page (${indexPath}), gzip level 9:`);
console.log(`  ${pad('kind', 14)}${pad('asset', 44)}${padL('raw', 12)}${padL('gzipped', 12)}`);
for (const a of assets) {
  console.log(`  ${pad(a.kind, 14)}${pad(a.rel, 44)}${padL(kb(a.raw), 12)}${padL(kb(a.gz), 12)}`);
}
const over = total > BUDGET_BYTES;
console.log(
  `  ${pad('total', 58)}${padL(kb(total), 24)}  budget ${kb(BUDGET_BYTES)}: ${over ? 'OVER' : 'ok'} (${((100 * total) / BUDGET_BYTES).toFixed(1)} %)`,
);

// Everything else in assets/ loads on demand.
const first = new Set(assets.map((a) => a.rel));
const lazy = readdirSync(join(dist, 'assets'))
  .filter((f) => /\.(js|css)$/.test(f) && !first.has(`assets/${f}`))
  .map((f) => ({ file: f, gz: gzipBytes(join(dist, 'assets', f)) }));
console.log('\nLoaded later (dynamic import), gzipped:');
for (const name of NAMED_LAZY) {
  const parts = lazy.filter((l) => l.file.startsWith(`${name}-`));
  const sum = parts.reduce((s, l) => s + l.gz, 0);
  console.log(
    `  ${pad(name, 14)}${padL(parts.length ? kb(sum) : 'missing', 12)}  ${parts.map((p) => p.file).join(', ')}`,
  );
}
const others = lazy.filter((l) => !NAMED_LAZY.some((n) => l.file.startsWith(`${n}-`)));
console.log(
  `  ${pad('other', 14)}${padL(kb(others.reduce((s, l) => s + l.gz, 0)), 12)}  ${others.length} chunks (app code of the lazy features)`,
);

if (over) {
  console.error(
    `\nbundle-size: the first page is ${kb(total)} gzipped, over its ${kb(BUDGET_BYTES)} budget`,
  );
  process.exit(1);
}
