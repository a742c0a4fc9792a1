// biome-ignore-all lint/suspicious/noExplicitAny: harness results are JSON checked field by field in the tests
export function buildHarness(): { path: string } | { skip: string };
export function runHarness(path: string, mode: 'cfg' | 'disk' | 'rate', cases: string[]): any[];
export function benchHarness(
  path: string,
  cases: string[],
  iterations: number,
): { ns: number; bytes: number; files: number; iterations: number; rejected: number };
export function decodeValue(v: unknown): any;
