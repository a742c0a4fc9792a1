#!/usr/bin/env node
// Manual check of the libxl backend (in the Xen lab's dom0, as root):
//   node packages/hypervisor/scripts/smoke.mjs            # real libxl (needs a built dist/ and addon)
//   node packages/hypervisor/scripts/smoke.mjs --simulated
// Prints { backend, hostInfo, dom0Memory, listDomains } as JSON. Errors print code and message.
import { createSimulatedHost, isHypervisorError, openLibxlHost } from '../dist/index.js';

const simulated = process.argv.includes('--simulated');
let host;
try {
  host = simulated ? createSimulatedHost() : await openLibxlHost();
  const result = {
    backend: host.kind,
    hostInfo: await host.hostInfo(),
    dom0Memory: await host.dom0Memory(),
    listDomains: await host.listDomains(),
  };
  console.log(JSON.stringify(result, null, 2));
} catch (err) {
  if (isHypervisorError(err)) {
    console.error(`${err.code}: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
} finally {
  await host?.close();
}
