/**
 * The environment of every program Xendeck spawns (xl, lvm tools, dd, systemctl, ...): written once
 * here, in the one package every spawning package (@xendeck/hypervisor, @xendeck/storage, the
 * server) depends on. A spawned program never inherits the server's environment, which may still
 * hold what an operator put there (a password, a token, a proxy setting): it gets a fixed PATH of
 * the system directories, the C locale (output that is parsed stays English and stable, UTF-8
 * safe) and what the call site adds on purpose. Pure data: no Node import, safe in the web bundle.
 */

/** PATH of spawned programs: the system directories only (never node_modules/.bin or a home). */
export const CHILD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment for a spawned program: `PATH` = {@link CHILD_PATH}, `LANG` and `LC_ALL`
 * = `C.UTF-8`, plus `extra` (e.g. `{ LVM_SUPPRESS_FD_WARNINGS: '1' }`; it may override these).
 */
export function childEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { PATH: CHILD_PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...extra };
}
