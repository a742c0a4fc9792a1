/**
 * Reading an xl domain config file before `createDomain` starts it, for both backends: the path
 * checks (CONFIG_NOT_FOUND) and the parse with `@xendeck/xl-config` (libxlutil's grammar, then
 * xl_parse.c's reading of the settings), whose errors become CREATE_FAILED carrying xl-config's
 * diagnostics. The libxl backend only needs the name from it (xl itself parses the file again);
 * the simulated host builds its domain from the whole {@link DomainConfig}.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { type DomainConfig, readDomainConfig, type XlDiagnostic } from '@xendeck/xl-config';
import { HypervisorError } from './errors.js';

/** A config file read for `createDomain`: its typed model, and the domain name it sets. */
export interface CreateConfig {
  config: DomainConfig;
  /** `name`: always set (a config without one is refused). */
  name: string;
}

/**
 * CREATE_FAILED for a problem in config file `path`. `details`: `path`; `line` (1-based, of the
 * first diagnostic) and `diagnostics` (`{line, column, code, message}` from xl-config) when the
 * problem was found by the parser.
 */
export function configError(
  path: string,
  message: string,
  diagnostics: readonly XlDiagnostic[] = [],
): HypervisorError {
  const first = diagnostics[0];
  return new HypervisorError('CREATE_FAILED', `${path}: ${message}`, {
    path,
    ...(first ? { line: first.line } : {}),
    diagnostics: diagnostics.map((d) => ({
      line: d.line,
      column: d.column,
      code: d.code,
      message: d.message,
    })),
  });
}

/**
 * Reads and parses the config file at `path` as `xl create` would. Throws CONFIG_NOT_FOUND (not an
 * absolute path, missing, not a regular file, unreadable) and CREATE_FAILED (an error xl-config
 * reports — syntax, a bad type or shutdown action, a disk spec xlu_disk_parse refuses: the message
 * names the first one's line and setting — or no `name`).
 */
export async function readCreateConfig(path: string): Promise<CreateConfig> {
  if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) {
    throw new HypervisorError(
      'CONFIG_NOT_FOUND',
      `config path must be an absolute path, got "${String(path)}"`,
      { path },
    );
  }
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HypervisorError(
      'CONFIG_NOT_FOUND',
      `config file ${path} not found or not a regular file`,
      { path, cause: err instanceof Error ? err.message : String(err) },
    );
  }
  const { config, errors } = readDomainConfig(text);
  const first = errors[0];
  if (first) {
    // Name the setting unless the message does (a bare word's message only quotes the value).
    const key = first.key && !first.message.includes(first.key) ? `${first.key}: ` : '';
    throw configError(
      path,
      `Failed to parse config: line ${first.line}: ${key}${first.message}`,
      errors,
    );
  }
  if (!config.name) throw configError(path, 'the domain name must be set (name = "...")');
  return { config, name: config.name };
}
