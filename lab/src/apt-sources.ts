/**
 * Reads the host's apt configuration to find the Debian mirror (and security mirror) the lab's
 * dom0 is built from. Never hard-codes a host name: the URIs come from
 * `/etc/apt/sources.list`, `/etc/apt/sources.list.d/*.list` (one-line format) and
 * `/etc/apt/sources.list.d/*.sources` (deb822 format).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One `deb` entry: a repository URI, a suite and its components. */
export interface AptSource {
  /** Repository URI without trailing slash, e.g. `http://deb.debian.org/debian`. */
  uri: string;
  /** Suite (distribution), e.g. `bookworm`, `bookworm-security`. */
  suite: string;
  components: string[];
  /** The file the entry came from (for error messages). */
  file: string;
}

/** The mirrors the lab uses: the main archive and the security archive for one release. */
export interface LabMirrors {
  release: string;
  /** URI serving `<release>` and `<release>-updates`. */
  main: string;
  /** URI serving `<release>-security`. */
  security: string;
}

const stripSlash = (u: string): string => u.replace(/\/+$/, '');

/**
 * Parses the one-line format (`deb [opts] URI SUITE COMPONENT...`). Only `deb` lines count;
 * `deb-src`, comments and blank lines are skipped. Options in brackets are ignored.
 */
export function parseOneLineSources(text: string, file = '<text>'): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const withoutOpts = line.replace(/\[[^\]]*\]/g, ' ');
    const words = withoutOpts.split(/\s+/).filter((w) => w !== '');
    const [type, uri, suite, ...components] = words;
    if (type !== 'deb' || uri === undefined || suite === undefined) continue;
    out.push({ uri: stripSlash(uri), suite, components, file });
  }
  return out;
}

/**
 * Parses the deb822 format (stanzas separated by blank lines, fields `Types`, `URIs`, `Suites`,
 * `Components`, `Enabled`). Comment lines (`#`) are skipped; continuation lines (leading
 * whitespace) extend the previous field. A stanza with `Enabled: no` or without `deb` in
 * `Types` is skipped. Every URI x suite pair becomes one entry.
 */
export function parseDeb822Sources(text: string, file = '<text>'): AptSource[] {
  const out: AptSource[] = [];
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) continue;
    if (raw.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw)) {
      if (lastKey !== undefined)
        current.set(lastKey, `${current.get(lastKey) ?? ''} ${raw.trim()}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon < 0) continue;
    lastKey = raw.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, raw.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);

  const words = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter((w) => w !== '');
  for (const s of stanzas) {
    if ((s.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    if (!words(s.get('types')).includes('deb')) continue;
    const components = words(s.get('components'));
    for (const uri of words(s.get('uris'))) {
      for (const suite of words(s.get('suites'))) {
        out.push({ uri: stripSlash(uri), suite, components, file });
      }
    }
  }
  return out;
}

/** Reads every apt source file of the host under `root` (default `/etc/apt`). */
export function readHostSources(root = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const tryRead = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const main = tryRead(join(root, 'sources.list'));
  if (main !== undefined) out.push(...parseOneLineSources(main, join(root, 'sources.list')));
  let names: string[] = [];
  try {
    names = readdirSync(join(root, 'sources.list.d')).sort();
  } catch {
    names = [];
  }
  for (const name of names) {
    const path = join(root, 'sources.list.d', name);
    if (name.endsWith('.list')) {
      const t = tryRead(path);
      if (t !== undefined) out.push(...parseOneLineSources(t, path));
    } else if (name.endsWith('.sources')) {
      const t = tryRead(path);
      if (t !== undefined) out.push(...parseDeb822Sources(t, path));
    }
  }
  return out;
}

/**
 * Picks the mirror serving `<release>` with component `main`, and the one serving
 * `<release>-security`.
 * @throws Error naming the release and the files read when either is missing.
 */
export function pickMirrors(sources: AptSource[], release = 'bookworm'): LabMirrors {
  const hasMain = (s: AptSource) => s.components.includes('main');
  const main = sources.find((s) => s.suite === release && hasMain(s));
  const security = sources.find(
    (s) => (s.suite === `${release}-security` || s.suite === `${release}/updates`) && hasMain(s),
  );
  const files = [...new Set(sources.map((s) => s.file))].join(', ') || 'no apt source files found';
  if (main === undefined) {
    throw new Error(
      `the host's apt configuration has no 'deb' source for suite '${release}' with component 'main' (read: ${files})`,
    );
  }
  if (security === undefined) {
    throw new Error(
      `the host's apt configuration has no 'deb' source for suite '${release}-security' (read: ${files}); ` +
        `the lab needs it so dom0's Xen tools match the hypervisor`,
    );
  }
  return { release, main: main.uri, security: security.uri };
}

/** The `/etc/apt/sources.list` written into dom0 (one-line format). */
export function dom0SourcesList(m: LabMirrors): string {
  return [
    `deb ${m.main} ${m.release} main`,
    `deb ${m.main} ${m.release}-updates main`,
    `deb ${m.security} ${m.release}-security main`,
    '',
  ].join('\n');
}
