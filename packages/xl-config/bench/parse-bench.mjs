// Parse + print throughput of @xendeck/xl-config against libxlutil (the C harness) on the same
// corpus, in one run. Prints figures; asserts nothing. Run: pnpm --filter @xendeck/xl-config bench
// (builds dist/ first). Corpus: the accepted fixtures plus deterministic generated configs shaped
// like hosters' files (comments, commented-out settings, multi-line disk/vif lists).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXlConfig } from '../dist/index.js';
import { benchHarness, buildHarness } from '../test/harness/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fx = join(here, '..', 'test', 'fixtures');
const corpus = [];
for (const d of ['xen', 'grammar'])
  for (const f of readdirSync(join(fx, d)))
    if (!f.startsWith('bad-') && !f.endsWith('.md'))
      corpus.push(readFileSync(join(fx, d, f), 'utf8'));

// deterministic "real-looking" configs
let seed = 1;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
for (let i = 0; i < 200; i++) {
  const lines = [
    `# Guest vm${i} — provisioned ${2010 + rnd(15)}`,
    '#',
    `name = "vm${i}"`,
    `type = "${['pv', 'pvh', 'hvm'][rnd(3)]}"`,
  ];
  lines.push(
    `memory = ${256 << rnd(6)}`,
    `#memory = 512`,
    `maxmem = ${1024 << rnd(4)}`,
    `vcpus = ${1 + rnd(8)}`,
  );
  lines.push(
    "kernel = '/boot/vmlinuz-6.1.0-18-amd64'",
    "ramdisk = '/boot/initrd.img-6.1.0-18-amd64'",
    `extra = 'root=/dev/xvda1 console=hvc0 quiet'`,
  );
  lines.push('disk = [');
  for (let d = 0; d < 1 + rnd(4); d++)
    lines.push(`    'phy:/dev/vg0/vm${i}-disk${d},xvd${'abcd'[d]},w',   # disk ${d}`);
  lines.push(']');
  lines.push(
    `vif = [ 'mac=00:16:3e:${rnd(100)}:${rnd(100)}:${rnd(100)},bridge=xenbr0,rate=${1 + rnd(100)}Mb/s', ]`,
  );
  lines.push(
    "on_crash = 'restart'",
    'on_poweroff = "destroy"; on_reboot = "restart"',
    '',
    '# vnc = 1',
    `vnclisten = "127.0.0.1"`,
  );
  corpus.push(`${lines.join('\n')}\n`);
}

const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);

// warm up, then time parse + print in process
let sink = 0;
for (let i = 0; i < 20; i++) for (const t of corpus) sink += parseXlConfig(t).toString().length;
let rejected = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < iterations; i++)
  for (const t of corpus) {
    const doc = parseXlConfig(t);
    if (doc.errors.length) rejected++;
    sink += doc.toString().length;
  }
const jsNs = Number(process.hrtime.bigint() - t0);
const mbps = (b, ns) => ((b / ns) * 1e9) / (1 << 20);

console.log(`corpus: ${corpus.length} files, ${bytes} bytes; ${iterations} iterations`);
console.log(
  `@xendeck/xl-config parse+print: ${(jsNs / 1e6).toFixed(1)} ms, ${mbps(bytes * iterations, jsNs).toFixed(1)} MiB/s, ${(jsNs / (corpus.length * iterations) / 1000).toFixed(2)} µs/file (rejected ${rejected / iterations})`,
);

const h = buildHarness();
if ('skip' in h) {
  console.log(`libxlutil comparison skipped: ${h.skip}`);
} else {
  const c = benchHarness(h.path, corpus, iterations);
  console.log(
    `libxlutil xlu_cfg_readdata:     ${(c.ns / 1e6).toFixed(1)} ms, ${mbps(c.bytes, c.ns).toFixed(1)} MiB/s, ${(c.ns / (c.files * c.iterations) / 1000).toFixed(2)} µs/file (rejected ${c.rejected})`,
  );
  console.log(
    `ratio (package time / libxlutil time): ${(jsNs / c.ns).toFixed(2)}x  (target: within 3x)`,
  );
}
if (sink === 0) console.log('');
