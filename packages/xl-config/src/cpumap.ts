/**
 * CPU lists ("cpumaps") as xl reads and prints them: the `CPULIST` of xl.cfg(5) `cpus=` /
 * `cpus_soft=`, the HARD/SOFT arguments of `xl vcpu-pin`, and the Affinity column of
 * `xl vcpu-list`. Written once, here: the server parses what the browser sends and writes config
 * values with it, the web shows affinities with it.
 *
 * Grammar (xl.cfg(5) "cpus", libxlutil's `parse_cpurange`): comma-separated items, each `all`,
 * `N`, or `N-M`, optionally prefixed with `^` to remove those CPUs from the set built so far.
 * NUMA forms (`node:N`, `nodes:N-M`) are not read here: they need the host's topology.
 */

/** Longest CPU list accepted, in characters. */
export const CPUMAP_MAX_LENGTH = 1024;

/** What {@link parseCpumap} makes of a CPU list: the CPU ids ascending, or why xl would refuse it. */
export type CpumapParse = { ok: true; cpus: number[] } | { ok: false; message: string };

/**
 * Reads a CPU list such as `"0-3,5,^1"` or `"all,^7"` against a host of `nrCpus` physical CPUs
 * (ids 0..nrCpus-1). Returns the selected ids ascending, or a message naming the first bad item:
 * a CPU id ≥ nrCpus, a reversed range (`3-1`), an unknown word, a NUMA item, or a list that
 * selects no CPU at all (xl refuses an empty hard affinity).
 */
export function parseCpumap(text: string, nrCpus: number): CpumapParse {
  if (text.length > CPUMAP_MAX_LENGTH) {
    return { ok: false, message: `a CPU list is at most ${CPUMAP_MAX_LENGTH} characters` };
  }
  const selected = new Set<number>();
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '') {
    return { ok: false, message: 'the CPU list is empty (write "all", "0-1" or "0,2")' };
  }
  for (const raw of items) {
    const remove = raw.startsWith('^');
    const item = remove ? raw.slice(1) : raw;
    let from: number;
    let to: number;
    if (item === 'all') {
      from = 0;
      to = nrCpus - 1;
    } else if (/^node[s]?:/.test(item)) {
      return {
        ok: false,
        message: `"${raw}": NUMA node lists are not supported here; list the CPUs (e.g. "0-3")`,
      };
    } else {
      const m = /^([0-9]{1,6})(?:-([0-9]{1,6}))?$/.exec(item);
      if (!m) {
        return {
          ok: false,
          message: `"${raw}" is not a CPU, a range (N-M), "all" or one of those after "^"`,
        };
      }
      from = Number(m[1]);
      to = m[2] === undefined ? from : Number(m[2]);
      if (to < from) return { ok: false, message: `"${raw}": the range ends before it starts` };
      if (to >= nrCpus) {
        return {
          ok: false,
          message: `"${raw}": the host has CPUs 0-${nrCpus - 1} (${nrCpus} physical CPUs)`,
        };
      }
    }
    for (let c = from; c <= to; c++) {
      if (remove) selected.delete(c);
      else selected.add(c);
    }
  }
  if (selected.size === 0) return { ok: false, message: `"${text}" selects no CPU` };
  return { ok: true, cpus: [...selected].sort((a, b) => a - b) };
}

/**
 * A set of CPU ids as xl prints it: `all` when it holds every CPU 0..nrCpus-1 (`nrCpus` given),
 * `none` when empty, else ascending ranges `0-1,3`. Duplicates and order in `cpus` do not matter.
 * {@link parseCpumap} reads every output back to the same set.
 */
export function formatCpumap(cpus: readonly number[], nrCpus?: number): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'none';
  if (nrCpus !== undefined && sorted.length === nrCpus && sorted[nrCpus - 1] === nrCpus - 1) {
    return 'all';
  }
  const parts: string[] = [];
  let start = sorted[0] as number;
  let prev = start;
  for (const c of [...sorted.slice(1), Number.NaN]) {
    if (c === prev + 1) {
      prev = c;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
    start = c;
    prev = c;
  }
  return parts.join(',');
}
