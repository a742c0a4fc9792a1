/**
 * The `xl` twin of every Xendeck action: the command line a hoster would type in a dom0 shell for
 * the same effect. Written once, here: the web shows it beside each button (copyable), the server
 * records it in the audit log (`command`), the docs quote it. Xendeck itself never runs these
 * strings: it calls libxl, or spawns programs with argument arrays.
 *
 * `xlTwin(action)` gives the argument vector; `commandLine(argv)` quotes it for a POSIX shell.
 * Sizes in the commands are in the units `xl` reads (`m` suffix = MiB).
 */

/** Quotes a word for a POSIX shell when it needs it (display only: nothing runs these strings). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** One command line from an argument vector, each word quoted when it needs it. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

/** A lifecycle operation, as the `xl` sub-command of the same name. */
export type XlLifecycle = 'shutdown' | 'reboot' | 'destroy' | 'pause' | 'unpause';

/**
 * A Xendeck action with the parameters its `xl` twin needs. `name` is the domain name (xl
 * accepts names wherever it takes a domain); paths are absolute dom0 paths.
 */
export type XlAction =
  | { action: XlLifecycle; name: string }
  /** `xl create FILE` (start from a config file). */
  | { action: 'create'; configPath: string }
  /** `xl save [-c] DOMAIN FILE`: `checkpoint` leaves the domain running. */
  | { action: 'save'; name: string; file: string; checkpoint: boolean }
  /** `xl restore FILE`. */
  | { action: 'restore'; file: string }
  /** `xl mem-set DOMAIN <MiB>m`: balloon target. */
  | { action: 'mem-set'; name: string; targetMiB: number }
  /** `xl mem-max DOMAIN <MiB>m`: maximum memory of a running domain. */
  | { action: 'mem-max'; name: string; maxMiB: number }
  /**
   * `xl vcpu-set [-i] DOMAIN N`: vCPUs online. xl refuses more vCPUs than the host has pCPUs
   * unless given `-i`; libxl (and Xendeck) allow it, so `-i` is added when `vcpus > hostCpus`.
   */
  | { action: 'vcpu-set'; name: string; vcpus: number; hostCpus?: number }
  /**
   * `xl vcpu-pin DOMAIN VCPU HARD [SOFT]`: `vcpu` is a vCPU id or `all`; `hard`/`soft` are
   * cpumaps as xl reads them (`all`, `0-3`, `0,2`); soft is omitted when undefined.
   */
  | { action: 'vcpu-pin'; name: string; vcpu: number | 'all'; hard: string; soft?: string }
  /** `xl sched-credit2 -d DOMAIN [-w WEIGHT] [-c CAP]`: cap in percent of one pCPU, 0 = none. */
  | { action: 'sched-credit2'; name: string; weight?: number; cap?: number }
  /** `xl cd-insert DOMAIN VDEV TARGET`. */
  | { action: 'cd-insert'; name: string; vdev: string; target: string }
  /** `xl cd-eject DOMAIN VDEV`. */
  | { action: 'cd-eject'; name: string; vdev: string }
  /** `xl network-attach DOMAIN VIFSPEC...`: `spec` items as in a `vif=` entry (`bridge=xenbr0`). */
  | { action: 'network-attach'; name: string; spec: readonly string[] }
  /** `xl network-detach DOMAIN DEVID|MAC`. */
  | { action: 'network-detach'; name: string; device: number | string };

/** The argument vector of an action's `xl` twin, starting with `xl`. */
export function xlTwin(a: XlAction): string[] {
  switch (a.action) {
    case 'shutdown':
    case 'reboot':
    case 'destroy':
    case 'pause':
    case 'unpause':
      return ['xl', a.action, a.name];
    case 'create':
      return ['xl', 'create', a.configPath];
    case 'save':
      return ['xl', 'save', ...(a.checkpoint ? ['-c'] : []), a.name, a.file];
    case 'restore':
      return ['xl', 'restore', a.file];
    case 'mem-set':
      return ['xl', 'mem-set', a.name, `${a.targetMiB}m`];
    case 'mem-max':
      return ['xl', 'mem-max', a.name, `${a.maxMiB}m`];
    case 'vcpu-set':
      return [
        'xl',
        'vcpu-set',
        ...(a.hostCpus !== undefined && a.vcpus > a.hostCpus ? ['-i'] : []),
        a.name,
        String(a.vcpus),
      ];
    case 'vcpu-pin':
      return [
        'xl',
        'vcpu-pin',
        a.name,
        String(a.vcpu),
        a.hard,
        ...(a.soft === undefined ? [] : [a.soft]),
      ];
    case 'sched-credit2':
      return [
        'xl',
        'sched-credit2',
        '-d',
        a.name,
        ...(a.weight === undefined ? [] : ['-w', String(a.weight)]),
        ...(a.cap === undefined ? [] : ['-c', String(a.cap)]),
      ];
    case 'cd-insert':
      return ['xl', 'cd-insert', a.name, a.vdev, a.target];
    case 'cd-eject':
      return ['xl', 'cd-eject', a.name, a.vdev];
    case 'network-attach':
      return ['xl', 'network-attach', a.name, ...a.spec];
    case 'network-detach':
      return ['xl', 'network-detach', a.name, String(a.device)];
  }
}

/** {@link xlTwin} as one shell line, e.g. `xl save -c web1 /var/lib/xen/save/web1`. */
export function xlCommand(a: XlAction): string {
  return commandLine(xlTwin(a));
}
