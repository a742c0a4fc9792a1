/**
 * A deliberately tiny scanner for xl domain config files: just enough for the simulated host to
 * read `name`, `memory`, `maxmem`, `vcpus`, `type`/`builder`, and for the libxl backend to learn
 * the domain name before it runs `xl create`. It understands `KEY = VALUE` lines with quoted
 * strings, numbers and `[ ... ]` lists (lists may span lines and are kept as raw text), `#`
 * comments and blank lines. It is not xl's grammar (libxlu_cfg_y.y): the lossless parser lives in
 * `@xendeck/xl-config`.
 */

/** A scanned value: a string (quotes removed), a number, or a list kept as its raw text. */
export type ScannedValue = string | number | { list: string };

/** Thrown by {@link scanXlConfig}; `line` is 1-based. */
export class ConfigScanError extends Error {
  override readonly name = 'ConfigScanError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      return line.slice(0, i);
    }
  }
  return line;
}

/**
 * Scans config text into a key → value map. Throws {@link ConfigScanError} for a line that is not
 * `KEY = VALUE`, an unterminated string or list, or a value that is neither a string, a number nor
 * a list.
 */
export function scanXlConfig(text: string): Map<string, ScannedValue> {
  const out = new Map<string, ScannedValue>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = stripComment(lines[i] ?? '').trim();
    if (line === '') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?);?$/.exec(line);
    if (!m) throw new ConfigScanError(lineNo, `expected KEY = VALUE, got "${line}"`);
    const key = m[1] as string;
    let raw = (m[2] ?? '').trim();
    if (raw.startsWith('[')) {
      while (!raw.endsWith(']')) {
        i++;
        if (i >= lines.length) throw new ConfigScanError(lineNo, `list for "${key}" is not closed`);
        raw += ` ${stripComment(lines[i] ?? '').trim()}`;
      }
      out.set(key, { list: raw });
      continue;
    }
    const str = /^"([^"]*)"$/.exec(raw) ?? /^'([^']*)'$/.exec(raw);
    if (str) {
      out.set(key, str[1] as string);
    } else if (/^(0x[0-9a-fA-F]+|\d+)$/.test(raw)) {
      out.set(key, Number(raw));
    } else if (raw.startsWith('"') || raw.startsWith("'")) {
      throw new ConfigScanError(lineNo, `string for "${key}" is not closed`);
    } else {
      throw new ConfigScanError(
        lineNo,
        `value of "${key}" must be a quoted string, a number or a list, got "${raw}"`,
      );
    }
  }
  return out;
}

/**
 * Finds the domain name in config text: the last `name = "..."` (or '...') line, as xl keeps the
 * last assignment. Used by the libxl backend, which leaves the real parsing to `xl create`.
 * Returns undefined when there is none.
 */
export function scanConfigName(text: string): string | undefined {
  let name: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*name\s*=\s*(?:"([^"]*)"|'([^']*)')\s*;?\s*(?:#.*)?$/.exec(line);
    if (m) name = m[1] ?? m[2];
  }
  return name;
}
