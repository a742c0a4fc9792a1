// Compiles the libxlutil oracle once per test run; tests read its path (or the reason it is
// unavailable) from the environment.
import { buildHarness } from './harness.mjs';

export default function setup(): void {
  const r = buildHarness();
  if ('path' in r) process.env.XLU_HARNESS = r.path;
  else {
    process.env.XLU_HARNESS_SKIP = r.skip;
    console.warn(`[xl-config] libxlutil differential tests skipped: ${r.skip}`);
  }
}
