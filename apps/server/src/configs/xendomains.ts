/**
 * What dom0's `xendomains` service does at boot and at shutdown: whether the init system runs it
 * (`systemctl is-enabled xendomains`, or the SysV `rc2.d` links without systemd) and the variables
 * of `/etc/default/xendomains`, read as text — never sourced, never run — and what Debian 12's
 * init script (xen-utils-common 4.17, /etc/init.d/xendomains) makes of them. The simulated host
 * has a seeded copy of Debian's file in its state dir and a service that says so.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { childEnv, type XendomainsService, type XendomainsSettings } from '@xendeck/api';

/** Where Debian keeps the settings of the xendomains init script. */
export const XENDOMAINS_DEFAULTS_PATH = '/etc/default/xendomains';

/** The variables Xendeck reports (those Debian 12's init script reads). */
export const XENDOMAINS_VARIABLES = [
  'XENDOMAINS_MIGRATE',
  'XENDOMAINS_SAVE',
  'XENDOMAINS_RESTORE',
  'XENDOMAINS_AUTO',
  'XENDOMAINS_STOP_MAXWAIT',
] as const;
type XendomainsVariable = (typeof XENDOMAINS_VARIABLES)[number];

/**
 * The value of one shell word as `sh` would assign it, for the plain cases a defaults file
 * holds: unquoted text, `'…'`, `"…"` (with `\"`, `\\`, `\$`, `` \` `` escapes), concatenated;
 * a `#` after whitespace starts a comment. Returns undefined for anything that would need the
 * shell (an unescaped `$` or backquote, `;`, `|`, `&`, `<`, `>`, `(`, `)`, a second word, an
 * unterminated quote): such a line is reported as skipped, not guessed at.
 */
export function shellAssignmentValue(raw: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += raw.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= raw.length) return undefined;
        const d = raw[i] as string;
        if (d === '"') break;
        if (d === '$' || d === '`') return undefined;
        if (d === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw[i + 1] as string)) {
          out += raw[i + 1];
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      i++;
    } else if (c === ' ' || c === '\t') {
      const rest = raw.slice(i).trimStart();
      return rest === '' || rest.startsWith('#') ? out : undefined;
    } else if ('$`;|&<>()'.includes(c)) {
      return undefined;
    } else if (c === '\\') {
      if (i + 1 >= raw.length) return undefined;
      out += raw[i + 1];
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Reads the `NAME=value` lines of a defaults file (optionally `export NAME=value`); blank lines
 * and `#` comments are ignored; the last assignment of a name wins, as in the shell. Returns the
 * xendomains variables (null when unset) and the 1-based numbers of the lines it could not read
 * (see {@link shellAssignmentValue}).
 */
export function parseXendomainsDefaults(text: string): {
  variables: Record<XendomainsVariable, string | null>;
  skippedLines: number[];
} {
  const variables = Object.fromEntries(XENDOMAINS_VARIABLES.map((v) => [v, null])) as Record<
    XendomainsVariable,
    string | null
  >;
  const skippedLines: number[] = [];
  text.split('\n').forEach((line, index) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(t);
    const value = m ? shellAssignmentValue(m[2] as string) : undefined;
    if (!m || value === undefined) {
      skippedLines.push(index + 1);
      return;
    }
    const name = m[1] as string;
    if ((XENDOMAINS_VARIABLES as readonly string[]).includes(name)) {
      variables[name as XendomainsVariable] = value;
    }
  });
  return { variables, skippedLines };
}

/**
 * What Debian 12's init script does with those variables (its `do_stop` and `do_start`):
 * at shutdown `xl migrate` to XENDOMAINS_MIGRATE when non-empty, then `xl save` of every domU to
 * XENDOMAINS_SAVE/<name> when non-empty, then `xl shutdown` of whatever still runs (waiting
 * XENDOMAINS_STOP_MAXWAIT s); at boot, restore XENDOMAINS_SAVE/* when XENDOMAINS_SAVE and
 * XENDOMAINS_RESTORE are non-empty (the script tests `-n`: the word `false` restores too), then
 * `xl create` each file of XENDOMAINS_AUTO whose domain is not running.
 */
export function xendomainsPlan(
  v: Record<XendomainsVariable, string | null>,
): Pick<XendomainsSettings, 'atShutdown' | 'atBoot'> {
  const nonEmpty = (s: string | null) => (s !== null && s !== '' ? s : null);
  const saveDir = nonEmpty(v.XENDOMAINS_SAVE);
  const wait = v.XENDOMAINS_STOP_MAXWAIT;
  return {
    atShutdown: {
      migrateTo: nonEmpty(v.XENDOMAINS_MIGRATE),
      action: saveDir ? 'save' : 'shutdown',
      saveDir,
      maxWaitSeconds: wait !== null && /^\d{1,9}$/.test(wait) ? Number(wait) : null,
    },
    atBoot: {
      restore: saveDir !== null && nonEmpty(v.XENDOMAINS_RESTORE) !== null,
      autoDir: nonEmpty(v.XENDOMAINS_AUTO),
    },
  };
}

