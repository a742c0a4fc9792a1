/**
 * dom0 stability probe: an allocation-heavy loop that keeps V8's (multi-threaded) garbage collector
 * busy for `argv[2]` ms (default 20000), then prints `ok <iterations>`. Run it in dom0 while a guest
 * keeps its vCPU busy: `pnpm lab exec -- node /work/main/lab/scripts/alloc-probe.mjs 15000`.
 * Without `spec-ctrl=eager-fpu` on Xen's command line it died with SIGSEGV (exit 139) every time.
 */
const limitMs = Number(process.argv[2] ?? 20000);
const t0 = Date.now();
let keep = [];
let n = 0;
while (Date.now() - t0 < limitMs) {
  keep.push({ a: new Array(64).fill(n), s: `x${n}`, b: Buffer.alloc(256, n & 255) });
  if (keep.length > 20000) keep = keep.slice(10000);
  n++;
}
console.log('ok', n);
