#!/usr/bin/env node
// A tiny `xentop` on the metrics API (in the Xen lab's dom0, as root, after a build):
//   node packages/hypervisor/scripts/metrics-watch.mjs [--seconds N] [--interval MS] [--json] [--simulated]
// Takes a snapshot every interval (default 1000 ms) for N seconds (default 5) and prints, per
// domain, computeRates' CPU %, vif and vbd rates; --json prints the last raw snapshot too.
import {
  computeRates,
  createSimulatedHost,
  isHypervisorError,
  openLibxlHost,
} from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const seconds = opt('--seconds', 5);
const intervalMs = opt('--interval', 1000);
const simulated = args.includes('--simulated');
const fmt = (x, digits = 1) => (x === null ? '-' : x.toFixed(digits));

let host;
try {
  host = simulated ? createSimulatedHost() : await openLibxlHost();
  let prev;
  const ticks = Math.max(1, Math.round((seconds * 1000) / intervalMs));
  for (let t = 0; t <= ticks; t++) {
    const cur = await host.metricsSnapshot();
    const r = computeRates(prev, cur);
    if (prev) {
      console.log(
        `interval ${(r.intervalNs / 1e6).toFixed(1)} ms, collect ${(cur.collectNs / 1e6).toFixed(2)} ms, host CPU ${fmt(r.host.cpuPercent)} %`,
      );
      for (const d of r.domains) {
        console.log(
          `  ${String(d.domid).padStart(3)} ${d.name.padEnd(16)} ${d.state.padEnd(8)} CPU ${fmt(d.cpuPercent).padStart(6)} % ` +
            `vcpus ${d.onlineVcpus}/${d.maxVcpus} mem ${(d.memoryBytes / 1048576).toFixed(0)} MiB ` +
            `net rx ${fmt(d.netRxBytesPerSec, 0)} B/s tx ${fmt(d.netTxBytesPerSec, 0)} B/s ` +
            `vbd rd ${fmt(d.vbdRdReqsPerSec)} req/s ${fmt(d.vbdRdBytesPerSec, 0)} B/s wr ${fmt(d.vbdWrReqsPerSec)} req/s ${fmt(d.vbdWrBytesPerSec, 0)} B/s`,
        );
      }
    }
    prev = cur;
    if (t < ticks) await new Promise((res) => setTimeout(res, intervalMs));
  }
  if (args.includes('--json')) console.log(JSON.stringify(prev, null, 2));
} catch (err) {
  console.error(isHypervisorError(err) ? `${err.code}: ${err.message}` : err);
  process.exitCode = 1;
} finally {
  await host?.close();
}