/**
 * Debian 12's shipped /etc/default/xendomains (comments shortened) with its two directories
 * replaced: the simulated host's copy, pointing at the simulated save and auto dirs.
 */
export function simulatedDefaultsText(dirs: { saveDir: string; autoDir: string }): string {
  return `# Simulated host: Debian 12's /etc/default/xendomains (xen-utils-common 4.17), with the
# simulated host's directories instead of /var/lib/xen/save and /etc/xen/auto.
# Target of \`xl migrate\` at dom0 shutdown; empty: no migration.
XENDOMAINS_MIGRATE=""
# Save running domains here at dom0 shutdown (and restore them at boot); empty: shut them down.
XENDOMAINS_SAVE=${dirs.saveDir}
# Restore the domains saved in XENDOMAINS_SAVE at boot.
XENDOMAINS_RESTORE=true
# Start the configs in this directory at boot (those not running yet).
XENDOMAINS_AUTO=${dirs.autoDir}
# Seconds each migrate/save/shutdown may take at dom0 shutdown.
XENDOMAINS_STOP_MAXWAIT=300
`;
}

/**
 * Reads and interprets a defaults file. A missing file gives every variable null (the init
 * script then shuts domains down and starts none). Throws other fs errors.
 */
export async function readXendomainsSettings(path: string): Promise<XendomainsSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const { variables, skippedLines } = parseXendomainsDefaults('');
    return { path, exists: false, variables, skippedLines, ...xendomainsPlan(variables) };
  }
  const { variables, skippedLines } = parseXendomainsDefaults(text);
  return { path, exists: true, variables, skippedLines, ...xendomainsPlan(variables) };
}

/**
 * The simulated host's defaults file, `<stateDir>/sim-default-xendomains`, created with
 * {@link simulatedDefaultsText} when missing (edit it to try other settings).
 */
export async function simulatedDefaultsPath(
  stateDir: string,
  dirs: { saveDir: string; autoDir: string },
): Promise<string> {
  const path = join(stateDir, 'sim-default-xendomains');
  await writeFile(path, simulatedDefaultsText(dirs), { flag: 'wx', mode: 0o644 }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    },
  );
  return path;
}

/** Runs a program with an argument array; resolves with its exit code and stdout (never rejects
 * for a non-zero exit; rejects with the spawn error, e.g. ENOENT when it is not installed). */
export type RunProgram = (
  file: string,
  args: readonly string[],
) => Promise<{ code: number; stdout: string }>;

/** {@link RunProgram} with `execFile` (no shell, `childEnv()`), 5 s timeout, 64 KiB of output. */
export const runProgram: RunProgram = (file, args) =>
  new Promise((resolve, reject) => {
    const opts = { timeout: 5000, maxBuffer: 64 * 1024, env: childEnv() };
    execFile(file, [...args], opts, (err, stdout) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        reject(err);
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });

/** `systemctl is-enabled` states under which the unit runs at boot. */
const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'generated', 'static', 'alias']);

/**
 * Whether xendomains runs at boot (and so at shutdown). Asks `systemctl is-enabled xendomains`
 * and `systemctl is-active xendomains` (Debian 12: an LSB script behind a generated unit;
 * systemctl answers through systemd-sysv-install). Without systemctl (ENOENT): the SysV links,
 * enabled when `<etc>/rc2.d/S??xendomains` exists. `installed` is whether
 * `<etc>/init.d/xendomains` exists or systemd knows the unit.
 */
export async function xendomainsService(
  run: RunProgram = runProgram,
  etc = '/etc',
): Promise<XendomainsService> {
  const initScript = await stat(join(etc, 'init.d', 'xendomains')).then(
    (s) => s.isFile(),
    () => false,
  );
  try {
    const enabled = await run('systemctl', ['is-enabled', 'xendomains']);
    const state = enabled.stdout.trim().split(/\s+/)[0] || 'unknown';
    const active = await run('systemctl', ['is-active', 'xendomains']);
    return {
      installed: initScript || (state !== 'not-found' && state !== 'unknown'),
      enabled: ENABLED_STATES.has(state),
      state,
      active: active.stdout.trim().split(/\s+/)[0] || 'unknown',
      source: 'systemctl',
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const rc2 = await readdir(join(etc, 'rc2.d')).catch(() => [] as string[]);
  const linked = rc2.some((f) => /^S\d\dxendomains$/.test(f));
  if (!initScript && !linked) {
    return { installed: false, enabled: false, state: 'not-found', active: null, source: 'none' };
  }
  return {
    installed: initScript,
    enabled: linked,
    state: linked ? 'enabled' : 'disabled',
    active: null,
    source: 'rc.d',
  };
}

/** The simulated host's service: installed, enabled and active, and saying it is simulated. */
export const SIMULATED_XENDOMAINS_SERVICE: XendomainsService = {
  installed: true,
  enabled: true,
  state: 'enabled',
  active: 'active',
  source: 'simulated',
};
